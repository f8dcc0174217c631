"""toolkit.merging (SPEC §6 merge): properties of two-way and three-way merges, and edge cases.

Frames are compared as {key: row} dicts of canonical values; inputs are written as small TSV
files (the library reads paths, as the CLI does).
"""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import FIXTURES, table
from toolkit.errors import InputError, UsageError
from toolkit.merging import MergeResult, MergeSummary, conflicts_path, merge, plan_merge
from toolkit.tsv import manifest_bytes

MERGE = FIXTURES / "merge"
ASSET_COLUMNS = ("InternalMediaId", "MediaLocale", "MediaState", "ImageAltText", "MediaLastModifiedOn", "Note")
ASSET_KEY = ASSET_COLUMNS[:3]
GUIDS = ("0879034e-ab69-4d30-b238-7d1e14518049", "387f3cdf-291b-4523-9e73-27431f7b6b82",
         "4ee256fb-2388-4216-a70b-0a420a5c6c42")
TIMES = ("2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z", "2025-04-01T00:00:00.5Z")
T1, T2 = "2025-04-05T09:00:00Z", "2025-04-06T10:00:00Z"

Rows = dict[tuple[str, ...], tuple[str | None, ...]]
_key = st.tuples(st.sampled_from(GUIDS), st.sampled_from(("system_neutral", "en-us")),
                 st.sampled_from(("Published", "Draft")))
_values = st.tuples(st.sampled_from((None, "front", "back", "a, b")), st.sampled_from((None, *TIMES)),
                    st.sampled_from((None, "x", "y")))
asset_rows = st.dictionaries(_key, _values, max_size=6)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write(path: Path, header: tuple[str, ...], rows: Rows) -> Path:
    body = [[*k, *(v or "" for v in vals)] for k, vals in rows.items()]
    path.write_text(table(header, *body), encoding="utf-8")
    return path


def as_rows(frame: pl.DataFrame, key: tuple[str, ...] = ASSET_KEY,
            columns: tuple[str, ...] = ASSET_COLUMNS) -> Rows:
    full = frame.with_columns([pl.lit(None, pl.String).alias(c) for c in columns if c not in frame.columns])
    return {r[:len(key)]: r[len(key):] for r in full.select(*key, *(c for c in columns if c not in key)).rows()}


def plan_rows(*sides: Rows, policy: str = "fail", kind: str = "assets") -> tuple[Rows, MergeSummary]:
    """Merge ``ours, theirs[, base]`` written as asset files; the merged rows and the summary."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [write(Path(tmp) / f"{n}.tsv", ASSET_COLUMNS, rows) for n, rows in zip("otb", sides, strict=False)]
        plan = plan_merge(*paths, on_conflict=policy, kind=kind)
    return as_rows(plan.merged), plan.summary


def substantive(row: tuple[str | None, ...]) -> tuple[str | None, ...]:
    return row[:1] + row[2:]  # all but MediaLastModifiedOn


# --- properties --------------------------------------------------------------------------------------------

@FAST
@given(ours=asset_rows, theirs=asset_rows)
def test_two_way_keep_is_ours_on_common_keys_and_replace_is_theirs(ours: Rows, theirs: Rows) -> None:
    kept, summary = plan_rows(ours, theirs, policy="keep")
    assert kept == {**theirs, **ours}
    differing = sum(substantive(ours[k]) != substantive(theirs[k]) for k in ours.keys() & theirs.keys())
    assert summary.conflicts == differing and summary.rows == len(kept)
    assert summary.taken_ours == sum(k not in theirs or ours[k] != theirs[k] for k in ours)
    assert summary.taken_theirs == len(theirs.keys() - ours.keys())
    replaced, _ = plan_rows(ours, theirs, policy="replace")
    assert replaced == {**ours, **theirs}


@FAST
@given(base=asset_rows, changed=asset_rows, which=st.sampled_from(("ours", "theirs")),
       policy=st.sampled_from(("fail", "keep", "replace", "latest")))
def test_three_way_with_one_side_changed_is_that_side(base: Rows, changed: Rows, which: str, policy: str) -> None:
    ours, theirs = (changed, base) if which == "ours" else (base, changed)
    merged, summary = plan_rows(ours, theirs, base, policy=policy)
    assert merged == changed and summary.conflicts == 0


@FAST
@given(base=asset_rows, ours=asset_rows, theirs=asset_rows, three_way=st.booleans(),
       policy=st.sampled_from(("fail", "keep", "replace", "latest")))
def test_a_row_both_sides_hold_unchanged_is_never_lost(base: Rows, ours: Rows, theirs: Rows, three_way: bool,
                                                       policy: str) -> None:
    sides = (ours, theirs, base) if three_way else (ours, theirs)
    merged, _ = plan_rows(*sides, policy=policy)
    for k in ours.keys() & theirs.keys():
        if ours[k] == theirs[k]:
            assert merged[k] == ours[k]


@FAST
@given(rows=asset_rows, three_way=st.booleans(), policy=st.sampled_from(("fail", "keep", "replace", "latest")))
def test_merging_x_with_itself_is_x(rows: Rows, three_way: bool, policy: str) -> None:
    merged, summary = plan_rows(*([rows] * (3 if three_way else 2)), policy=policy)
    assert merged == rows
    assert summary == MergeSummary(len(rows), 0, 0, 0)


SET_COLUMNS = ("EntityType", "EntityKeyValue", "EntityLocale", "EntityAssignmentCurrentPublishState", "MediaGroup",
               "InternalMediaId", "MediaDisplayOrder", "EntityLastModifiedOn")
SET_KEY = ("EntityType", "EntityKeyValue", "EntityLocale", "EntityAssignmentCurrentPublishState", "MediaGroup",
           "InternalMediaId")
_set_key = st.tuples(st.just("Product|Master"), st.sampled_from(("1000", "93039")), st.just("system_neutral"),
                     st.sampled_from(("Published", "Draft")), st.just("Primary"), st.sampled_from(GUIDS))
set_rows = st.dictionaries(_set_key, st.tuples(st.sampled_from(("1", "2")), st.sampled_from(TIMES)), max_size=6)


@FAST
@given(ours=set_rows, theirs=set_rows, policy=st.sampled_from(("keep", "replace", "latest")))
def test_two_way_assignments_take_every_set_whole_from_one_side(ours: Rows, theirs: Rows, policy: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [write(Path(tmp) / f"{n}.tsv", SET_COLUMNS, rows) for n, rows in (("o", ours), ("t", theirs))]
        merged = as_rows(plan_merge(*paths, on_conflict=policy).merged, SET_KEY, SET_COLUMNS)

    def sets(rows: Rows) -> dict[tuple[str, ...], Rows]:
        out: dict[tuple[str, ...], Rows] = {}
        for k, v in rows.items():
            out.setdefault(k[:4], {})[k] = v
        return out

    mine, yours, result = sets(ours), sets(theirs), sets(merged)
    assert result.keys() == mine.keys() | yours.keys()
    for s, rows in result.items():
        assert rows in (mine.get(s), yours.get(s))
        if policy == "keep" and s in mine:
            assert rows == mine[s]
        if policy == "replace" and s in yours:
            assert rows == yours[s]


# --- edge cases ----------------------------------------------------------------------------------------------

ROW_A = {"InternalMediaId": GUIDS[0], "MediaLocale": "system_neutral", "MediaState": "Published",
         "ImageAltText": "front", "MediaLastModifiedOn": T1}
ROW_B = {**ROW_A, "InternalMediaId": GUIDS[1]}
HEADER = ("InternalMediaId", "MediaLocale", "MediaState", "ImageAltText", "MediaLastModifiedOn")
CANONICAL = ("InternalMediaId", "MediaLocale", "ImageAltText", "MediaLastModifiedOn", "MediaState")  # schema order


def put(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def test_header_only_sides(tmp_path: Path) -> None:
    empty = put(tmp_path, "empty.tsv", table(HEADER))
    full = put(tmp_path, "full.tsv", table(HEADER, ROW_A, ROW_B))
    plan = plan_merge(empty, full)
    assert as_rows(plan.merged, ASSET_KEY, HEADER) == as_rows(plan_merge(full, full).merged, ASSET_KEY, HEADER)
    assert plan.summary == MergeSummary(2, 0, 2, 0)
    both = plan_merge(empty, empty, empty)
    assert both.merged.columns == list(CANONICAL) and both.merged.height == 0
    assert both.summary == MergeSummary(0, 0, 0, 0)
    assert plan_merge(full, empty, full).merged.height == 0  # theirs removed every row


def test_column_on_one_side_only_is_kept(tmp_path: Path) -> None:
    base = put(tmp_path, "b.tsv", table(HEADER, ROW_A))
    ours = put(tmp_path, "o.tsv", table((*HEADER, "Note"), {**ROW_A, "Note": "mine"}))
    theirs = put(tmp_path, "t.tsv", table(HEADER, {**ROW_A, "ImageAltText": "back", "MediaLastModifiedOn": T2}))
    plan = plan_merge(ours, theirs, base)
    assert plan.merged.columns == [*CANONICAL, "Note"]  # unknown columns after the schema's
    assert plan.merged.row(0) == (GUIDS[0], "system_neutral", "back", T2, "Published", "mine")
    assert plan.summary == MergeSummary(1, 1, 1, 0)
    # Two-way: a column one side lacks is empty there, so the rows differ and the policy decides.
    assert plan_merge(ours, theirs, on_conflict="keep").merged.row(0)[-1] == "mine"
    assert plan_merge(ours, theirs, on_conflict="replace").merged.row(0)[-1] is None


def test_duplicate_key_names_the_key_and_lines(tmp_path: Path) -> None:
    ok = put(tmp_path, "ok.tsv", table(HEADER, ROW_A))
    dup = put(tmp_path, "dup.tsv", table(HEADER, ROW_A, ROW_B, {**ROW_A, "ImageAltText": "again"}))
    with pytest.raises(InputError) as exc:
        plan_merge(ok, dup)
    assert str(exc.value) == (
        f"THEIRS {dup}: duplicate key InternalMediaId={GUIDS[0]}, MediaLocale=system_neutral, "
        f"MediaState=Published on lines 2, 4 (a key must be unique to merge; fix the file (omm validate {dup} "
        "lists every duplicate))")
    assert exc.value.rule == "duplicate_key"


def test_reordered_columns_crlf_and_utf16_are_no_difference(tmp_path: Path) -> None:
    ours = put(tmp_path, "o.tsv", table(HEADER, ROW_A, ROW_B))
    shuffled = tuple(reversed(HEADER))
    text = table(shuffled, ROW_B, {**ROW_A, "MediaLocale": "Neutral"}).replace("\n", "\r\n")
    theirs = put(tmp_path, "t.tsv", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    for plan in (plan_merge(ours, theirs), plan_merge(theirs, ours), plan_merge(ours, theirs, theirs)):
        assert plan.summary == MergeSummary(2, 0, 0, 0)
        assert as_rows(plan.merged, ASSET_KEY, HEADER) == as_rows(plan_merge(ours, ours).merged, ASSET_KEY, HEADER)


def test_latest_ties_keep_ours(tmp_path: Path) -> None:
    base = put(tmp_path, "b.tsv", table(HEADER, ROW_A))
    ours = put(tmp_path, "o.tsv", table(HEADER, {**ROW_A, "ImageAltText": "mine", "MediaLastModifiedOn": T2}))
    theirs = put(tmp_path, "t.tsv", table(HEADER, {**ROW_A, "ImageAltText": "yours", "MediaLastModifiedOn": T2}))
    for sides in ((ours, theirs), (ours, theirs, base)):
        plan = plan_merge(*sides, on_conflict="latest")
        assert plan.merged.get_column("ImageAltText").to_list() == ["mine"]
        assert plan.summary == MergeSummary(1, 1, 0, 1)
    later = put(tmp_path, "later.tsv", table(HEADER, {**ROW_A, "ImageAltText": "yours",
                                                      "MediaLastModifiedOn": "2025-04-06T10:00:00.5Z"}))
    assert plan_merge(ours, later, base, on_conflict="latest").merged.get_column("ImageAltText").to_list() == ["yours"]


def test_timestamps_alone_never_conflict(tmp_path: Path) -> None:
    base = put(tmp_path, "b.tsv", table(HEADER, ROW_A))
    ours = put(tmp_path, "o.tsv", table(HEADER, {**ROW_A, "MediaLastModifiedOn": T2}))
    theirs = put(tmp_path, "t.tsv", table(HEADER, {**ROW_A, "MediaLastModifiedOn": "2025-04-05T10:00:00Z"}))
    for sides in ((ours, theirs), (ours, theirs, base), (theirs, ours), (theirs, ours, base)):
        plan = plan_merge(*sides)
        assert plan.summary.conflicts == 0 and plan.merged.get_column("MediaLastModifiedOn").to_list() == [T2]


def test_edit_against_removal_by_policy(tmp_path: Path) -> None:
    base = put(tmp_path, "b.tsv", table(HEADER, ROW_A, ROW_B))
    edited = put(tmp_path, "o.tsv", table(HEADER, {**ROW_A, "ImageAltText": "mine", "MediaLastModifiedOn": T2}, ROW_B))
    removed = put(tmp_path, "t.tsv", table(HEADER, ROW_B))
    expect = {"keep": ["mine", "front"], "replace": ["front"], "latest": ["mine", "front"], "fail": ["mine", "front"]}
    for policy, alts in expect.items():
        plan = plan_merge(edited, removed, base, on_conflict=policy)
        assert plan.merged.get_column("ImageAltText").to_list() == alts
        assert plan.summary.conflicts == 1 and plan.unresolved == (policy == "fail")
        assert plan.conflicts.select("ConflictId", "Conflict", "Column", "OursLine", "TheirsLine").rows() == [
            (1, "removed_by_theirs", None, 2, None)]
    # The mirror image: ours removed, theirs edited; latest keeps the edit (a removal has no time).
    plan = plan_merge(removed, edited, base, on_conflict="latest")
    assert plan.merged.get_column("ImageAltText").to_list() == ["mine", "front"]
    assert plan_merge(removed, edited, base, on_conflict="keep").merged.height == 1
    # A removal against an unchanged row is simply taken.
    assert plan_merge(base, removed, base).merged.height == 1


def test_both_added_the_same_key(tmp_path: Path) -> None:
    base = put(tmp_path, "b.tsv", table(HEADER))
    ours = put(tmp_path, "o.tsv", table(HEADER, ROW_A))
    same = plan_merge(ours, ours, base)
    assert same.summary == MergeSummary(1, 0, 0, 0)
    theirs = put(tmp_path, "t.tsv", table(HEADER, {**ROW_A, "ImageAltText": "back"}))
    plan = plan_merge(ours, theirs, base)
    assert plan.conflicts.select("Conflict", "Column", "Base", "Ours", "Theirs").rows() == [
        ("added", "ImageAltText", None, "front", "back")]


def test_assignment_set_edited_on_both_sides() -> None:
    sides = [MERGE / f"assignments-{s}.tsv" for s in ("ours", "theirs", "base")]
    two = plan_merge(*sides[:2], on_conflict="latest")
    ours, theirs = (plan_merge(s, s).merged for s in sides[:2])
    assert two.merged.equals(theirs)  # theirs touched both sets later: both sets whole from theirs
    assert plan_merge(*sides[:2], on_conflict="keep").merged.equals(ours)
    assert plan_merge(*sides[:2]).summary == MergeSummary(8, 0, 0, 2)  # two sets, each one conflict
    three = plan_merge(*sides)
    assert three.conflicts.select("Conflict", "InternalMediaId", "Column", "Base", "Ours", "Theirs").rows() == [
        ("edited", "7c522f2e-2a89-4557-86d3-1b8889c5b44e", "MediaDisplayOrder", "1", "2", "4")]


def test_kinds_must_match_and_latest_needs_a_timestamp(tmp_path: Path) -> None:
    assets = MERGE / "assets-ours.tsv"
    with pytest.raises(InputError, match=r"^THEIRS .*assignments-ours.tsv is a assignments manifest but OURS"):
        plan_merge(assets, MERGE / "assignments-ours.tsv")
    products = put(tmp_path, "products.tsv", table(("ProductNumber", "ProductName"), ["1000", "Sunglasses"]))
    with pytest.raises(UsageError) as exc:
        plan_merge(products, products, on_conflict="latest")
    assert str(exc.value) == ("--on-conflict latest needs a LastModifiedOn column, and products manifests have none "
                              "(use keep, replace or fail)")
    with pytest.raises(UsageError, match="unknown conflict policy 'newest'"):
        plan_merge(products, products, on_conflict="newest")


def test_custom_key(tmp_path: Path) -> None:
    ours = put(tmp_path, "o.tsv", table(HEADER, ROW_A))
    theirs = put(tmp_path, "t.tsv", table(HEADER, {**ROW_A, "MediaState": "Draft"}))
    assert plan_merge(ours, theirs).summary == MergeSummary(2, 1, 1, 0)
    by_id = plan_merge(ours, theirs, key=["InternalMediaId"], on_conflict="replace")
    assert by_id.merged.get_column("MediaState").to_list() == ["Draft"] and by_id.summary.conflicts == 1
    with pytest.raises(UsageError, match="--key column 'Nope' is in none of the inputs"):
        plan_merge(ours, theirs, key=["Nope"])


def test_merge_writes_out_or_the_conflict_manifest(tmp_path: Path) -> None:
    sides = [MERGE / f"assets-{s}.tsv" for s in ("ours", "theirs", "base")]
    out = tmp_path / "merged.tsv"
    out.write_text("previous\n")
    failed = merge(*sides, out=out)
    assert isinstance(failed, MergeResult) and failed.unresolved
    assert failed.to_dict() == {"summary": {"rows": 7, "taken_ours": 3, "taken_theirs": 3, "conflicts": 2},
                                "output": None, "conflicts_file": str(tmp_path / "merged.conflicts.tsv")}
    assert out.read_text() == "previous\n" and conflicts_path(out).is_file()
    done = merge(*sides, out=out, on_conflict="keep")
    assert done.to_dict()["output"] == str(out) and done.conflicts_file is None
    assert not conflicts_path(out).exists()  # the stale conflict manifest is gone
    assert out.read_bytes() == manifest_bytes(done.plan.merged, "assets")  # canonical
    planned = merge(*sides, plan=True)
    assert planned.planned and planned.output is None and planned.conflicts_file is None
    with pytest.raises(UsageError, match="no output file"):
        merge(*sides)
    assert conflicts_path("a/b") == Path("a/b.conflicts.tsv")
