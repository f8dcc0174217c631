"""``omm import`` of assignment manifests: whole sets drafted, published, unpublished and deleted.

Every test imports a small manifest written inline into a copy of ``fixtures/workspace`` (tenant
contoso-dev, see fixtures/README.md) and checks three things: the result manifest's rows, the
rows stored in ``cms/assignments.tsv`` and what went to ``cms/history/assignments.tsv``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import REPO, table
from toolkit.errors import UsageError
from toolkit.importing.job import ImportOptions, import_manifest
from toolkit.importing.result import ImportResult
from toolkit.tsv import read_manifest
from toolkit.workspace import Tenant, tenant

# Assets of contoso-dev (fixtures/README.md).
BLACK_FRONT = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"   # Published v1 and a newer Draft v2
BLACK_BACK = "59c96fad-e227-402c-abec-6fefba40d6be"
INSEAM = "b98a258d-ae87-4b34-b384-9bf61f7a22b5"
BLUE_FRONT = "4ee256fb-2388-4216-a70b-0a420a5c6c42"
WHITE_FRONT = "387f3cdf-291b-4523-9e73-27431f7b6b82"
RED_FRONT = "df34259a-a014-4fb3-be29-824f717dc59f"
WHITE_BACK = "0879034e-ab69-4d30-b238-7d1e14518049"    # Draft only, never published
SUNGLASSES = "a79e970a-a157-4459-91c6-6bacd6e39b5a"
BANNER_TOPS_NAME = "T-shirt white front"

HEADER = ("InternalMediaId", "MediaDisplayName", "EntityType", "EntityKey", "EntityKeyValue", "EntityLocale",
          "EntityChannel", "EntityAssignmentAction", "EntityCheckedOutAction", "EntityVersionMismatchAction",
          "EntityVersion", "MediaGroup", "MediaPurpose", "MediaDisplayOrder")
NEUTRAL = "system_neutral"
STORE = "cms/assignments.tsv"
HISTORY = "cms/history/assignments.tsv"
SET_COLS = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale"]


@pytest.fixture
def t(tmp_path: Path) -> Tenant:
    shutil.copytree(REPO / "fixtures/workspace", tmp_path / "ws")
    return tenant(tmp_path / "ws", "contoso-dev")


def master(key: str, media: str, order: int | None, action: str = "Draft", **kw: str) -> dict[str, str]:
    """One row of the Omnichannel/Neutral master set of product ``key``; ``media`` is an id or a display name."""
    ident = {"InternalMediaId": media} if media.count("-") == 4 else {"MediaDisplayName": media}
    row = {"EntityType": "Product|Master", "EntityKey": "EntityId", "EntityKeyValue": key, "EntityLocale": NEUTRAL,
           "EntityAssignmentAction": action, "MediaGroup": "Primary",
           "MediaDisplayOrder": "" if order is None else str(order), **ident}
    return {**row, **kw}


def run(t: Tenant, tmp_path: Path, *rows: dict[str, str], **opts: object) -> tuple[ImportResult, pl.DataFrame]:
    """Import ``rows`` as an assignment manifest (as user bob unless told); the result and its manifest."""
    path = tmp_path / "in.tsv"
    path.write_text(table(HEADER, *rows), encoding="utf-8")
    options = ImportOptions(**{"user": "bob", **opts})  # type: ignore[arg-type]
    result = import_manifest(t, path, options)
    assert result.kind == "assignments" and result.result is not None
    return result, read_manifest(t.path(result.result)).frame


def store(t: Tenant) -> pl.DataFrame:
    return read_manifest(t.path(STORE), "assignments").frame


def history(t: Tenant) -> pl.DataFrame:
    path = t.path(HISTORY)
    return read_manifest(path, "assignments").frame if path.is_file() else pl.DataFrame(
        schema={c: pl.String for c in [*SET_COLS, "EntityAssignmentCurrentPublishState"]})


def of_set(frame: pl.DataFrame, key: str, etype: str = "Product|Master", channel: str | None = None,
           locale: str = NEUTRAL, state: str | None = None) -> pl.DataFrame:
    f = frame.filter((pl.col("EntityType") == etype) & (pl.col("EntityKeyValue") == key)
                     & pl.col("EntityChannel").eq_missing(channel) & (pl.col("EntityLocale") == locale))
    if state is not None:
        f = f.filter(pl.col("EntityAssignmentCurrentPublishState") == state)
    return f.sort("MediaGroup", pl.col("MediaDisplayOrder").cast(pl.Int64))


def others(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    """The rows of every set but the master sets of ``keys`` (Omnichannel/Neutral), in a stable order."""
    mine = (pl.col("EntityType") == "Product|Master") & pl.col("EntityKeyValue").is_in(list(keys)) \
        & pl.col("EntityChannel").is_null() & (pl.col("EntityLocale") == NEUTRAL)
    return frame.filter(~mine).sort(pl.all())


def column(frame: pl.DataFrame, name: str) -> list[str | None]:
    return frame.get_column(name).to_list()


# -- drafts and publication --------------------------------------------------------------------------

def test_draft_of_a_new_set_names_media_by_display_name(t: Tenant, tmp_path: Path) -> None:
    before = store(t)
    res, out = run(t, tmp_path, master("1001", "Jeans black front", 1), master("1001", "Wallet standard", 2))
    assert (res.status, res.rows.total, res.rows.succeeded) == ("Succeeded", 2, 2)
    assert column(out, "Result") == ["Succeeded", "Succeeded"]
    assert column(out, "ErrorCode") == [None, None]
    assert column(out, "InternalMediaId") == [BLACK_FRONT, "6735a82a-88af-43f0-9e60-f625530ee6dc"]
    assert column(out, "EntityVersion") == ["1", "1"]
    assert "Draft version 1" in out["ResultDescription"][0]
    rows = of_set(store(t), "1001")
    assert column(rows, "EntityAssignmentCurrentPublishState") == ["Draft", "Draft"]
    assert column(rows, "InternalMediaId") == [BLACK_FRONT, "6735a82a-88af-43f0-9e60-f625530ee6dc"]
    assert column(rows, "MediaType") == ["Image", "Image"]  # filled from the library
    assert column(rows, "EntityVersion") == ["1", "1"]
    assert column(rows, "CheckedOutBy") == [None, None]  # checked in: no --checkout
    assert rows["EntityCreatedOn"][0] == rows["EntityLastModifiedOn"][0] == out["ResultTime"][0]
    assert rows["EntityPublishedOn"].is_null().all()
    assert others(store(t), "1001").equals(others(before, "1001"))
    assert not t.path(HISTORY).exists()


def test_publish_now_replaces_published_and_draft(t: Tenant, tmp_path: Path) -> None:
    # 81120: Published v2 + Draft v3 checked out by alice, who imports (so no conflict).
    old = of_set(store(t), "81120")
    res, out = run(t, tmp_path, master("81120", RED_FRONT, 1, "PublishNow"),
                   master("81120", WHITE_FRONT, 2, "PublishNow"), user="alice")
    assert column(out, "Result") == ["Succeeded"] * 2
    assert column(out, "EntityVersion") == ["4", "4"]
    rows = of_set(store(t), "81120")
    assert column(rows, "EntityAssignmentCurrentPublishState") == ["Published"] * 2
    assert column(rows, "InternalMediaId") == [RED_FRONT, WHITE_FRONT]
    assert column(rows, "EntityVersion") == ["4", "4"]
    assert rows["EntityPublishedOn"].to_list() == [out["ResultTime"][0]] * 2
    assert rows["EntityCreatedOn"][0] == old["EntityCreatedOn"].min()  # the set's creation is kept
    assert rows["CheckedOutBy"].is_null().all()
    hist = of_set(history(t), "81120")
    superseded = hist.filter(pl.col("EntityAssignmentCurrentPublishState") == "Published")
    assert sorted(column(superseded, "InternalMediaId")) == sorted([WHITE_FRONT, RED_FRONT])
    assert set(column(superseded, "EntityVersion")) == {"2"}
    assert set(column(hist, "SupersededBy")) == {res.job}
    assert set(column(hist, "SupersededOn")) == {out["ResultTime"][0]}


def test_publish_now_of_a_published_set_moves_the_old_version_to_history(t: Tenant, tmp_path: Path) -> None:
    before = store(t)
    res, out = run(t, tmp_path, master("93039", BLUE_FRONT, 1, "PublishNow"))
    assert column(out, "Result") == ["Succeeded"] and column(out, "EntityVersion") == ["3"]
    rows = of_set(store(t), "93039")
    assert column(rows, "InternalMediaId") == [BLUE_FRONT]  # the Additional size chart went too
    assert column(rows, "EntityAssignmentCurrentPublishState") == ["Published"]
    hist = of_set(history(t), "93039")
    assert hist.height == 4 and set(column(hist, "EntityVersion")) == {"2"}
    assert others(store(t), "93039").equals(others(before, "93039"))


def test_set_edited_to_fewer_rows_loses_the_others_and_other_sets_are_untouched(t: Tenant, tmp_path: Path) -> None:
    before = store(t)
    # 93039 Omnichannel/Neutral has 4 published rows; its draft now has 2. The OUN00001 and fr-fr
    # sets of 93039, and every other set, are absent from the manifest.
    res, out = run(t, tmp_path, master("93039", BLACK_BACK, 1), master("93039", INSEAM, 2))
    assert column(out, "Result") == ["Succeeded"] * 2 and column(out, "EntityVersion") == ["3"] * 2
    draft = of_set(store(t), "93039", state="Draft")
    assert column(draft, "InternalMediaId") == [BLACK_BACK, INSEAM]
    assert of_set(store(t), "93039", state="Published").equals(of_set(before, "93039", state="Published"))
    assert others(store(t), "93039").equals(others(before, "93039"))
    # The draft edited again, to one row: the second one disappears from the draft.
    res, out = run(t, tmp_path, master("93039", INSEAM, 1, EntityVersion="3"))
    assert column(out, "Result") == ["Succeeded"] and column(out, "EntityVersion") == ["4"]
    assert column(of_set(store(t), "93039", state="Draft"), "InternalMediaId") == [INSEAM]
    assert of_set(store(t), "93039", state="Published").height == 4
    assert others(store(t), "93039").equals(others(before, "93039"))
    assert not t.path(HISTORY).exists()  # a replaced draft was never published: not history


# -- unpublish and delete ---------------------------------------------------------------------------

def test_unpublish_makes_the_published_rows_the_draft_when_there_is_none(t: Tenant, tmp_path: Path) -> None:
    before = store(t)
    res, out = run(t, tmp_path, master("1000", SUNGLASSES, 2, "Unpublish"))
    assert column(out, "Result") == ["Succeeded"] and "unpublished" in out["ResultDescription"][0]
    rows = of_set(store(t), "1000")
    assert column(rows, "EntityAssignmentCurrentPublishState") == ["Draft", "Draft"]
    assert rows.drop("EntityAssignmentCurrentPublishState").equals(
        of_set(before, "1000").drop("EntityAssignmentCurrentPublishState"))
    assert of_set(history(t), "1000").height == 2
    assert others(store(t), "1000").equals(others(before, "1000"))
    # Nothing published any more: unpublishing again is a no-op.
    res, out = run(t, tmp_path, master("1000", SUNGLASSES, 2, "Unpublish"))
    assert column(out, "Result") == ["Skipped"] and out["ErrorCode"][0] is None
    assert of_set(store(t), "1000").height == 2


def test_unpublish_of_a_set_with_a_draft_keeps_the_draft(t: Tenant, tmp_path: Path) -> None:
    before = store(t)
    res, out = run(t, tmp_path, master("81120", WHITE_FRONT, 1, "Unpublish"), user="alice")
    assert column(out, "Result") == ["Succeeded"]
    rows = of_set(store(t), "81120")
    assert rows.equals(of_set(before, "81120", state="Draft"))  # untouched, still alice's
    assert set(column(rows, "CheckedOutBy")) == {"alice"}
    hist = of_set(history(t), "81120")
    assert column(hist, "EntityAssignmentCurrentPublishState") == ["Published"] * 2


def test_unpublish_and_delete_removes_the_set_to_history(t: Tenant, tmp_path: Path) -> None:
    before = store(t)
    c110 = {"EntityType": "Category", "EntityKey": "CategoryID", "EntityKeyValue": "C110", "EntityLocale": NEUTRAL,
            "EntityChannel": "OUN00001", "EntityAssignmentAction": "UnpublishAndDelete", "MediaGroup": "Primary",
            "InternalMediaId": "bea08afd-cffd-4eec-8f6d-48a5a95423c9", "MediaDisplayOrder": "1"}
    missing = {**c110, "EntityKeyValue": "C122"}
    res, out = run(t, tmp_path, c110, missing)
    assert column(out, "Result") == ["Succeeded", "Skipped"]
    assert column(out, "ErrorCode") == [None, None]
    assert "does not exist" in out["ResultDescription"][1]
    assert of_set(store(t), "C110", "Category", "OUN00001").height == 0
    gone = of_set(history(t), "C110", "Category", "OUN00001")
    assert column(gone, "InternalMediaId") == ["bea08afd-cffd-4eec-8f6d-48a5a95423c9"]
    assert set(column(gone, "SupersededBy")) == {res.job}
    rest = before.filter(~((pl.col("EntityType") == "Category") & (pl.col("EntityKeyValue") == "C110")))
    assert store(t).sort(pl.all()).equals(rest.sort(pl.all()))


# -- dependencies -------------------------------------------------------------------------------------

def test_publish_now_with_a_draft_only_asset_fails_the_set(t: Tenant, tmp_path: Path) -> None:
    before_store, before_media = t.path(STORE).read_bytes(), t.path("cms/media.tsv").read_bytes()
    res, out = run(t, tmp_path, master("1001", SUNGLASSES, 1, "PublishNow"),
                   master("1001", WHITE_BACK, 2, "PublishNow"), master("1000", SUNGLASSES, 1))
    assert column(out, "Result") == ["Failed", "Failed", "Succeeded"]
    assert column(out, "ErrorCode") == ["UnpublishedMedia", "UnpublishedMedia", None]
    assert WHITE_BACK in out["ResultDescription"][0]
    assert column(out, "EntityVersion") == [None, None, "2"]  # the failed set has no version to fill in
    assert res.status == "CompletedWithErrors"
    assert of_set(store(t), "1001").height == 0
    assert t.path("cms/media.tsv").read_bytes() == before_media
    assert t.path(STORE).read_bytes() != before_store  # the 1000 draft was written


def test_publish_dependencies_publishes_the_assets_draft(t: Tenant, tmp_path: Path) -> None:
    res, out = run(t, tmp_path, master("1001", SUNGLASSES, 1, "PublishNow"),
                   master("1001", WHITE_BACK, 2, "PublishNow"), publish_dependencies=True)
    assert column(out, "Result") == ["Succeeded"] * 2
    media = read_manifest(t.path("cms/media.tsv"), "assets").frame.filter(pl.col("InternalMediaId") == WHITE_BACK)
    assert media.height == 1
    row = media.row(0, named=True)
    assert (row["MediaState"], row["MediaPublished"], row["MediaPublishedOn"]) == (
        "Published", "true", out["ResultTime"][0])
    assert row["MediaPublishedURL"] == f"https://cms.contoso.example/media/{WHITE_BACK}/{NEUTRAL}/1"
    rows = of_set(store(t), "1001")
    assert column(rows, "EntityAssignmentCurrentPublishState") == ["Published"] * 2
    assert column(rows, "InternalMediaId") == [SUNGLASSES, WHITE_BACK]


# -- conflicts: checked out, stale version -----------------------------------------------------------

def _tshirt(action: str = "Draft", **kw: str) -> list[dict[str, str]]:
    return [master("81120", WHITE_FRONT, 1, action, **kw), master("81120", RED_FRONT, 2, action, **kw)]


def test_draft_checked_out_by_another_user_is_kept_with_use_existing(t: Tenant, tmp_path: Path) -> None:
    before = t.path(STORE).read_bytes()
    res, out = run(t, tmp_path, *_tshirt())
    assert column(out, "Result") == ["Skipped"] * 2
    assert column(out, "ErrorCode") == ["CheckedOut"] * 2
    assert "alice" in out["ResultDescription"][0]
    assert column(out, "EntityVersion") == ["3", "3"]  # no version given: the stored one
    assert t.path(STORE).read_bytes() == before
    assert (res.status, res.rows.skipped) == ("Succeeded", 2)
    # Made against the published v2, while alice's draft is v3: still v2 in the result.
    res, out = run(t, tmp_path, *_tshirt(EntityVersion="2"))
    assert column(out, "ErrorCode") == ["CheckedOut"] * 2 and column(out, "EntityVersion") == ["2", "2"]


def test_draft_checked_out_by_another_user_is_replaced_with_overwrite(t: Tenant, tmp_path: Path) -> None:
    res, out = run(t, tmp_path, *_tshirt(EntityCheckedOutAction="Overwrite"))
    assert column(out, "Result") == ["Succeeded"] * 2 and column(out, "EntityVersion") == ["4"] * 2
    draft = of_set(store(t), "81120", state="Draft")
    assert column(draft, "InternalMediaId") == [WHITE_FRONT, RED_FRONT]
    assert draft["CheckedOutBy"].is_null().all()
    assert of_set(store(t), "81120", state="Published").height == 2


def test_draft_checked_out_by_the_importing_user_is_no_conflict(t: Tenant, tmp_path: Path) -> None:
    res, out = run(t, tmp_path, *_tshirt(), user="alice")
    assert column(out, "Result") == ["Succeeded"] * 2
    assert column(of_set(store(t), "81120", state="Draft"), "InternalMediaId") == [WHITE_FRONT, RED_FRONT]


def test_stale_entity_version_is_skipped_with_use_existing(t: Tenant, tmp_path: Path) -> None:
    before = t.path(STORE).read_bytes()
    res, out = run(t, tmp_path, master("93039", BLUE_FRONT, 1, EntityVersion="1"))
    assert (out["Result"][0], out["ErrorCode"][0]) == ("Skipped", "VersionMismatch")
    assert "EntityVersion 1 is not the stored version 2" in out["ResultDescription"][0]
    assert t.path(STORE).read_bytes() == before
    # The result keeps the row's version: importing it again is the same conflict, not an overwrite.
    assert out["EntityVersion"][0] == "1"
    assert res.result is not None
    again = import_manifest(t, t.path(res.result), ImportOptions(user="bob"))
    assert (again.rows.skipped, again.error_codes) == (1, (("VersionMismatch", 1),))
    assert t.path(STORE).read_bytes() == before


def test_stale_entity_version_is_replaced_with_overwrite(t: Tenant, tmp_path: Path) -> None:
    res, out = run(t, tmp_path, master("93039", BLUE_FRONT, 1, EntityVersion="1",
                                       EntityVersionMismatchAction="Overwrite"))
    assert (out["Result"][0], out["EntityVersion"][0]) == ("Succeeded", "3")
    assert column(of_set(store(t), "93039", state="Draft"), "InternalMediaId") == [BLUE_FRONT]


def test_current_entity_version_is_no_conflict(t: Tenant, tmp_path: Path) -> None:
    res, out = run(t, tmp_path, master("93039", BLUE_FRONT, 1, EntityVersion="2"))
    assert (out["Result"][0], out["EntityVersion"][0]) == ("Succeeded", "3")


# -- bad rows reject their set, other sets import ---------------------------------------------------

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
_CAT = {"EntityType": "Category", "EntityKey": "CategoryID", "EntityKeyValue": "C122", "EntityLocale": NEUTRAL,
        "EntityAssignmentAction": "Draft", "MediaGroup": "Primary", "InternalMediaId": WHITE_FRONT,
        "MediaDisplayOrder": "1"}

BAD_ROWS = {
    # name: (rows of the bad set, ErrorCode of each row)
    "unknown asset id": ([master("1001", UNKNOWN_ID, 1), master("1001", SUNGLASSES, 2)],
                         ["UnknownAsset", "SetRejected"]),
    "unknown display name": ([master("1001", SUNGLASSES, 1), master("1001", "No such asset", 2)],
                             ["SetRejected", "UnknownAsset"]),
    "unknown product": ([master("99999", SUNGLASSES, 1), master("99999", BLACK_FRONT, 2)],
                        ["UnknownEntity", "UnknownEntity"]),
    "unknown channel": ([master("1001", SUNGLASSES, 1, EntityChannel="OUN00099", EntityLocale="en-us")],
                        ["UnknownChannel"]),
    "unknown locale": ([master("1001", SUNGLASSES, 1, EntityChannel="OUN00002", EntityLocale="fr-fr"),
                        master("1001", BLACK_FRONT, 2, EntityChannel="OUN00002", EntityLocale="fr-fr")],
                       ["UnknownLocale", "UnknownLocale"]),
    "category on Omnichannel": ([_CAT], ["InvalidAssignment"]),
    "two Primary display orders equal": ([master("1001", SUNGLASSES, 1), master("1001", BLACK_FRONT, 1),
                                          master("1001", INSEAM, 2)],  # the repeat is the bad row
                                         ["SetRejected", "InvalidAssignment", "SetRejected"]),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_fails_its_set_only(t: Tenant, tmp_path: Path, case: str) -> None:
    bad, codes = BAD_ROWS[case]
    good = master("1000", SUNGLASSES, 1)
    before = store(t)
    res, out = run(t, tmp_path, *bad, good)
    assert column(out, "ErrorCode") == [*codes, None]
    assert column(out, "Result") == ["Failed"] * len(bad) + ["Succeeded"]
    assert res.status == "CompletedWithErrors" and res.rows.failed == len(bad)
    line = 2 + next(i for i, c in enumerate(codes) if c != "SetRejected")
    for row in out.head(len(bad)).iter_rows(named=True):
        assert row["ResultDescription"]
        if row["ErrorCode"] == "SetRejected":
            assert f"line {line}" in row["ResultDescription"]
    assert column(of_set(store(t), "1000", state="Draft"), "InternalMediaId") == [SUNGLASSES]
    assert others(store(t), "1000").equals(others(before, "1000"))  # nothing of the bad set stored


# -- idempotence ---------------------------------------------------------------------------------------

def test_reimporting_the_result_manifest_changes_nothing(t: Tenant, tmp_path: Path) -> None:
    first = import_manifest(t, REPO / "fixtures/manifests/import-assignments.tsv", ImportOptions(user="bob"))
    assert (first.status, first.rows.succeeded) == ("Succeeded", 6)
    res, _ = run(t, tmp_path, *_tshirt("Unpublish"), master("1000", SUNGLASSES, 1, "UnpublishAndDelete"),
                 master("93039", BLUE_FRONT, 1, EntityVersion="2"), user="alice")
    assert res.rows.succeeded == 4
    files = [STORE, HISTORY, "cms/media.tsv"]
    for job in (first, res):
        assert job.result is not None
        before = {f: t.path(f).read_bytes() for f in files}
        again = import_manifest(t, t.path(job.result), ImportOptions(user="alice"))
        assert again.rows.skipped == again.rows.total == job.rows.total, again
        out = read_manifest(t.path(again.result or "")).frame
        assert set(column(out, "ErrorCode")) == {None}
        assert {f: t.path(f).read_bytes() for f in files} == before


# -- settings and options ------------------------------------------------------------------------------

def test_omnichannel_content_off_refuses_assignments_but_not_assets(t: Tenant, tmp_path: Path) -> None:
    from toolkit.tenants import set_setting

    set_setting(t, "OmnichannelContent", "false")
    jobs = t.path("jobs/jobs.tsv").read_bytes()
    before = t.path(STORE).read_bytes()
    path = tmp_path / "in.tsv"
    path.write_text(table(HEADER, master("1001", SUNGLASSES, 1)), encoding="utf-8")
    with pytest.raises(UsageError, match="OmnichannelContent"):
        import_manifest(t, path, ImportOptions(user="bob"))
    assert t.path("jobs/jobs.tsv").read_bytes() == jobs
    assert t.path(STORE).read_bytes() == before
    res = import_manifest(t, REPO / "fixtures/manifests/import-assets.tsv",
                          ImportOptions(user="bob", media_dir=str(REPO / "fixtures/media")))
    assert (res.kind, res.status, res.rows.succeeded) == ("assets", "Succeeded", 4)


def test_checkout_leaves_drafts_checked_out_by_the_user(t: Tenant, tmp_path: Path) -> None:
    res, out = run(t, tmp_path, master("1001", SUNGLASSES, 1), master("1000", SUNGLASSES, 1, "PublishNow"),
                   checkout=True)
    assert column(out, "Result") == ["Succeeded"] * 2
    assert column(of_set(store(t), "1001"), "CheckedOutBy") == ["bob"]
    assert column(of_set(store(t), "1000"), "CheckedOutBy") == [None]  # published: nothing to check out
    # bob holds the draft now: alice's import is skipped, bob's own goes through.
    res, out = run(t, tmp_path, master("1001", BLACK_FRONT, 1), user="alice")
    assert (out["Result"][0], out["ErrorCode"][0]) == ("Skipped", "CheckedOut")
    res, out = run(t, tmp_path, master("1001", BLACK_FRONT, 1), checkout=True)
    assert out["Result"][0] == "Succeeded"
    assert column(of_set(store(t), "1001"), "CheckedOutBy") == ["bob"]


# -- what a manifest leaves out ------------------------------------------------------------------------

SWATCH = ("EntityType", "EntityKey", "EntityKeyValue", "EntityAssignmentAction", "MediaGroup", "MediaDisplayOrder",
          "SwatchGroup", "SwatchDimension", "SwatchValue")


def test_swatch_sets_are_written_then_unchanged(t: Tenant, tmp_path: Path) -> None:
    # No EntityLocale nor MediaLocale column: both mean Neutral, as an empty cell does.
    white = ["Product|Master|Swatch", "EntityId|SwatchType|SwatchId", "81120|Color|White", "PublishNow", "Primary",
             "1", "Color", "White", "#eeeeee"]
    red = ["Product|Master|Swatch", "EntityId|SwatchType|SwatchId", "81120|Color|Red", "PublishNow", "Primary",
           "1", "Color", "Red", "9880e4df-fbde-43ea-8e0d-7af4efe32e40"]  # as stored
    path = tmp_path / "swatches.tsv"
    path.write_text(table(SWATCH, white, red), encoding="utf-8")
    res = import_manifest(t, path, ImportOptions(user="bob"))
    out = read_manifest(t.path(res.result or "")).frame
    assert column(out, "Result") == ["Succeeded", "Skipped"]
    assert column(out, "EntityVersion") == ["2", "1"]
    swatch = of_set(store(t), "81120|Color|White", "Product|Master|Swatch")
    assert column(swatch, "SwatchValue") == ["#eeeeee"] and column(swatch, "MediaLocale") == [NEUTRAL]
    data = t.path(STORE).read_bytes()
    again = import_manifest(t, path, ImportOptions(user="bob"))
    assert again.rows.skipped == 2 and t.path(STORE).read_bytes() == data


def test_a_manifest_without_entity_locale_names_the_neutral_sets(t: Tenant, tmp_path: Path) -> None:
    path = tmp_path / "delete.tsv"
    path.write_text(table(("EntityType", "EntityKeyValue", "EntityChannel", "EntityAssignmentAction"),
                          ["Category", "C130", "OUN00002", "UnpublishAndDelete"]), encoding="utf-8")
    res = import_manifest(t, path, ImportOptions(user="bob"))
    assert res.rows.succeeded == 1
    assert of_set(store(t), "C130", "Category", "OUN00002").height == 0
    assert of_set(history(t), "C130", "Category", "OUN00002").height == 1


def test_a_new_draft_stays_in_its_publish_group(t: Tenant, tmp_path: Path) -> None:
    run(t, tmp_path, *_tshirt(), user="alice")
    draft = of_set(store(t), "81120", state="Draft")
    assert set(column(draft, "PublishGroup")) == {"spring-2025"}
    # A manifest that has the column says the group itself: empty leaves the group.
    path = tmp_path / "grouped.tsv"
    rows = [{**r, "PublishGroup": ""} for r in _tshirt()[:1]]
    path.write_text(table((*HEADER, "PublishGroup"), *rows), encoding="utf-8")
    import_manifest(t, path, ImportOptions(user="alice"))
    assert column(of_set(store(t), "81120", state="Draft"), "PublishGroup") == [None]


def test_unknown_columns_ride_along_into_the_store(t: Tenant, tmp_path: Path) -> None:
    path = tmp_path / "extra.tsv"
    path.write_text(table((*HEADER, "Note"), {**master("1001", SUNGLASSES, 1), "Note": "from the studio"}),
                    encoding="utf-8")
    import_manifest(t, path, ImportOptions(user="bob"))
    assert column(of_set(store(t), "1001"), "Note") == ["from the studio"]
    assert store(t).filter(pl.col("EntityKeyValue") != "1001")["Note"].is_null().all()
