"""``omm import`` of asset manifests through the library (SPEC §4 assets, §6 import, §7).

Each test copies the fixture workspace (tenant contoso-dev, fixtures/README.md), imports a small
manifest written inline and checks three things: the result manifest's rows, the stored
``cms/media.tsv`` rows and the history ``cms/history/media.tsv``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from toolkit.importing.job import ImportOptions, import_manifest
from toolkit.importing.result import ImportResult
from toolkit.tsv import manifest_bytes, read_manifest
from toolkit.workspace import Tenant, tenant

REPO = Path(__file__).resolve().parents[2]
MEDIA = REPO / "fixtures" / "media"
BASE = "https://cms.contoso.example/media"
NEUTRAL = "system_neutral"
JEANS = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"      # Published v1 + checked-in Draft v2
TEE_BACK = "0879034e-ab69-4d30-b238-7d1e14518049"   # Draft v1 only, used by a draft set
TEE_FRONT = "387f3cdf-291b-4523-9e73-27431f7b6b82"  # Published v1 only
CHART = "6cd6c9f6-1361-4164-85e1-ceba79b281ce"      # en-us and fr-fr rows
UNKNOWN = "00000000-0000-4000-8000-000000000000"
Row = dict[str, Any]


@dataclass(frozen=True)
class Run:
    result: ImportResult
    rows: list[Row]   # the result manifest, in input order

    def col(self, name: str) -> list[Any]:
        return [r.get(name) for r in self.rows]


class Env:
    """A copy of the fixture workspace; ``run`` imports rows (dicts) or raw TSV text."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        shutil.copytree(REPO / "fixtures" / "workspace", tmp / "ws")
        self.t: Tenant = tenant(tmp / "ws", "contoso-dev")
        self._n = 0

    def run(self, rows: list[Row] | str, *, media: Path | None = MEDIA, user: str = "bob",
            checkout: bool = False) -> Run:
        self._n += 1
        path = self.tmp / f"m{self._n}.tsv"
        path.write_text(rows if isinstance(rows, str) else tsv(rows), encoding="utf-8")
        opts = ImportOptions(media_dir=str(media) if media else None, user=user, checkout=checkout)
        res = import_manifest(self.t, path, opts)
        assert res.result is not None
        return Run(res, read_manifest(self.t.root / res.result).frame.to_dicts())

    def again(self, run: Run, **kw: Any) -> Run:
        """Import ``run``'s result manifest as it is."""
        assert run.result.result is not None
        return self.run((self.t.root / run.result.result).read_text(encoding="utf-8"), **kw)

    def store(self) -> pl.DataFrame:
        return read_manifest(self.t.path("cms/media.tsv")).frame

    def asset(self, asset_id: str, locale: str = NEUTRAL) -> dict[str, Row]:
        """The stored rows of one asset row, by MediaState."""
        rows = self.store().filter((pl.col("InternalMediaId") == asset_id) & (pl.col("MediaLocale") == locale))
        return {r["MediaState"]: r for r in rows.to_dicts()}

    def history(self) -> list[Row]:
        path = self.t.path("cms/history/media.tsv")
        return read_manifest(path).frame.to_dicts() if path.is_file() else []

    def snapshot(self) -> dict[str, bytes]:
        """Every CMS file (store, history, blobs), to prove an import changed nothing."""
        cms = self.t.path("cms")
        return {str(p.relative_to(cms)): p.read_bytes() for p in sorted(cms.rglob("*")) if p.is_file()}

    def edit_store(self, asset_id: str, state: str, **values: str | None) -> None:
        frame = self.store()
        hit = (pl.col("InternalMediaId") == asset_id) & (pl.col("MediaState") == state)
        frame = frame.with_columns(pl.when(hit).then(pl.lit(v, pl.String)).otherwise(
            pl.col(c) if c in frame.columns else None).alias(c) for c, v in values.items())
        self.t.path("cms/media.tsv").write_bytes(manifest_bytes(frame, "assets"))


def tsv(rows: list[Row]) -> str:
    """Header = every key in first-seen order; an absent key is an empty cell."""
    columns = list(dict.fromkeys(c for r in rows for c in r))
    lines = ["\t".join(columns), *("\t".join(str(r.get(c) or "") for c in columns) for r in rows)]
    return "\n".join(lines) + "\n"


def image(name: str, path: str = "images/belt-front.png", **extra: str) -> Row:
    return {"MediaChannel": "", "MediaLocale": NEUTRAL, "MediaType": "Image", "MediaImportPath": path,
            "ImageAltText": f"{name}, alt text", "MediaDisplayName": name, **extra}


def jeans(**extra: str) -> Row:
    """A row naming the fixture's jeans asset, as an export of its draft would."""
    return {"InternalMediaId": JEANS, "MediaChannel": "", "MediaLocale": NEUTRAL, "MediaType": "Image",
            "MediaDisplayName": "Jeans black front", "ImageAltText": "Jeans in black, edited", **extra}


def sha(rel: str) -> str:
    return hashlib.sha256((MEDIA / rel).read_bytes()).hexdigest()


def size(rel: str) -> tuple[str, str]:
    with Image.open(MEDIA / rel) as img:
        return str(img.width), str(img.height)


@pytest.fixture(autouse=True, scope="module")
def _no_fsync() -> Iterator[None]:
    """Durability is the store's tests' business; here its ~30 fsyncs per import only cost time."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "fsync", lambda fd: None)
        yield


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


def outcome(row: Row) -> tuple[Any, Any]:
    return row["Result"], row["ErrorCode"]


# -- creating -----------------------------------------------------------------------------------------

def test_fixture_manifest_creates_published_and_draft_assets(env: Env) -> None:
    run = env.run((REPO / "fixtures/manifests/import-assets.tsv").read_text(encoding="utf-8"))
    assert run.result.status == "Succeeded" and run.result.rows.succeeded == 4
    assert run.col("Result") == ["Succeeded"] * 4 and run.col("ErrorCode") == [None] * 4
    assert run.col("MediaVersion") == ["1"] * 4 and len(set(run.col("InternalMediaId"))) == 4
    for row in run.rows:
        new_id = row["InternalMediaId"]
        assert row["ResultDescription"].startswith(f"created asset {new_id} version 1")
        stored = env.asset(new_id)
        rel = row["MediaImportPath"]
        state = "Draft" if row["MediaAction"] == "Draft" else "Published"
        assert list(stored) == [state]
        got = stored[state]
        assert (got["MediaChecksum"], (got["ImageWidth"], got["ImageHeight"])) == (sha(rel), size(rel))
        assert env.t.path(f"cms/blobs/{sha(rel)[:2]}/{sha(rel)}").read_bytes() == (MEDIA / rel).read_bytes()
        assert got["MediaVersion"] == "1" and got["CheckedOutBy"] is None
        assert got["MediaDisplayName"] == row["MediaDisplayName"] and got["MediaSearchTags"] == row["MediaSearchTags"]
        if state == "Published":
            assert got["MediaPublished"] == "true" and got["MediaPublishedOn"] == row["ResultTime"]
            assert got["MediaPublishedURL"] == f"{BASE}/{new_id}/{NEUTRAL}/1"
        else:
            assert (got["MediaPublished"], got["MediaPublishedOn"], got["MediaPublishedURL"]) == ("false", None, None)
    assert env.history() == []


def test_video_and_file_get_a_checksum_and_no_image_size(env: Env) -> None:
    common = {"MediaChannel": "", "MediaLocale": NEUTRAL}
    run = env.run([{**common, "MediaType": "Video", "MediaImportPath": "videos/sunglasses-360.mp4",
                    "MediaDisplayName": "Video 2", "MediaTitle": "Sunglasses", "ImageWidth": "99"},
                   {**common, "MediaType": "File", "MediaImportPath": "documents/jeans-care-guide.pdf",
                    "MediaDisplayName": "Guide 2", "DocumentForceDownload": "true"}])
    assert run.col("Result") == ["Succeeded"] * 2
    for row in run.rows:
        got = env.asset(row["InternalMediaId"])["Draft"]
        assert got["MediaChecksum"] == sha(row["MediaImportPath"])
        assert (got["ImageWidth"], got["ImageHeight"]) == (None, None)  # measured, not taken from the row
    assert env.asset(run.rows[1]["InternalMediaId"])["Draft"]["DocumentForceDownload"] == "true"


def test_checkout_option_leaves_new_drafts_checked_out(env: Env) -> None:
    run = env.run([image("Belt A", MediaAction="Draft"), image("Belt B", "images/belt-detail.png",
                                                                 MediaAction="PublishNow")], checkout=True)
    draft, published = (env.asset(i) for i in run.col("InternalMediaId"))
    assert draft["Draft"]["CheckedOutBy"] == "bob"
    assert published["Published"]["CheckedOutBy"] is None  # a published row is nobody's draft


# -- MediaSourceIfExistsAction ------------------------------------------------------------------------

def test_use_existing_skips_and_fills_the_id(env: Env) -> None:
    before = env.snapshot()
    run = env.run([jeans(MediaSourceIfExistsAction="UseExisting", MediaAction="PublishNow")])
    assert outcome(run.rows[0]) == ("Skipped", None)
    assert run.rows[0]["InternalMediaId"] == JEANS and run.rows[0]["MediaVersion"] == "2"
    assert "UseExisting" in run.rows[0]["ResultDescription"]
    assert env.snapshot() == before and run.result.status == "Succeeded"


@pytest.mark.parametrize("path", [{}, {"MediaImportPath": ""}], ids=["no-path-column", "empty-path"])
def test_overwrite_takes_the_rows_columns_and_keeps_the_others(env: Env, path: Row) -> None:
    old = env.asset(JEANS)
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaAction="Draft", MediaDescription="", **path)])
    assert outcome(run.rows[0]) == ("Succeeded", None) and run.rows[0]["MediaVersion"] == "3"
    stored = env.asset(JEANS)
    assert stored["Published"] == old["Published"]  # a draft write leaves the published row alone
    draft = stored["Draft"]
    assert draft["MediaVersion"] == "3" and draft["ImageAltText"] == "Jeans in black, edited"
    # Columns the manifest lacks keep the stored draft's values, binary included.
    for col in ("MediaSearchTags", "MediaImportPath", "MediaChecksum", "ImageWidth", "ImageHeight",
                "MediaCreatedOn"):
        assert draft[col] == old["Draft"][col], col
    assert draft["MediaPublished"] == "true"  # the asset has a published version
    assert draft["MediaPublishedURL"] == f"{BASE}/{JEANS}/{NEUTRAL}/1"
    assert draft["MediaLastModifiedOn"] == run.rows[0]["ResultTime"] and draft["CheckedOutBy"] is None
    assert env.history() == []  # a replaced draft was never published


def test_overwrite_with_a_new_binary_refreshes_checksum_and_size(env: Env) -> None:
    rel = "images/tshirt-red-back.png"
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaImportPath=rel)])
    assert outcome(run.rows[0]) == ("Succeeded", None)
    draft = env.asset(JEANS)["Draft"]
    assert (draft["MediaChecksum"], draft["ImageWidth"], draft["ImageHeight"]) == (sha(rel), *size(rel))
    assert draft["MediaImportPath"] == rel


def test_overwrite_of_the_same_content_twice_is_skipped(env: Env) -> None:
    row = jeans(MediaSourceIfExistsAction="Overwrite")
    env.run([row])
    before = env.snapshot()
    second = env.run([row])
    assert outcome(second.rows[0]) == ("Skipped", None)
    assert "already has this content" in second.rows[0]["ResultDescription"]
    assert second.rows[0]["MediaVersion"] == "3" and env.snapshot() == before


@pytest.mark.parametrize(("modified", "expected"), [
    ("2025-01-01T00:00:00Z", "Skipped"),    # older than the stored draft (2025-04-02)
    ("2025-04-02T09:30:00Z", "Skipped"),    # the same time is not later
    ("2026-01-01T00:00:00Z", "Succeeded"),  # newer
    ("", "Skipped"),                        # no time: nothing proves it newer
])
def test_take_latest_overwrites_only_a_newer_row(env: Env, modified: str, expected: str) -> None:
    before = env.snapshot()
    run = env.run([jeans(MediaSourceIfExistsAction="TakeLatest", MediaLastModifiedOn=modified)])
    assert outcome(run.rows[0]) == (expected, None)
    draft = env.asset(JEANS)["Draft"]
    if expected == "Skipped":
        assert env.snapshot() == before and "TakeLatest" in run.rows[0]["ResultDescription"]
    else:
        assert draft["MediaVersion"] == "3" and draft["ImageAltText"] == "Jeans in black, edited"
        assert draft["MediaLastModifiedOn"] == modified  # the source's time, so the next run compares with it
        assert env.again(run).rows[0]["Result"] == "Skipped"


def test_keep_both_creates_a_second_asset_beside_the_source_match(env: Env) -> None:
    src = {"MediaSourceProvider": "DAM", "MediaSourceId": "belt-1"}
    first = env.run([image("Belt brown front", **src)])
    old_id = first.rows[0]["InternalMediaId"]
    run = env.run([image("Belt brown front", "images/belt-detail.png", MediaSourceIfExistsAction="KeepBoth", **src)])
    row = run.rows[0]
    new_id = row["InternalMediaId"]
    assert outcome(row) == ("Succeeded", None) and new_id != old_id and row["MediaVersion"] == "1"
    assert "KeepBoth" in row["ResultDescription"]
    kept, added = env.asset(old_id)["Draft"], env.asset(new_id)["Draft"]
    assert kept["MediaDisplayName"] == "Belt brown front" and kept["MediaChecksum"] == sha("images/belt-front.png")
    assert added["MediaDisplayName"] == f"Belt brown front ({new_id[:8]})"
    assert added["MediaChecksum"] == sha("images/belt-detail.png")
    assert (added["MediaPublished"], added["MediaPublishedURL"]) == ("false", None)  # new, never published
    assert (added["MediaSourceProvider"], added["MediaSourceId"]) == ("DAM", "belt-1")
    # The result manifest names the new asset: importing it again is that asset, skipped.
    before = env.snapshot()
    again = env.again(run)
    assert outcome(again.rows[0]) == ("Skipped", None) and again.rows[0]["InternalMediaId"] == new_id
    assert env.snapshot() == before
    # Without an id the source now matches two assets.
    amb = env.run([image("Belt brown front", **src)])
    assert outcome(amb.rows[0]) == ("Failed", "AmbiguousMatch")
    assert old_id in amb.rows[0]["ResultDescription"] and new_id in amb.rows[0]["ResultDescription"]
    assert env.snapshot() == before


def test_keep_both_result_row_carries_the_new_display_name(env: Env) -> None:
    src = {"MediaSourceProvider": "DAM", "MediaSourceId": "belt-1"}
    env.run([image("Belt brown front", **src)])
    run = env.run([image("Belt brown front", MediaSourceIfExistsAction="KeepBoth", **src)])
    edited = env.again(run).rows[0] | {"MediaSourceIfExistsAction": "Overwrite", "ImageAltText": "edited"}
    edited = {k: v for k, v in edited.items() if k not in ("Result", "ResultTime", "ErrorCode", "ResultDescription")}
    assert outcome(env.run([edited]).rows[0]) == ("Succeeded", None)


def test_keep_both_with_the_assets_id_is_that_asset(env: Env) -> None:
    before = env.snapshot()
    run = env.run([jeans(MediaSourceIfExistsAction="KeepBoth")])
    assert outcome(run.rows[0]) == ("Skipped", None) and run.rows[0]["InternalMediaId"] == JEANS
    assert env.snapshot() == before


# -- matching -----------------------------------------------------------------------------------------

def test_a_source_id_matches_without_an_internal_id(env: Env) -> None:
    src = {"MediaSourceProvider": "DAM", "MediaSourceId": "belt-1"}
    first = env.run([image("Belt brown front", **src, MediaAction="PublishNow")])
    new_id = first.rows[0]["InternalMediaId"]
    before = env.snapshot()
    same = env.run([image("Belt brown front", **src)])  # the original manifest, no id
    assert outcome(same.rows[0]) == ("Skipped", None) and same.rows[0]["InternalMediaId"] == new_id
    assert env.snapshot() == before
    edit = env.run([image("Belt brown front", **src, ImageAltText="Belt, edited", MediaSourceIfExistsAction="Overwrite")])
    assert outcome(edit.rows[0]) == ("Succeeded", None) and edit.rows[0]["InternalMediaId"] == new_id
    assert env.asset(new_id)["Draft"]["ImageAltText"] == "Belt, edited"
    assert len(env.store().filter(pl.col("MediaSourceId") == "belt-1")["InternalMediaId"].unique()) == 1


def test_ambiguous_source_match_fails_the_row_only(env: Env) -> None:
    for asset_id in (JEANS, TEE_FRONT):
        for state in ("Published", "Draft"):
            env.edit_store(asset_id, state, MediaSourceProvider="DAM", MediaSourceId="dup")
    env.edit_store(CHART, "Published", MediaSourceProvider="DAM", MediaSourceId="chart")
    before = env.snapshot()
    run = env.run([image("New belt", MediaSourceProvider="DAM", MediaSourceId="dup"), image("Other belt"),
                   jeans(MediaSourceProvider="DAM", MediaSourceId="dup", MediaSourceIfExistsAction="Overwrite"),
                   jeans(InternalMediaId=TEE_FRONT, MediaLocale="en-us", MediaDisplayName="T-shirt", MediaSourceProvider="DAM",
                         MediaSourceId="chart")])  # CHART's source, another asset's id
    assert [outcome(r) for r in run.rows] == [("Failed", "AmbiguousMatch"), ("Succeeded", None),
                                              ("Succeeded", None), ("Failed", "AmbiguousMatch")]
    assert run.rows[0]["InternalMediaId"] is None
    assert JEANS in run.rows[0]["ResultDescription"] and TEE_FRONT in run.rows[0]["ResultDescription"]
    assert f"{CHART}, not InternalMediaId {TEE_FRONT}" in run.rows[3]["ResultDescription"]
    assert env.snapshot()["media.tsv"] != before["media.tsv"]  # the other row was imported
    # JEANS (published, new draft) and TEE_FRONT: nothing new for the ambiguous row
    assert env.store().filter(pl.col("MediaSourceId") == "dup").height == 3


def test_internal_id_matching(env: Env) -> None:
    before = env.store()
    run = env.run([
        jeans(InternalMediaId=UNKNOWN, MediaDisplayName="Nobody"),
        jeans(MediaChannel="OUN00001", MediaDisplayName="Jeans black front", MediaSourceIfExistsAction="Overwrite"),
        jeans(MediaLocale="en-us", MediaImportPath="images/jeans-black-front.png", MediaDisplayName="Jeans (en)"),
    ])
    assert [outcome(r) for r in run.rows] == [("Failed", "UnknownAsset"), ("Failed", "AssetIdInUse"),
                                              ("Succeeded", None)]
    assert UNKNOWN in run.rows[0]["ResultDescription"] and "OUN00001" in run.rows[1]["ResultDescription"]
    # A new locale of a known id is a new locale row of that asset, not a new asset.
    assert run.rows[2]["InternalMediaId"] == JEANS and run.rows[2]["MediaVersion"] == "1"
    en = env.asset(JEANS, "en-us")
    assert list(en) == ["Draft"] and en["Draft"]["MediaVersion"] == "1"
    assert env.asset(JEANS) == {r["MediaState"]: r for r in before.filter(pl.col("InternalMediaId") == JEANS).to_dicts()}


def test_tokens_are_canonical_before_matching(env: Env) -> None:
    before = env.snapshot()
    run = env.run([{"InternalMediaId": CHART.upper(), "MediaChannel": "Omnichannel", "MediaLocale": "en-US",
                    "MediaType": "image", "MediaDisplayName": "Jeans size chart (English)", "ImageAltText": "x",
                    "MediaSourceIfExistsAction": "useexisting"}])
    assert outcome(run.rows[0]) == ("Skipped", None) and run.rows[0]["InternalMediaId"] == CHART
    assert env.snapshot() == before


def test_a_rename_to_another_assets_name_fails(env: Env) -> None:
    before = env.snapshot()
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaDisplayName="T-shirt white front")])
    assert outcome(run.rows[0]) == ("Failed", "DuplicateDisplayName") and TEE_FRONT in run.rows[0]["ResultDescription"]
    assert env.snapshot() == before


def test_unknown_columns_survive_in_store_and_result(env: Env) -> None:
    run = env.run([image("Belt", Campaign="spring-2025")])
    new_id = run.rows[0]["InternalMediaId"]
    assert run.rows[0]["Campaign"] == "spring-2025"
    store = env.store()
    assert store.columns[-1] == "Campaign"
    assert store.filter(pl.col("Campaign").is_not_null())["InternalMediaId"].to_list() == [new_id]
    env.run([jeans(MediaSourceIfExistsAction="Overwrite")])  # a manifest without it keeps it
    assert env.asset(new_id)["Draft"]["Campaign"] == "spring-2025"


# -- MediaAction --------------------------------------------------------------------------------------

def test_publish_now_replaces_published_and_draft_and_keeps_them_in_history(env: Env) -> None:
    old = env.asset(JEANS)
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaAction="PublishNow")])
    row = run.rows[0]
    assert outcome(row) == ("Succeeded", None) and row["MediaVersion"] == "3"
    stored = env.asset(JEANS)
    assert list(stored) == ["Published"]
    pub = stored["Published"]
    assert pub["MediaVersion"] == "3" and pub["MediaPublished"] == "true"
    assert pub["MediaPublishedURL"] == f"{BASE}/{JEANS}/{NEUTRAL}/3" and pub["MediaPublishedOn"] == row["ResultTime"]
    assert pub["MediaChecksum"] == old["Draft"]["MediaChecksum"]  # content from the draft it replaces
    history = env.history()
    assert sorted((h["MediaState"], h["MediaVersion"]) for h in history) == [("Draft", "2"), ("Published", "1")]
    for h in history:
        assert h["SupersededBy"] == run.result.job and h["SupersededOn"] == row["ResultTime"]
        assert {k: v for k, v in h.items() if not k.startswith("Superseded")} == old[h["MediaState"]]
    # History is append-only: a second publish adds, never rewrites.
    env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaAction="PublishNow", ImageAltText="v4")])
    assert env.history()[:2] == history and len(env.history()) == 3


def test_unpublish_with_a_draft_removes_the_published_row(env: Env) -> None:
    env.run([jeans(MediaSourceIfExistsAction="Overwrite")])  # a draft v3 that says it has a published version
    run = env.run([jeans(MediaAction="Unpublish")])
    assert outcome(run.rows[0]) == ("Succeeded", None) and run.rows[0]["MediaVersion"] == "3"
    stored = env.asset(JEANS)
    assert list(stored) == ["Draft"] and stored["Draft"]["MediaVersion"] == "3"
    draft = stored["Draft"]
    assert (draft["MediaPublished"], draft["MediaPublishedOn"], draft["MediaPublishedURL"]) == ("false", None, None)
    assert [(h["MediaState"], h["MediaVersion"]) for h in env.history()] == [("Published", "1")]


def test_unpublish_without_a_draft_keeps_the_content_as_draft(env: Env) -> None:
    old = env.asset(TEE_FRONT)["Published"]
    run = env.run([{**jeans(MediaAction="Unpublish"), "InternalMediaId": TEE_FRONT,
                    "MediaDisplayName": "T-shirt white front"}])
    assert outcome(run.rows[0]) == ("Succeeded", None)
    stored = env.asset(TEE_FRONT)
    assert list(stored) == ["Draft"]
    draft = stored["Draft"]
    assert (draft["MediaPublished"], draft["MediaPublishedOn"], draft["MediaPublishedURL"]) == ("false", None, None)
    assert draft["MediaVersion"] == "1" and draft["MediaChecksum"] == old["MediaChecksum"]
    assert [h["MediaState"] for h in env.history()] == ["Published"]
    before = env.snapshot()
    again = env.again(run)  # now unpublished: nothing to do
    assert outcome(again.rows[0]) == ("Skipped", None) and env.snapshot() == before


def test_unpublish_acts_on_one_locale_row(env: Env) -> None:
    en = env.asset(CHART, "en-us")
    run = env.run([{"InternalMediaId": CHART, "MediaChannel": "", "MediaLocale": "fr-fr", "MediaType": "Image",
                    "MediaDisplayName": "Guide des tailles du jean (français)", "ImageAltText": "x",
                    "MediaAction": "Unpublish"}])
    assert outcome(run.rows[0]) == ("Succeeded", None)
    assert list(env.asset(CHART, "fr-fr")) == ["Draft"] and env.asset(CHART, "en-us") == en


def test_unpublish_of_a_never_published_asset_is_skipped(env: Env) -> None:
    before = env.snapshot()
    run = env.run([{"InternalMediaId": TEE_BACK, "MediaChannel": "", "MediaLocale": NEUTRAL, "MediaType": "Image",
                    "MediaDisplayName": "T-shirt white back", "ImageAltText": "x", "MediaAction": "Unpublish"}])
    assert outcome(run.rows[0]) == ("Skipped", None) and "not published" in run.rows[0]["ResultDescription"]
    assert env.snapshot() == before


def test_unpublish_and_delete_moves_both_rows_to_history(env: Env) -> None:
    created = env.run([image("Belt", MediaAction="PublishNow")])
    new_id = created.rows[0]["InternalMediaId"]
    env.run([{**created.rows[0], "MediaSourceIfExistsAction": "Overwrite", "MediaAction": "Draft",
              "ImageAltText": "Belt v2", "Result": None, "ErrorCode": None, "ResultDescription": None}])
    assert set(env.asset(new_id)) == {"Published", "Draft"}
    run = env.run([{**created.rows[0], "MediaAction": "UnpublishAndDelete", "MediaVersion": "2"}])
    assert outcome(run.rows[0]) == ("Succeeded", None)
    assert env.asset(new_id) == {}
    assert sorted((h["MediaState"], h["MediaVersion"]) for h in env.history()) == [("Draft", "2"), ("Published", "1")]
    assert {h["SupersededBy"] for h in env.history()} == {run.result.job}
    # Its result imported again: the asset is already gone, so the row is done, not failed.
    before = env.snapshot()
    again = env.run([{**run.rows[0], "Result": None, "ErrorCode": None, "ResultDescription": None}])
    assert outcome(again.rows[0]) == ("Skipped", None) and "already deleted" in again.rows[0]["ResultDescription"]
    assert env.snapshot() == before


def test_unpublish_and_delete_of_an_asset_in_use_fails(env: Env) -> None:
    before = env.snapshot()
    run = env.run([jeans(MediaAction="UnpublishAndDelete")])
    assert outcome(run.rows[0]) == ("Failed", "AssetInUse") and env.snapshot() == before
    assert run.result.status == "Failed"


def test_unpublish_of_an_unknown_asset_fails(env: Env) -> None:
    run = env.run([image("Belt", MediaAction="Unpublish")])
    assert outcome(run.rows[0]) == ("Failed", "UnknownAsset")


# -- CheckedOut and VersionMismatch ------------------------------------------------------------------

@pytest.mark.parametrize(("user", "action", "expected"), [
    ("bob", "UseExisting", ("Skipped", "CheckedOut")),
    ("bob", "", ("Skipped", "CheckedOut")),          # UseExisting is the default
    ("bob", "Overwrite", ("Succeeded", None)),
    ("alice", "UseExisting", ("Succeeded", None)),   # her own draft is no conflict
])
def test_draft_checked_out_by_another_user(env: Env, user: str, action: str, expected: tuple[str, str | None]) -> None:
    env.edit_store(JEANS, "Draft", CheckedOutBy="alice")
    before = env.snapshot()
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaCheckedOutAction=action)], user=user)
    assert outcome(run.rows[0]) == expected
    draft = env.asset(JEANS)["Draft"]
    if expected[0] == "Skipped":
        assert env.snapshot() == before and "alice" in run.rows[0]["ResultDescription"]
        assert run.rows[0]["MediaVersion"] == "2"
    else:
        assert draft["MediaVersion"] == "3" and draft["CheckedOutBy"] is None  # imported drafts are checked in


def test_checked_out_draft_blocks_unpublish_unless_overwrite(env: Env) -> None:
    env.edit_store(JEANS, "Draft", CheckedOutBy="alice")
    held = env.run([jeans(MediaAction="Unpublish")])
    assert outcome(held.rows[0]) == ("Skipped", "CheckedOut")
    forced = env.run([jeans(MediaAction="Unpublish", MediaCheckedOutAction="Overwrite")])
    assert outcome(forced.rows[0]) == ("Succeeded", None) and list(env.asset(JEANS)) == ["Draft"]


@pytest.mark.parametrize(("version", "action", "expected"), [
    ("1", "UseExisting", ("Skipped", "VersionMismatch")),
    ("1", "", ("Skipped", "VersionMismatch")),
    ("1", "Overwrite", ("Succeeded", None)),
    ("2", "UseExisting", ("Succeeded", None)),  # the stored version: no mismatch
])
def test_version_mismatch(env: Env, version: str, action: str, expected: tuple[str, str | None]) -> None:
    before = env.snapshot()
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaVersion=version,
                         MediaVersionMismatchAction=action)])
    assert outcome(run.rows[0]) == expected
    if expected[0] == "Skipped":
        assert env.snapshot() == before and "version 2" in run.rows[0]["ResultDescription"]
        # The result keeps the row's stale version, so importing it again is still a mismatch.
        assert run.rows[0]["MediaVersion"] == "1"
        assert outcome(env.again(run).rows[0]) == expected
    else:
        assert env.asset(JEANS)["Draft"]["MediaVersion"] == "3" and run.rows[0]["MediaVersion"] == "3"


def test_an_edited_export_row_stamps_the_change_now(env: Env) -> None:
    stored = env.asset(JEANS)["Draft"]["MediaLastModifiedOn"]
    run = env.run([jeans(MediaSourceIfExistsAction="Overwrite", MediaLastModifiedOn=stored)])
    assert outcome(run.rows[0]) == ("Succeeded", None)
    assert env.asset(JEANS)["Draft"]["MediaLastModifiedOn"] == run.rows[0]["ResultTime"]


# -- importing the result manifest again --------------------------------------------------------------

def test_reimporting_the_result_manifest_changes_nothing(env: Env) -> None:
    src = {"MediaSourceProvider": "DAM"}
    run = env.run([
        *(r | {"MediaSourceIfExistsAction": "Overwrite"} for r in read_manifest(
            REPO / "fixtures/manifests/import-assets.tsv").frame.to_dicts()),
        image("By source", "images/wallet-standard.png", MediaSourceId="w-1", **src),
        jeans(MediaSourceIfExistsAction="Overwrite", MediaAction="PublishNow"),
        jeans(MediaLocale="en-us", MediaImportPath="images/jeans-black-front.png", MediaDisplayName="Jeans en"),
    ])
    assert run.col("Result") == ["Succeeded"] * 7
    before = env.snapshot()
    again = env.again(run)
    assert again.col("Result") == ["Skipped"] * 7 and again.col("ErrorCode") == [None] * 7
    assert again.col("InternalMediaId") == run.col("InternalMediaId")
    assert again.col("MediaVersion") == run.col("MediaVersion")
    assert env.snapshot() == before
    assert again.result.status == "Succeeded" and again.result.rows.skipped == 7


# -- bad input: each class its own ErrorCode, the other rows still imported ----------------------------

def bad_media(tmp: Path) -> Path:
    media = tmp / "media"
    shutil.copytree(MEDIA, media)
    (tmp / "outside.png").write_bytes((MEDIA / "images/belt-front.png").read_bytes())
    (media / "images/escape.png").symlink_to(tmp / "outside.png")
    whole = (MEDIA / "images/tshirt-red-back.png").read_bytes()
    (media / "images/truncated.png").write_bytes(whole[: len(whole) // 2])
    return media


BAD_ROWS: list[tuple[Row, str]] = [
    (image("Traversal", "../x.png"), "PathTraversal"),
    (image("Absolute", "/etc/passwd"), "AbsolutePath"),
    (image("Escape", "images/escape.png"), "SymlinkEscape"),
    (image("File URL", "file:///etc/passwd"), "UnsupportedScheme"),
    (image("FTP URL", "ftp://example.com/x.png"), "UnsupportedScheme"),
    (image("Missing", "images/missing.png"), "FileNotFound"),
    (image("Truncated", "images/truncated.png"), "InvalidImage"),
    (image("Jeans black front"), "DuplicateDisplayName"),             # the store has it
    (image("No path", ""), "MissingMandatoryField"),
    (image("No alt", ImageAltText=""), "MissingMandatoryField"),
    (image("No title", "videos/sunglasses-360.mp4", MediaType="Video", ImageAltText=""), "MissingMandatoryField"),
    (image("Bad channel", MediaChannel="OUN09999"), "UnknownChannel"),
    (image("Bad locale", MediaLocale="ja-jp"), "UnknownLocale"),
    (image("Bad enum", MediaAction="Publish"), "InvalidValue"),
]


def test_each_bad_row_gets_its_own_error_and_the_rest_import(env: Env) -> None:
    good = [image("Good one", MediaAction="PublishNow"), image("Twin"),
            jeans(MediaSourceIfExistsAction="Overwrite")]
    dups = [(image("Twin", "images/belt-detail.png"), "DuplicateDisplayName"),  # an earlier row has it
            (jeans(MediaSourceIfExistsAction="Overwrite", ImageAltText="again"), "DuplicateRow")]
    bad = BAD_ROWS + dups
    text = tsv(good + [r for r, _ in bad]) + "\tsystem_neutral\tImage\n"  # a ragged line
    run = env.run(text, media=bad_media(env.tmp))
    assert [outcome(r) for r in run.rows[:3]] == [("Succeeded", None)] * 3
    got = [(r["MediaDisplayName"], r["ErrorCode"]) for r in run.rows[3:-1]]
    assert got == [(r["MediaDisplayName"], code) for r, code in bad]
    assert run.rows[-1]["ErrorCode"] == "MalformedRow" and run.rows[-1]["Result"] == "Failed"
    assert all(r["Result"] == "Failed" and r["ResultDescription"] for r in run.rows[3:])
    assert all(r["InternalMediaId"] is None for r in run.rows[3:-1] if r["MediaDisplayName"] != "Jeans black front")
    assert all("\n" not in r["ResultDescription"] for r in run.rows)
    assert run.result.status == "CompletedWithErrors"
    assert (run.result.rows.total, run.result.rows.succeeded, run.result.rows.failed) == (len(run.rows), 3,
                                                                                          len(bad) + 1)
    names = set(env.store()["MediaDisplayName"])
    assert {"Good one", "Twin"} <= names and not names & {r["MediaDisplayName"] for r, _ in BAD_ROWS[:7]}
    # No blob of a refused file was kept.
    blobs = {p.name for p in env.t.path("cms/blobs").rglob("*") if p.is_file()}
    truncated = hashlib.sha256((env.tmp / "media/images/truncated.png").read_bytes()).hexdigest()
    assert sha("images/belt-front.png") in blobs and truncated not in blobs


def test_a_local_path_without_media_dir_fails_the_row(env: Env) -> None:
    before = env.snapshot()
    run = env.run([image("Belt")], media=None)
    assert outcome(run.rows[0]) == ("Failed", "NoMediaDir") and run.result.status == "Failed"
    assert env.snapshot() == before


def test_two_new_rows_for_the_same_source_or_new_locale_are_duplicates(env: Env) -> None:
    src = {"MediaSourceProvider": "DAM", "MediaSourceId": "belt-1"}
    en = {"MediaLocale": "en-us", "MediaImportPath": "images/jeans-black-front.png"}
    run = env.run([image("Belt", **src), image("Belt copy", "images/belt-detail.png", **src),
                   jeans(**en, MediaDisplayName="Jeans en"), jeans(**en, MediaDisplayName="Jeans en 2")])
    assert [outcome(r) for r in run.rows] == [("Succeeded", None), ("Failed", "DuplicateRow")] * 2
    assert env.store().filter(pl.col("MediaSourceId") == "belt-1").height == 1
    assert list(env.asset(JEANS, "en-us")) == ["Draft"]


# -- the job ------------------------------------------------------------------------------------------

def job_row(env: Env, job: str) -> Row:
    jobs = read_manifest(env.t.path("jobs/jobs.tsv")).frame.filter(pl.col("JobId") == job)
    assert jobs.height == 1
    return jobs.row(0, named=True)


@pytest.mark.parametrize(("rows", "status", "counts"), [
    ([image("A"), jeans()], "Succeeded", ("2", "1", "0", "1")),
    ([image("A"), image("B", "../b.png")], "CompletedWithErrors", ("2", "1", "1", "0")),
    ([image("A", "../a.png"), image("B", MediaLocale="ja-jp")], "Failed", ("2", "0", "2", "0")),
])
def test_job_status_and_counts(env: Env, rows: list[Row], status: str, counts: tuple[str, ...]) -> None:
    run = env.run(rows)
    assert run.result.status == status
    row = job_row(env, run.result.job)
    assert row["Status"] == status and row["JobType"] == "Import" and row["CreatedBy"] == "bob"
    assert (row["RowsTotal"], row["RowsSucceeded"], row["RowsFailed"], row["RowsSkipped"]) == counts
    assert row["ResultPath"] == run.result.result
    r = run.result.rows
    assert tuple(str(n) for n in (r.total, r.succeeded, r.failed, r.skipped)) == counts


# -- property: a second import changes nothing ---------------------------------------------------------

FIXTURE_ROWS = read_manifest(REPO / "fixtures/manifests/import-assets.tsv").frame.to_dicts()
_ROW_CHOICES = st.tuples(st.sampled_from(["PublishNow", "Draft"]),
                         st.sampled_from(["UseExisting", "Overwrite", "TakeLatest", "KeepBoth"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picked=st.lists(st.sampled_from(range(len(FIXTURE_ROWS))), min_size=1, unique=True),
       choices=st.lists(_ROW_CHOICES, min_size=len(FIXTURE_ROWS), max_size=len(FIXTURE_ROWS)),
       reimport_result=st.booleans())
def test_importing_twice_changes_no_store_byte(picked: list[int], choices: list[tuple[str, str]],
                                               reimport_result: bool) -> None:
    rows = [FIXTURE_ROWS[i] | {"MediaAction": choices[i][0], "MediaSourceIfExistsAction": choices[i][1]}
            for i in picked]
    with tempfile.TemporaryDirectory() as tmp:
        env = Env(Path(tmp))
        first = env.run(rows)
        assert first.col("Result") == ["Succeeded"] * len(rows)
        before = env.snapshot()
        second = env.again(first) if reimport_result else env.run(rows)
        assert env.snapshot() == before
        if reimport_result:  # the result names what the first import made
            assert second.col("Result") == ["Skipped"] * len(rows)
            assert second.col("InternalMediaId") == first.col("InternalMediaId")
        else:  # without ids nothing matches, and each new asset's name is taken
            assert second.col("ErrorCode") == ["DuplicateDisplayName"] * len(rows)
