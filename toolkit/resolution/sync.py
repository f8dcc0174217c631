"""``omm sync`` (SPEC §5, §6): CMS → HQ flattening, HQ → each channel's CSU, HQ → search.

- ``--to hq``: the published sets (tier ``cms``) resolved for every catalog entity → HQ.
- ``--to csu`` / ``--to search``: split from the HQ file as it is (``hq/media_assignments.tsv``
  must exist: run ``--to hq`` first); the result equals what ``--to all`` writes.
- ``--to all`` (the default): all three from one resolution, committed together.
  CSU files of channels no longer in ``channels.tsv`` are deleted (csu/ mirrors the channels).

Settings: with ``CsuMediaLocations`` off, sync stops at HQ — ``--to all`` writes HQ only and
leaves csu/ and search/ untouched, and ``--to csu|search`` refuses (exit 2) saying how to turn it
on. ``OmnichannelContent`` does not stop sync: it switches off *authoring* (import of assignments,
checkout, publish), and sync only re-derives outputs from content already published.

Incremental (the default) recomputes only the chunks of entities whose inputs changed since the
last sync and copies the rest from the previous outputs (``state``); ``--full`` recomputes all.
Both write the same bytes. Files whose bytes do not change are not rewritten (the transaction
skips them), so a second sync changes nothing but the job log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from toolkit.errors import UsageError, WorkspaceError
from toolkit.resolution.chunks import ChunkPlan, unchanged, write_chunks
from toolkit.resolution.engine import Index, build_index
from toolkit.resolution.inputs import load, read_frame, source_path
from toolkit.resolution.outputs import CSU_DIR, HQ, KIND, STATE_FILE, OutputFile, output_files
from toolkit.resolution.state import (
    CHUNK_ENTITIES,
    State,
    chunk_hashes,
    chunk_of,
    entity_hashes,
    fingerprint,
    fresh_boundaries,
    read_state,
)
from toolkit.store.digests import same_content

if TYPE_CHECKING:
    from toolkit.store import Transaction
    from toolkit.workspace import Tenant

TARGETS = ("all", "hq", "csu", "search")
_PARTS = {"all": ("hq", "csu", "search"), "hq": ("hq",), "csu": ("csu",), "search": ("search",)}


@dataclass(frozen=True)
class SyncFile:
    """One output: its path in the tenant, its rows, and what the commit did to it
    (``created``, ``replaced``, ``unchanged``, ``deleted``)."""

    path: str
    rows: int
    change: str = "unchanged"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "rows": self.rows, "change": self.change}


@dataclass(frozen=True)
class SyncPlan:
    """What :func:`stage_sync` staged. ``rows`` counts the flattened rows of the first output
    written (HQ, else the CSU and search files together); ``recomputed`` of those were resolved in
    this run, the rest copied unchanged from the previous sync. ``skipped``: parts not synced
    because CsuMediaLocations is off."""

    to: str
    mode: str  # full | incremental
    reason: str  # why full (empty when incremental)
    entities: int
    recomputed_entities: int
    rows: int
    recomputed: int
    files: tuple[SyncFile, ...]
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyncResult:
    """A finished ``omm sync``; ``to_dict`` is its JSON (SPEC §6 import/publish/sync shape, plus detail)."""

    tenant: str
    job: str
    status: str
    plan: SyncPlan
    files: tuple[SyncFile, ...]

    @property
    def result(self) -> str:
        return HQ if "hq" in _PARTS[self.plan.to] else (CSU_DIR + "/" if self.plan.to == "csu" else self.files[0].path)

    @property
    def changed(self) -> int:
        return sum(f.change != "unchanged" for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        p = self.plan
        return {"job": self.job, "status": self.status,
                "rows": {"total": p.rows, "succeeded": p.recomputed, "failed": 0, "skipped": p.rows - p.recomputed},
                "result": self.result, "tenant": self.tenant, "to": p.to, "mode": p.mode, "reason": p.reason or None,
                "entities": {"total": p.entities, "recomputed": p.recomputed_entities},
                "files": [f.to_dict() for f in self.files], "not_synced": list(p.skipped)}


def check_to(to: str) -> str:
    if to not in TARGETS:
        raise UsageError(f"unknown sync target {to!r}", f"use one of: {', '.join(TARGETS)}")
    return to


def parts_to_sync(t: Tenant, to: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parts to write, parts skipped) for ``--to`` under the tenant's CsuMediaLocations flag."""
    from toolkit.tenants import read_settings

    check_to(to)
    if read_settings(t).flag("CsuMediaLocations"):
        return _PARTS[to], ()
    if to in ("csu", "search"):
        raise UsageError(f"tenant {t.id}: CsuMediaLocations is off, so sync stops at HQ and leaves {to} untouched",
                         f"turn it on with: omm settings --tenant {t.id} CsuMediaLocations true")
    return ("hq",), (("csu", "search") if to == "all" else ())


def _channels(t: Tenant, txn: Transaction | None) -> list[str]:
    frame = read_frame(t, "channels.tsv", "channels", ["ChannelId"], txn)
    return frame.get_column("ChannelId").drop_nulls().unique().sort().to_list()


def _stale_csu(t: Tenant, channels: list[str]) -> list[str]:
    """CSU files of channels that are no longer configured (csu/ mirrors channels.tsv)."""
    root = t.path(CSU_DIR)
    found = sorted(p.parent.name for p in root.glob("*/media_assignments.tsv")) if root.is_dir() else []
    return [f"{CSU_DIR}/{c}/media_assignments.tsv" for c in found if c not in channels]


def _previous(t: Tenant, txn: Transaction, state: State | None, config: str,
              files: tuple[OutputFile, ...]) -> tuple[str, dict[str, Path]]:
    """(why a full sync is needed or "", path of each previous output) — module ``state`` doc."""
    if state is None:
        return "no previous sync state", {}
    if state.config != config:
        for f in files:  # what they hold is still known: commit need not hash them to compare
            path, (digest, size) = t.path(f.path), state.files.get(f.path, ("", -1))
            if path.is_file() and _stamped(path, size, state.stamps.get(f.path)):
                txn.know(f.path, digest, size)
        return "channels, outputs or versions changed since the last sync", {}
    paths: dict[str, Path] = {}
    for f in files:
        path = source_path(t, f.path, txn)
        digest, size = state.files.get(f.path, ("", -1))
        own = path is not None and path == t.path(f.path)  # not a copy staged earlier in this job
        if path is None or not (own and _stamped(path, size, state.stamps.get(f.path))
                                or same_content(path, digest, size)):
            return f"{f.path} changed since the last sync", {}
        if own:
            txn.know(f.path, digest, size)  # commit need not hash it again to see whether it changes
        paths[f.path] = path
    return "", paths


def _stamped(path: Path, size: int, stamp: int | None) -> bool:
    """Whether ``path`` still has the size and modification time sync gave it (State.stamps)."""
    if stamp is None:
        return False
    st = path.stat()
    return (st.st_size, st.st_mtime_ns) == (size, stamp)


def _chunk_plan(t: Tenant, txn: Transaction, index: Index, files: tuple[OutputFile, ...], full: bool,
                chunk_size: int) -> tuple[ChunkPlan, str, str, dict[str, Path]]:
    """(which chunks to recompute, config fingerprint, why a full sync or "", the previous outputs)."""
    hashes = entity_hashes(index)
    config = fingerprint(index, [f.path for f in files])
    state = read_state(source_path(t, STATE_FILE, txn))
    reason, previous = ("--full", {}) if full else _previous(t, txn, state, config, files)
    if reason or state is None:  # a full sync draws the chunk boundaries afresh
        firsts = fresh_boundaries(index.entities, chunk_size)
        ids = chunk_of(index.entities, firsts)
        plan = ChunkPlan(firsts, chunk_hashes(hashes, ids, len(firsts)), [True] * len(firsts), ids, None)
        return plan, config, reason, {}
    firsts = [c.first for c in state.chunks]
    ids = chunk_of(index.entities, firsts)
    now = chunk_hashes(hashes, ids, len(firsts))
    dirty = [c.hash != h for c, h in zip(state.chunks, now, strict=True)]
    return ChunkPlan(firsts, now, dirty, ids, state), config, "", previous


def _from_cms(t: Tenant, txn: Transaction, to: str, parts: tuple[str, ...], full: bool,
              chunk_size: int) -> SyncPlan:
    index = build_index(load(t, "cms", txn))
    files = output_files(index.targets.filter(pl.col("tc") != "").get_column("tc").unique().to_list(), parts)
    plan, config, reason, previous = _chunk_plan(t, txn, index, files, full, chunk_size)
    clean = plan.previous is not None and not any(plan.dirty)
    written = unchanged(plan, files) if clean else write_chunks(index, plan, files, txn, previous)
    staged = {op.path: (op.digest or "", op.size or 0) for op in txn.operations if op.path in written.rows}
    digests_before = plan.previous.files if plan.previous else {}
    digests = {**digests_before, **staged}
    # Verified outputs keep the bytes recorded; their time now is what the next sync compares.
    checked = {rel: path.stat().st_mtime_ns for rel, path in previous.items() if path == t.path(rel)}
    stamps = {**(plan.previous.stamps if plan.previous else {}), **checked,
              **_stamps(t, txn, staged, digests_before, previous)}
    txn.write_bytes(STATE_FILE, State(config, digests, written.chunks, stamps).to_bytes())
    first = files[0].path
    return SyncPlan(to, "full" if reason else "incremental", reason, index.entities.height,
                    written.recomputed_entities, written.rows[first], written.recomputed_rows[first],
                    tuple(SyncFile(f.path, written.rows[f.path]) for f in files))


def _stamps(t: Tenant, txn: Transaction, staged: dict[str, tuple[str, int]], before: dict[str, tuple[str, int]],
            verified: dict[str, Path]) -> dict[str, int]:
    """The modification time each output will have once committed: the staged file's (a rename
    keeps it), or, when the output already holds these bytes (so commit leaves it), its own — which
    keeps a sync that changes nothing from changing the state."""
    stamps = {}
    for rel, digest in staged.items():
        own = t.path(rel)
        if verified.get(rel) == own:  # it holds before[rel] (checked by _previous): no hash needed
            path: Path | None = own if before.get(rel) == digest else txn.staged_path(rel)
        elif txn.holds(rel, *digest):  # known, or hashed once (commit would hash it anyway)
            path = own
        else:
            path = txn.staged_path(rel)
        if path is not None:
            stamps[rel] = path.stat().st_mtime_ns
    return stamps


def _from_hq(t: Tenant, txn: Transaction, to: str, parts: tuple[str, ...]) -> SyncPlan:
    from toolkit.tsv import manifest_bytes, read_manifest

    path = source_path(t, HQ, txn)
    if path is None:
        raise WorkspaceError(f"tenant {t.id} has no {HQ} to sync from", f"run: omm sync --tenant {t.id} --to hq")
    frame = read_manifest(path, "flattened").frame
    out = []
    for f in output_files(_channels(t, txn), parts):
        part = f.select(frame)
        txn.write_bytes(f.path, manifest_bytes(part, KIND[f.part]))
        out.append(SyncFile(f.path, part.height))
    total = sum(f.rows for f in out)
    return SyncPlan(to, "full", f"{to} is split from {HQ}", frame.get_column("ProductNumber").n_unique(), 0,
                    total, total, tuple(out))


def stage_sync(t: Tenant, txn: Transaction, *, to: str = "all", full: bool = False,
               chunk_size: int = CHUNK_ENTITIES) -> SyncPlan:
    """Stage sync's outputs in ``txn`` (a job's transaction; files staged there, e.g. by publish,
    are read in their new content). Raises UsageError when CsuMediaLocations forbids ``to``."""
    parts, skipped = parts_to_sync(t, to)
    plan = _from_cms(t, txn, to, parts, full, chunk_size) if "hq" in parts else _from_hq(t, txn, to, parts)
    deleted: tuple[SyncFile, ...] = ()
    if "csu" in parts:
        stale = _stale_csu(t, _channels(t, txn))
        for rel in stale:
            txn.delete(rel)
        deleted = tuple(SyncFile(rel, 0) for rel in stale)
    return SyncPlan(plan.to, plan.mode, plan.reason, plan.entities, plan.recomputed_entities, plan.rows,
                    plan.recomputed, plan.files + deleted, skipped)


def _describe(plan: SyncPlan) -> str:
    how = f"{plan.mode}" + (f": {plan.reason}" if plan.reason else "")
    return (f"sync --to {plan.to} ({how}): {plan.recomputed_entities} of {plan.entities} entities recomputed, "
            f"{plan.rows} rows" + (f"; not synced: {', '.join(plan.skipped)} (CsuMediaLocations off)"
                                   if plan.skipped else ""))


def sync(t: Tenant, *, to: str = "all", full: bool = False, wait: float = 0, user: str | None = None,
         chunk_size: int = CHUNK_ENTITIES) -> SyncResult:
    """Run ``omm sync`` on tenant ``t`` as a Sync job (module doc)."""
    from toolkit.jobs import run_job

    parts, _ = parts_to_sync(t, to)  # refusals before any job: the tenant stays byte-identical
    if "hq" not in parts and source_path(t, HQ) is None:
        raise WorkspaceError(f"tenant {t.id} has no {HQ} to sync from", f"run: omm sync --tenant {t.id} --to hq")
    with run_job(t, "Sync", name=f"sync --to {to}" + (" --full" if full else ""), user=user, wait=wait,
                 command="omm sync") as job:
        plan = stage_sync(t, job.txn, to=to, full=full, chunk_size=chunk_size)
        job.finish(total=plan.rows, succeeded=plan.recomputed, failed=0, skipped=plan.rows - plan.recomputed,
                   result_path=HQ if "hq" in _PARTS[to] else "", description=_describe(plan))
    assert job.result is not None and job.outcome is not None
    changes = {c.path: c.change for c in job.result.changes}
    done = {"create": "created", "replace": "replaced", "delete": "deleted"}
    files = tuple(SyncFile(f.path, f.rows, done.get(changes.get(f.path, ""), "unchanged")) for f in plan.files)
    return SyncResult(t.id, job.id, job.outcome.status, plan, files)
