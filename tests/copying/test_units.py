"""``toolkit.copying`` decisions: every policy on assets and sets with older, equal and newer
timestamps; both version choices with drafts present; identical units; history of what is replaced."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.copying.copy_data import T0, asset, files, fill, media_bytes, set_rows, sets_bytes, uid, workspace
from toolkit.copying import CopyOptions, plan_copy, run_copy
from toolkit.tsv import read_manifest
from toolkit.validation import validate

OLDER, NEWER = "2025-03-01T09:00:00Z", "2025-03-01T10:00:00.5Z"  # around T0 (a fraction is later than none)
WHEN = {"older": OLDER, "equal": T0, "newer": NEWER}
# (policy, source time) → whether the source's asset 1 and set P1 replace the destination's
TAKES = {("keep", "older"): False, ("keep", "equal"): False, ("keep", "newer"): False,
         ("replace", "older"): True, ("replace", "equal"): True, ("replace", "newer"): True,
         ("latest", "older"): False, ("latest", "equal"): False, ("latest", "newer"): True}
REASON = {("keep", "older"): "--on-conflict keep", ("keep", "equal"): "--on-conflict keep",
          ("keep", "newer"): "--on-conflict keep", ("replace", "older"): "--on-conflict replace",
          ("replace", "equal"): "--on-conflict replace", ("replace", "newer"): "--on-conflict replace",
          ("latest", "older"): "the destination is later",
          ("latest", "equal"): "same LastModifiedOn: a tie keeps the destination",
          ("latest", "newer"): "the source is later"}


def opts(policy: str, versions: str = "published") -> CopyOptions:
    return CopyOptions("src", "dst", policy, versions, map_channel=("OUN00002=OUN00009",))


@pytest.mark.parametrize(("policy", "when"), list(TAKES), ids=[f"{p}-{w}" for p, w in TAKES])
def test_each_policy_on_assets_and_sets_with_older_equal_and_newer_sources(tmp_path: Path, policy: str,
                                                                          when: str) -> None:
    ws, src, dst = workspace(tmp_path)
    t = WHEN[when]
    fill(src, [asset(1, modified=t, alt="source alt"), asset(2)],
         set_rows("P1", [1, 2], modified=t, version="2") + set_rows("P2", [2]), blobs=[1, 2])
    dst_media = [asset(1, alt="destination alt", tenant_id="dst"), asset(2, tenant_id="dst")]
    dst_sets = set_rows("P1", [1]) + set_rows("P2", [2])
    fill(dst, dst_media, dst_sets, blobs=[1, 2])
    before = files(dst)
    plan = plan_copy(ws, opts(policy))
    taken = TAKES[(policy, when)]
    counts = {"create": 0, "replace": int(taken), "keep": 2 - int(taken), "drop": 0}
    assert plan.to_dict() == {"assets": counts, "assignment_sets": counts,
                              "channels": {"OUN00001": "OUN00001", "OUN00002": "OUN00009"},
                              "locales": {"en-us": "en-us", "fr-fr": "fr-fr"}}
    # asset 2 and set P2 are identical (the URL is minted again for dst's CmsBaseUrl): counted, not listed
    assert plan.table.select("Manifest", "Action", "Reason", "InternalMediaId", "EntityKeyValue").rows() == [
        ("assets", "replace" if taken else "keep", REASON[(policy, when)], uid(1), None),
        ("assignments", "replace" if taken else "keep", REASON[(policy, when)], None, "P1")]
    result = run_copy(ws, opts(policy), plan)
    if not taken:
        assert (result.job, result.to_dict()["rows"]) == (None, {"total": 5, "succeeded": 0, "failed": 0,
                                                                  "skipped": 5})
        assert files(dst) == before  # nothing to copy: no job, not a byte changed
        return
    assert result.to_dict() == {"job": result.job, "status": "Succeeded",
                                "rows": {"total": 5, "succeeded": 3, "failed": 0, "skipped": 2},
                                "result": f"jobs/{result.job}/plan.tsv"}
    assert dst.path("cms/media.tsv").read_bytes() == media_bytes(
        [asset(1, modified=t, alt="source alt", tenant_id="dst"), asset(2, tenant_id="dst")])
    assert dst.path("cms/assignments.tsv").read_bytes() == sets_bytes(
        set_rows("P1", [1, 2], modified=t, version="2") + set_rows("P2", [2]))
    media_history = read_manifest(dst.path("cms/history/media.tsv")).frame
    assert media_history.drop("SupersededOn").to_dicts() == [
        {**{k: (v or None) for k, v in dst_media[0].items()}, "SupersededBy": result.job}]
    sets_history = read_manifest(dst.path("cms/history/assignments.tsv")).frame
    assert sets_history.drop("SupersededOn").to_dicts() == [
        {**{k: (v or None) for k, v in dst_sets[0].items()}, "SupersededBy": result.job}]
    assert validate([dst.root]).findings == ()


def drafts(tmp_path: Path) -> tuple[Path, object, object]:
    """src: asset 1 published + a draft (checked out), asset 3 a draft only; set P1 published + a
    draft (checked out, in a publish group) naming asset 3, set P2 a draft only."""
    ws, src, dst = workspace(tmp_path)
    media = [asset(1), asset(1, state="Draft", version="2", modified=NEWER, alt="retouched", checked_out="alice"),
             asset(3, state="Draft")]
    sets = (set_rows("P1", [1]) + set_rows("P1", [1, 3], state="Draft", version="2", modified=NEWER,
                                           checked_out="alice", group="g1")
            + set_rows("P2", [3], state="Draft"))
    fill(src, media, sets, blobs=[1, 3])
    fill(dst, [], [])  # header-only manifests with the same columns
    return ws, src, dst


def test_versions_published_copies_only_the_published_rows(tmp_path: Path) -> None:
    ws, _, dst = drafts(tmp_path)
    result = run_copy(ws, opts("latest", "published"))
    assert result.plan.to_dict()["assets"] == {"create": 1, "replace": 0, "keep": 0, "drop": 0}
    assert result.plan.to_dict()["assignment_sets"] == {"create": 1, "replace": 0, "keep": 0, "drop": 0}
    assert dst.path("cms/media.tsv").read_bytes() == media_bytes([asset(1, tenant_id="dst")])
    assert dst.path("cms/assignments.tsv").read_bytes() == sets_bytes(set_rows("P1", [1]))
    assert sorted(p.name for p in dst.path("cms/blobs").rglob("*") if p.is_file()) == [asset(1)["MediaChecksum"]]
    assert validate([dst.root]).findings == ()


def test_versions_all_copies_the_drafts_checked_in_and_outside_any_group(tmp_path: Path) -> None:
    ws, _, dst = drafts(tmp_path)
    result = run_copy(ws, opts("keep", "all"))
    assert result.plan.to_dict()["assets"] == {"create": 2, "replace": 0, "keep": 0, "drop": 0}
    assert result.plan.to_dict()["assignment_sets"] == {"create": 2, "replace": 0, "keep": 0, "drop": 0}
    assert dst.path("cms/media.tsv").read_bytes() == media_bytes(
        [asset(1, tenant_id="dst"), asset(1, state="Draft", version="2", modified=NEWER, alt="retouched"),
         asset(3, state="Draft")])
    assert dst.path("cms/assignments.tsv").read_bytes() == sets_bytes(
        set_rows("P1", [1]) + set_rows("P1", [1, 3], state="Draft", version="2", modified=NEWER)
        + set_rows("P2", [3], state="Draft"))
    assert validate([dst.root]).findings == ()


def test_a_replaced_unit_loses_the_destination_draft_to_history(tmp_path: Path) -> None:
    """A unit is copied whole: the destination's draft of a replaced asset goes (to history) too."""
    ws, src, dst = workspace(tmp_path)
    fill(src, [asset(1, modified=NEWER, alt="source alt")], [])
    fill(dst, [asset(1, tenant_id="dst"), asset(1, state="Draft", version="2", alt="dst draft")], [])
    result = run_copy(ws, opts("replace"))
    assert dst.path("cms/media.tsv").read_bytes() == media_bytes(
        [asset(1, modified=NEWER, alt="source alt", tenant_id="dst")])
    history = read_manifest(dst.path("cms/history/media.tsv")).frame
    assert history.select("MediaState", "ImageAltText", "SupersededBy").rows() == [
        ("Published", "alt 1", result.job), ("Draft", "dst draft", result.job)]


def test_latest_compares_the_latest_time_of_the_whole_unit(tmp_path: Path) -> None:
    """With --versions all a newer destination draft makes the destination's unit the later one."""
    ws, src, dst = workspace(tmp_path)
    fill(src, [asset(1, modified=NEWER, alt="source alt")], [])
    fill(dst, [asset(1, tenant_id="dst"), asset(1, state="Draft", modified="2025-04-01T00:00:00Z", version="2")], [])
    plan = plan_copy(ws, opts("latest", "all"))
    assert plan.table.select("Action", "Reason", "SourceLastModifiedOn", "DestinationLastModifiedOn").rows() == [
        ("keep", "the destination is later", NEWER, "2025-04-01T00:00:00Z")]


def test_a_destination_without_a_time_loses_to_a_source_with_one(tmp_path: Path) -> None:
    ws, src, dst = workspace(tmp_path)
    fill(src, [asset(1, alt="source alt")], [])
    fill(dst, [asset(1, modified="", tenant_id="dst")], [])
    plan = plan_copy(ws, opts("latest"))
    assert plan.table.select("Action", "Reason").rows() == [("replace", "the source is later")]


def test_unknown_columns_travel_and_take_part_in_the_comparison(tmp_path: Path) -> None:
    ws, src, dst = workspace(tmp_path)
    fill(src, [asset(1)], [])
    fill(dst, [asset(1, tenant_id="dst")], [])
    path = src.path("cms/media.tsv")
    frame = read_manifest(path).frame.with_columns(XNote=pl.lit("from dev"))
    path.write_bytes(frame.write_csv(separator="\t").encode())
    result = run_copy(ws, opts("replace"))
    assert result.plan.assets.replace == 1
    assert read_manifest(dst.path("cms/media.tsv")).frame.get_column("XNote").to_list() == ["from dev"]


def _scrambled(path: Path, order: list[str]) -> None:
    """Rewrite a manifest with its rows sorted by ``order`` (the first column descending), so a unit's
    rows are apart."""
    frame = read_manifest(path).frame
    path.write_bytes(frame.sort(order, descending=[True, False]).write_csv(separator="\t").encode())


def _decided(ws: Path) -> tuple[dict[str, object], list[tuple[object, ...]], list[tuple[object, ...]]]:
    plan = plan_copy(ws, opts("latest", "all"))
    assert plan.media.rows is not None and plan.sets.rows is not None
    return (plan.to_dict(), sorted(plan.table.rows(), key=str),
            sorted(plan.media.rows.rows() + plan.sets.rows.rows(), key=str))


def test_decisions_depend_neither_on_row_order_nor_on_key_hash_collisions(tmp_path: Path, monkeypatch) -> None:
    """A unit's rows apart (a file out of key order), or unit keys whose hashes collide, give the
    same decisions."""
    from toolkit.copying import units

    ws, src, dst = workspace(tmp_path)
    fill(src, [asset(1, modified=NEWER, alt="source alt"), asset(1, state="Draft", version="2", modified=NEWER),
               asset(2), asset(4)],
         set_rows("P1", [1, 2], modified=NEWER, version="2") + set_rows("P2", [2, 1]) + set_rows("P3", [4]),
         blobs=[1, 2, 4])
    fill(dst, [asset(1, tenant_id="dst"), asset(1, state="Draft", version="2", alt="dst draft"),
               asset(2, tenant_id="dst"), asset(3, tenant_id="dst")],
         set_rows("P1", [1, 3]) + set_rows("P2", [2, 1]), blobs=[1, 2, 3])
    expected = _decided(ws)
    assert expected[0]["assets"] == {"create": 1, "replace": 1, "keep": 1, "drop": 0}
    assert expected[0]["assignment_sets"] == {"create": 1, "replace": 1, "keep": 1, "drop": 0}

    real = units._keyed
    monkeypatch.setattr(units, "_keyed", lambda frame, unit, seed: real(frame, unit, seed).with_columns(
        pl.lit(7, pl.UInt64).alias("__k")) if seed == 0 else real(frame, unit, seed))
    assert _decided(ws) == expected  # every key hashes alike under seed 0: the next seed is used
    monkeypatch.undo()

    for t in (src, dst):
        _scrambled(t.path("cms/media.tsv"), ["MediaState", "InternalMediaId"])  # published rows, then drafts
        _scrambled(t.path("cms/assignments.tsv"), ["MediaDisplayOrder", "EntityKeyValue"])
    assert read_manifest(dst.path("cms/media.tsv")).frame.get_column("InternalMediaId").to_list() == [
        uid(1), uid(2), uid(3), uid(1)]
    assert read_manifest(dst.path("cms/assignments.tsv")).frame.get_column("EntityKeyValue").to_list() == [
        "P1", "P2", "P1", "P2"]
    assert _decided(ws) == expected
