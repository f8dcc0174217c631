"""Staging a plan in the destination's job transaction: manifests, history, binaries, plan.tsv.

Everything goes into ``job.txn`` and is committed with the job's row, all or nothing (SPEC §7).
Large manifests are written by Polars straight into the transaction's scratch area and handed over
by rename, in the exact bytes ``toolkit.tsv.manifest_bytes`` gives (canonical, sorted by key).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from toolkit.copying.plan import CopyPlan, binaries
from toolkit.copying.snapshot import BLOBS, MEDIA, MEDIA_HISTORY, SETS, SETS_HISTORY, Progress, list_blobs
from toolkit.copying.units import Decision
from toolkit.errors import InputError
from toolkit.jobs import Job
from toolkit.kinds import get_kind
from toolkit.store import Transaction
from toolkit.store.lock import utc_now
from toolkit.tsv.write import column_order, sort_expressions

PLAN_FILE = "plan.tsv"
_CSV = {"separator": "\t", "quote_style": "necessary", "line_terminator": "\n", "null_value": "",
        "include_header": True}


def canonical(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """``toolkit.tsv.canonical_frame`` (schema column order, rows in key order, stable), without
    moving the rows when they are already in that order (a tenant omm wrote usually is)."""
    k = get_kind(kind)
    ordered = frame.select(column_order(frame.columns, k))
    keys = [e.alias(f"__k{i}") for i, e in enumerate(sort_expressions(ordered, k))]
    if not keys or ordered.height < 2:
        return ordered
    order = (ordered.select(keys).with_row_index("__i")
             .sort([f"__k{i}" for i in range(len(keys))], nulls_last=False, maintain_order=True).get_column("__i"))
    return ordered if order.is_sorted() else ordered[order]


def write_frame(txn: Transaction, rel: str, frame: pl.DataFrame, kind: str | None, *, sort: bool = True) -> None:
    """Stage ``rel`` with ``frame`` (values canonical, empty cells null) written canonically as
    manifest ``kind`` (rows in key order unless not ``sort``), or, without a kind, as it is."""
    if kind is None:
        ordered = frame
    else:
        ordered = canonical(frame, kind) if sort else frame.select(column_order(frame.columns, get_kind(kind)))
    scratch = txn.scratch_path(".tsv")
    ordered.write_csv(scratch, **_CSV)  # type: ignore[arg-type]
    txn.write_file(rel, scratch, move=True)


def _history(job: Job, rel: str, kind: str, replaced: pl.DataFrame, now: str) -> None:
    """Append the replaced rows to the history manifest ``rel`` (as ``omm import`` does: existing rows
    as they are, new ones after them with SupersededOn and SupersededBy)."""
    from toolkit.tsv import read_manifest

    if replaced.height == 0:
        return
    rows = replaced.with_columns(SupersededOn=pl.lit(now), SupersededBy=pl.lit(job.id))
    path = job.tenant.path(rel)
    if path.is_file():
        rows = pl.concat([read_manifest(path, kind).frame, rows], how="diagonal_relaxed")
    write_frame(job.txn, rel, rows, kind, sort=False)


def _manifest(job: Job, decision: Decision, rel: str, history: str, kind: str, now: str) -> int:
    if decision.rows is None:
        return 0
    write_frame(job.txn, rel, decision.rows, kind)
    _history(job, history, kind, decision.replaced, now)
    return decision.rows.height


def stage_binaries(job: Job, plan: CopyPlan, on_progress: Progress | None) -> tuple[int, int]:
    """Copy the binaries the written assets name that the destination lacks (checked against their
    SHA-256 as they are staged); returns (copied, missing in the source)."""
    found = binaries(plan.binaries.needed, plan.source_snapshot, list_blobs(job.tenant.root))  # as it is now
    source = plan.source_snapshot.tenant.root
    for n, checksum in enumerate(found.copy, 1):  # one per distinct binary, not per row
        rel = f"{BLOBS}/{checksum[:2]}/{checksum}"
        try:
            op = job.txn.write_file(rel, Path(source, rel))
        except FileNotFoundError:
            raise InputError(f"the binary {rel} left tenant {plan.source} while it was being copied",
                             "copy again; nothing was copied") from None
        if op.sha256 != checksum:
            raise InputError(f"the binary {rel} of tenant {plan.source} is damaged (its SHA-256 is {op.sha256})",
                             f"restore it in {plan.source}, then copy again; nothing was copied")
        if on_progress is not None:
            on_progress("binaries", n, len(found.copy))
    return len(found.copy), found.missing


def stage(job: Job, plan: CopyPlan, on_progress: Progress | None = None) -> tuple[int, int]:
    """Stage the whole copy in ``job``; returns (binaries copied, binaries missing in the source)."""
    now = utc_now()
    total = sum(d.rows.height for d in (plan.media, plan.sets) if d.rows is not None)
    done = _manifest(job, plan.media, MEDIA, MEDIA_HISTORY, "assets", now)
    if on_progress is not None and total:
        on_progress("write", done, total)
    done += _manifest(job, plan.sets, SETS, SETS_HISTORY, "assignments", now)
    if on_progress is not None and total:
        on_progress("write", done, total)
    copied = stage_binaries(job, plan, on_progress)
    write_frame(job.txn, job.file(PLAN_FILE), plan.table, None)
    return copied
