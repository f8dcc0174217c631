"""``sync`` as a library call: idempotence, incremental == full after every kind of edit, the
CsuMediaLocations and OmnichannelContent settings, ``--to``, stale CSU files, the job log."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import WORKSPACE
from toolkit.errors import UsageError, WorkspaceError
from toolkit.jobs import read_jobs
from toolkit.resolution import stage_sync, sync
from toolkit.resolution import state as state_module
from toolkit.store import digests, tenant_writer
from toolkit.tenants import set_setting
from toolkit.tsv import manifest_bytes, read_manifest
from toolkit.workspace import Tenant, tenant

HQ = "hq/media_assignments.tsv"
CSU = [f"csu/OUN0000{i}/media_assignments.tsv" for i in (1, 2, 3)]
SEARCH = "search/default_images.tsv"
OUTPUTS = [HQ, *CSU, SEARCH]


def copy(tmp_path: Path, name: str = "ws") -> Tenant:
    shutil.copytree(WORKSPACE, tmp_path / name)
    return tenant(tmp_path / name, "contoso-dev")


def snapshot(t: Tenant) -> dict[str, tuple[bytes, int]]:
    """Every file outside jobs/ and .omm/: bytes and modification time."""
    return {p.relative_to(t.root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(t.root.rglob("*"))
            if p.is_file() and p.relative_to(t.root).parts[0] not in ("jobs", ".omm")}


def edit(t: Tenant, rel: str, kind: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    t.path(rel).write_bytes(manifest_bytes(change(read_manifest(t.path(rel), kind).frame), kind))


def test_a_second_sync_changes_nothing_but_the_job_log(tmp_path: Path) -> None:
    t = copy(tmp_path)
    first = sync(t)
    assert [(f.path, f.change) for f in first.files] == [(p, "created") for p in OUTPUTS]
    before = snapshot(t)
    again = sync(t)
    assert snapshot(t) == before
    assert (again.plan.mode, again.plan.recomputed_entities, again.changed) == ("incremental", 0, 0)
    assert [(f.path, f.rows, f.change) for f in again.files] == [
        (HQ, 378, "unchanged"), (CSU[0], 98, "unchanged"), (CSU[1], 64, "unchanged"), (CSU[2], 92, "unchanged"),
        (SEARCH, 200, "unchanged")]
    assert [(j.job_type, j.status, j.rows_total, j.rows_succeeded, j.rows_skipped) for j in read_jobs(t)][-2:] == [
        ("Sync", "Succeeded", 378, 378, 0), ("Sync", "Succeeded", 378, 0, 378)]
    assert sync(t, full=True).changed == 0 and snapshot(t) == before


def _reorder_sunglasses(f: pl.DataFrame) -> pl.DataFrame:
    mine = (pl.col("EntityKeyValue") == "1000") & (pl.col("EntityAssignmentCurrentPublishState") == "Published")
    return f.with_columns(pl.when(mine).then(pl.lit(3) - pl.col("MediaDisplayOrder").cast(pl.Int64))
                          .otherwise(pl.col("MediaDisplayOrder").cast(pl.Int64)).cast(pl.String).alias("MediaDisplayOrder"))


def _one_channel_purpose(f: pl.DataFrame) -> pl.DataFrame:
    mine = ((pl.col("EntityKeyValue") == "93039") & (pl.col("EntityChannel").fill_null("") == "OUN00003")
            & (pl.col("MediaGroup") == "Additional"))
    return f.with_columns(pl.when(mine).then(pl.lit("Detail")).otherwise(pl.col("MediaPurpose")).alias("MediaPurpose"))


EDITS: dict[str, tuple[str, str, Callable[[pl.DataFrame], pl.DataFrame]]] = {
    "an item's purpose in one channel": ("cms/assignments.tsv", "assignments", _one_channel_purpose),
    "a set's display orders": ("cms/assignments.tsv", "assignments", _reorder_sunglasses),
    "a set removed": ("cms/assignments.tsv", "assignments", lambda f: f.filter(
        ~((pl.col("EntityKeyValue") == "93039") & (pl.col("EntityChannel") == "OUN00001")))),
    "a category set removed": ("cms/assignments.tsv", "assignments", lambda f: f.filter(
        pl.col("EntityKeyValue") != "C130")),
    "an asset republished": ("cms/media.tsv", "assets", lambda f: f.with_columns(
        pl.when(pl.col("InternalMediaId") == "a8cbacea-49b2-40a8-b182-a92d95654760")
        .then(pl.col("MediaPublishedURL").str.replace("/system_neutral/1", "/system_neutral/3"))
        .otherwise(pl.col("MediaPublishedURL")).alias("MediaPublishedURL"))),
    "a product added": ("hq/products.tsv", "products", lambda f: pl.concat([f, pl.DataFrame(
        {"ProductNumber": ["93039-007"], "ProductName": ["Jeans"], "ProductType": ["Variant"],
         "MasterProductNumber": ["93039"], "Color": ["Blue"], "Size": ["30"], "Style": ["Slim"]})], how="diagonal")),
    "a product removed": ("hq/products.tsv", "products", lambda f: f.filter(pl.col("ProductNumber") != "70050-001")),
    "a variant's colour changed": ("hq/products.tsv", "products", lambda f: f.with_columns(
        pl.when(pl.col("ProductNumber") == "93039-002").then(pl.lit("Blue")).otherwise(pl.col("Color")).alias("Color"))),
}


@pytest.mark.parametrize("name", EDITS, ids=list(EDITS))
def test_incremental_equals_full_after_an_edit(tmp_path: Path, name: str) -> None:
    rel, kind, change = EDITS[name]
    inc, full = copy(tmp_path, "inc"), copy(tmp_path, "full")
    sync(inc, chunk_size=4)
    edit(inc, rel, kind, change)
    edit(full, rel, kind, change)
    got = sync(inc, chunk_size=4)
    sync(full, full=True)
    assert {p: inc.path(p).read_bytes() for p in OUTPUTS} == {p: full.path(p).read_bytes() for p in OUTPUTS}
    assert got.plan.mode == "incremental"
    assert 0 < got.plan.recomputed_entities < got.plan.entities
    assert got.changed >= 1


def _calls(monkeypatch: pytest.MonkeyPatch, owner: object, attr: str,
           name_of: Callable[..., str | None]) -> list[str]:
    """From now on, the names ``name_of`` gives the calls to ``owner.attr`` (None: not recorded)."""
    seen: list[str] = []
    real = getattr(owner, attr)

    def spy(*args: object, **kwargs: object) -> object:
        if (name := name_of(*args)) is not None:
            seen.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attr, spy)
    return seen


def _staged_outputs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the sync outputs staged (opened for writing in a transaction) from now on."""
    from toolkit.store import Transaction

    return _calls(monkeypatch, Transaction, "open_write",
                  lambda _txn, rel, *_: str(rel) if str(rel) in OUTPUTS else None)


def test_an_incremental_sync_writes_only_the_outputs_its_dirty_chunks_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The purpose of an Additional item in OUN00003's set of a master edited: HQ and that channel's
    # CSU file change; the other channels' files and the search file (default images come from
    # Primary) are found unchanged from the re-encoded chunks alone, and never staged.
    t = copy(tmp_path)
    sync(t, chunk_size=4)
    before = snapshot(t)
    staged = _staged_outputs(monkeypatch)
    edit(t, *EDITS["an item's purpose in one channel"])
    got = sync(t, chunk_size=4)
    assert got.plan.mode == "incremental" and 0 < got.plan.recomputed_entities < got.plan.entities
    assert sorted(staged) == ["csu/OUN00003/media_assignments.tsv", HQ]
    after = snapshot(t)
    assert [p for p in OUTPUTS if after[p] != before[p]] == [HQ, "csu/OUN00003/media_assignments.tsv"]
    assert (sync(t, chunk_size=4).changed, sync(t, full=True).changed) == (0, 0)  # the state is right


def test_a_dirty_chunk_that_changes_no_output_stages_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A set added for a locale no channel lists: its master's chunk is recomputed, no row changes.
    t = copy(tmp_path)
    sync(t, chunk_size=4)
    before = snapshot(t)
    staged = _staged_outputs(monkeypatch)
    unlisted = (pl.col("EntityKeyValue") == "93039") & (pl.col("EntityChannel").fill_null("") == "OUN00001")
    edit(t, "cms/assignments.tsv", "assignments", lambda f: pl.concat(
        [f, f.filter(unlisted).with_columns(EntityChannel=pl.lit("OUN00002"), EntityLocale=pl.lit("ja-jp"))]))
    got = sync(t, chunk_size=4)
    assert (got.plan.mode, got.changed, staged) == ("incremental", 0, [])
    assert 0 < got.plan.recomputed_entities < got.plan.entities
    assert {p: v for p, v in snapshot(t).items() if p in OUTPUTS} == {p: v for p, v in before.items() if p in OUTPUTS}
    assert sync(t, chunk_size=4).plan.recomputed_entities == 0  # the state took the new hashes


def test_new_channels_or_edited_outputs_mean_a_full_sync(tmp_path: Path) -> None:
    t = copy(tmp_path)
    sync(t)
    edit(t, "channels.tsv", "channels", lambda f: f.with_columns(
        pl.when(pl.col("ChannelId") == "OUN00002").then(pl.lit("en-us,es-us")).otherwise(pl.col("Locales"))
        .alias("Locales")))
    r = sync(t)
    assert (r.plan.mode, r.plan.reason, r.plan.recomputed_entities) == (
        "full", "channels, outputs or versions changed since the last sync", 23)
    good = t.path(HQ).read_bytes()
    t.path(HQ).write_bytes(good.replace(b"Primary", b"Additional", 1))
    r = sync(t)
    assert (r.plan.mode, r.plan.reason) == ("full", f"{HQ} changed since the last sync")
    assert t.path(HQ).read_bytes() == good


def _hashed_outputs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the sync outputs hashed from disk from now on (by file_digest)."""
    return _calls(monkeypatch, digests, "file_digest", lambda path, *_: (
        path.relative_to(path.parents[1]).as_posix() if path.name in ("media_assignments.tsv", "default_images.tsv")
        else None))


def test_an_incremental_sync_hashes_no_output_whose_size_and_time_are_as_recorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = copy(tmp_path)
    sync(t, chunk_size=4)
    rel, kind, change = EDITS["a set's display orders"]
    edit(t, rel, kind, change)
    hashed = _hashed_outputs(monkeypatch)
    got = sync(t, chunk_size=4)
    assert (got.plan.mode, hashed) == ("incremental", [])
    assert got.changed >= 1 and 0 < got.plan.recomputed_entities < got.plan.entities
    assert (sync(t).changed, hashed) == (0, [])  # nothing changed: nothing hashed, nothing written


def test_a_touched_output_is_hashed_once_and_the_sync_stays_incremental(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = copy(tmp_path)
    sync(t)
    os.utime(t.path(HQ), ns=(1, 1))  # same bytes, another time (a copy without -p, a backup restore)
    hashed = _hashed_outputs(monkeypatch)
    before = t.path(HQ).read_bytes()
    got = sync(t)
    assert (got.plan.mode, got.changed, hashed) == ("incremental", 0, ["hq/media_assignments.tsv"])
    assert t.path(HQ).read_bytes() == before
    hashed.clear()
    assert (sync(t).plan.mode, hashed) == ("incremental", [])  # its time is recorded now


def test_a_new_engine_version_recomputes_all_without_hashing_outputs_it_can_trust(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A full sync, but the outputs still have the size and time the state recorded: what they
    # hold is known, so finding that nothing changed reads none of them.
    t = copy(tmp_path)
    sync(t)
    before = snapshot(t)
    monkeypatch.setattr(state_module, "ENGINE_VERSION", "test")
    hashed = _hashed_outputs(monkeypatch)
    got = sync(t)
    assert (got.plan.mode, got.plan.reason) == ("full", "channels, outputs or versions changed since the last sync")
    assert (got.changed, hashed) == (0, [])
    assert {**snapshot(t), "hq/.sync-state": None} == {**before, "hq/.sync-state": None}
    assert (sync(t).plan.mode, hashed) == ("incremental", [])  # the state has the new fingerprint


def test_a_state_without_times_still_allows_an_incremental_sync(tmp_path: Path) -> None:
    t = copy(tmp_path)
    sync(t)
    state = t.path("hq/.sync-state")
    text = state.read_text(encoding="utf-8")
    state.write_text(re.sub(r'"mtime_ns": \d+, ', "", text), encoding="utf-8")
    assert "mtime_ns" not in state.read_text(encoding="utf-8")
    assert (sync(t).plan.mode, sync(t).changed) == ("incremental", 0)


def test_a_state_of_the_previous_format_still_allows_an_incremental_sync(tmp_path: Path) -> None:
    # omm-sync-state/1 recorded each output's bare SHA-256 hex under "sha256", and no times here,
    # so each output is hashed with SHA-256 once, and found to be as recorded.
    t = copy(tmp_path)
    sync(t)
    state = t.path("hq/.sync-state")
    body = json.loads(state.read_text(encoding="utf-8"))
    body["format"] = "omm-sync-state/1"
    body["files"] = {rel: {"sha256": hashlib.sha256(t.path(rel).read_bytes()).hexdigest(), "size": f["size"]}
                     for rel, f in body["files"].items()}
    state.write_text(json.dumps(body), encoding="utf-8")
    before = snapshot(t)
    assert (sync(t).plan.mode, sync(t).changed) == ("incremental", 0)
    after = snapshot(t)
    assert {**after, "hq/.sync-state": None} == {**before, "hq/.sync-state": None}  # no output rewritten
    now = json.loads(state.read_text(encoding="utf-8"))
    assert now["format"] == "omm-sync-state/2"  # rewritten in the format of now, SHA-256 digests kept
    assert {f["digest"] for f in now["files"].values()} == {f"sha256:{f['sha256']}" for f in body["files"].values()}


def test_csu_media_locations_off_stops_at_hq(tmp_path: Path) -> None:
    t = copy(tmp_path)
    set_setting(t, "CsuMediaLocations", "false")
    r = sync(t)
    assert ([f.path for f in r.files], r.plan.skipped) == ([HQ], ("csu", "search"))
    assert not t.path("csu").exists() and not t.path("search").exists()
    jobs = read_jobs(t)
    for to in ("csu", "search"):
        with pytest.raises(UsageError) as err:
            sync(t, to=to)
        assert str(err.value) == (f"tenant contoso-dev: CsuMediaLocations is off, so sync stops at HQ and leaves {to} "
                                  "untouched (turn it on with: omm settings --tenant contoso-dev CsuMediaLocations true)")
    assert read_jobs(t) == jobs  # refused before any job
    set_setting(t, "CsuMediaLocations", "true")
    assert [f.change for f in sync(t).files] == ["unchanged", "created", "created", "created", "created"]


def test_omnichannel_content_off_does_not_stop_sync(tmp_path: Path) -> None:
    t = copy(tmp_path)
    set_setting(t, "OmnichannelContent", "false")
    assert sync(t).status == "Succeeded" and t.path(HQ).is_file()


def test_to_hq_then_csu_then_search_equals_to_all(tmp_path: Path) -> None:
    steps, together = copy(tmp_path, "steps"), copy(tmp_path, "all")
    with pytest.raises(WorkspaceError, match="has no hq/media_assignments.tsv to sync from"):
        sync(steps, to="csu")
    assert [f.path for f in sync(steps, to="hq").files] == [HQ]
    assert [f.path for f in sync(steps, to="csu").files] == CSU
    assert [f.path for f in sync(steps, to="search").files] == [SEARCH]
    sync(together)
    assert {p: steps.path(p).read_bytes() for p in OUTPUTS} == {p: together.path(p).read_bytes() for p in OUTPUTS}


def test_csu_files_of_removed_channels_are_deleted(tmp_path: Path) -> None:
    t = copy(tmp_path)
    sync(t)
    edit(t, "channels.tsv", "channels", lambda f: f.filter(pl.col("ChannelId") != "OUN00002"))
    r = sync(t)
    assert [(f.path, f.change) for f in r.files if f.path.startswith("csu/")] == [
        (CSU[0], "unchanged"), (CSU[2], "unchanged"), (CSU[1], "deleted")]
    assert not t.path(CSU[1]).exists()


def test_stage_sync_reads_what_the_job_has_staged(tmp_path: Path) -> None:
    t = copy(tmp_path)
    frame = read_manifest(t.path("cms/assignments.tsv"), "assignments").frame
    with tenant_writer(t) as txn:
        txn.write_bytes("cms/assignments.tsv", manifest_bytes(_reorder_sunglasses(frame), "assignments"))
        plan = stage_sync(t, txn, to="hq")
    assert (plan.mode, plan.rows) == ("full", 378)
    hq = read_manifest(t.path(HQ), "flattened").frame
    default = hq.filter((pl.col("ProductNumber") == "1000") & (pl.col("IsDefaultImage") == "true"))
    assert default.get_column("MediaDisplayOrder").unique().to_list() == ["1"]
