"""Staging a plan in the destination's job transaction: manifests, history, binaries, plan.tsv.

Everything goes into ``job.txn`` and is committed with the job's row, all or nothing (SPEC §7).
Large manifests are written by Polars straight into the transaction's scratch area and handed over
by rename, in the exact bytes ``toolkit.tsv.manifest_bytes`` gives (canonical, sorted by key).
Two worker threads write them (Polars releases the GIL) while this thread hands each written file
to the transaction, in order — its fsync and digest overlapping the writing of the next; only this
thread touches the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import polars as pl

from toolkit.copying.plan import CopyPlan, binaries
from toolkit.copying.snapshot import BLOBS, MEDIA, MEDIA_HISTORY, SETS, SETS_HISTORY, Progress, list_blobs
from toolkit.errors import InputError
from toolkit.jobs import Job
from toolkit.kinds import get_kind
from toolkit.store import Transaction
from toolkit.store.digests import SHA256, tagged
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


def _ordered(frame: pl.DataFrame, kind: str | None, sort: bool) -> pl.DataFrame:
    if kind is None:
        return frame
    return canonical(frame, kind) if sort else frame.select(column_order(frame.columns, get_kind(kind)))


def write_frame(txn: Transaction, rel: str, frame: pl.DataFrame, kind: str | None, *, sort: bool = True) -> None:
    """Stage ``rel`` with ``frame`` (values canonical, empty cells null) written canonically as
    manifest ``kind`` (rows in key order unless not ``sort``), or, without a kind, as it is."""
    scratch = txn.scratch_path(".tsv")
    _ordered(frame, kind, sort).write_csv(scratch, **_CSV)  # type: ignore[arg-type]
    txn.write_file(rel, scratch, move=True)


@dataclass(frozen=True)
class _File:
    """A manifest to stage as ``rel``: the frame ``make`` gives, written as ``write_frame`` would."""

    rel: str
    make: Callable[[], pl.DataFrame]
    kind: str | None
    sort: bool = True
    rows: int = 0  # what it counts for the "write" progress


def _render(file: _File, scratch: Path) -> None:
    """Write ``file`` into ``scratch`` (in a worker thread: Polars only, no transaction)."""
    _ordered(file.make(), file.kind, file.sort).write_csv(scratch, **_CSV)  # type: ignore[arg-type]


class _Rendering:
    """``files`` written into scratch files by two worker threads as soon as it is entered;
    :meth:`hand_over` waits for one and stages it (the caller's thread owns the transaction)."""

    def __init__(self, txn: Transaction, files: list[_File]) -> None:
        self.txn, self.files = txn, files
        self.scratches = [txn.scratch_path(".tsv") for _ in files]
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="omm-copy-write")
        self.futures: list[Future[None]] = []

    def __enter__(self) -> _Rendering:
        self.futures = [self.pool.submit(_render, f, s) for f, s in zip(self.files, self.scratches, strict=True)]
        return self

    def hand_over(self, n: int) -> _File:
        self.futures[n].result()  # a worker's error is raised here
        self.txn.write_file(self.files[n].rel, self.scratches[n], move=True)
        return self.files[n]

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # On an error (Ctrl-C included) nothing more starts; a file being written is finished before
        # the job discards the transaction, so no worker writes into a staging area being removed.
        self.pool.shutdown(wait=True, cancel_futures=kind is not None)


def _history_rows(path: Path, kind: str, replaced: pl.DataFrame, now: str, job_id: str) -> pl.DataFrame:
    """The history manifest at ``path`` with the replaced rows appended (as ``omm import`` does:
    existing rows as they are, new ones after them with SupersededOn and SupersededBy)."""
    from toolkit.tsv import read_manifest

    rows = replaced.with_columns(SupersededOn=pl.lit(now), SupersededBy=pl.lit(job_id))
    if path.is_file():
        rows = pl.concat([read_manifest(path, kind).frame, rows], how="diagonal_relaxed")
    return rows


def _files(job: Job, plan: CopyPlan, now: str) -> list[_File]:
    """What a copy stages besides the binaries: each manifest it changes with its history, then plan.tsv."""
    files: list[_File] = []
    for decision, rel, history, kind in ((plan.media, MEDIA, MEDIA_HISTORY, "assets"),
                                         (plan.sets, SETS, SETS_HISTORY, "assignments")):
        rows, replaced = decision.rows, decision.replaced
        if rows is None:
            continue
        files.append(_File(rel, lambda rows=rows: rows, kind, rows=rows.height))
        if replaced.height:
            path = job.tenant.path(history)
            files.append(_File(history, lambda p=path, k=kind, r=replaced: _history_rows(p, k, r, now, job.id), kind,
                               sort=False))
    return [*files, _File(job.file(PLAN_FILE), lambda: plan.table, None)]


def stage_binaries(job: Job, plan: CopyPlan, on_progress: Progress | None) -> tuple[int, int]:
    """Copy the binaries the written assets name that the destination lacks (checked against their
    SHA-256 as they are staged); returns (copied, missing in the source)."""
    found = binaries(plan.binaries.needed, plan.source_snapshot, list_blobs(job.tenant.root))  # as it is now
    source = plan.source_snapshot.tenant.root
    for n, checksum in enumerate(found.copy, 1):  # one per distinct binary, not per row
        rel = f"{BLOBS}/{checksum[:2]}/{checksum}"
        try:
            op = job.txn.write_file(rel, Path(source, rel), algorithm=SHA256)
        except FileNotFoundError:
            raise InputError(f"the binary {rel} left tenant {plan.source} while it was being copied",
                             "copy again; nothing was copied") from None
        if op.digest != tagged(SHA256, checksum):
            found = (op.digest or "").partition(":")[2]
            raise InputError(f"the binary {rel} of tenant {plan.source} is damaged (its SHA-256 is {found})",
                             f"restore it in {plan.source}, then copy again; nothing was copied")
        if on_progress is not None:
            on_progress("binaries", n, len(found.copy))
    return len(found.copy), found.missing


def stage(job: Job, plan: CopyPlan, on_progress: Progress | None = None) -> tuple[int, int]:
    """Stage the whole copy in ``job`` (manifests and histories, binaries, plan.tsv, in that order);
    returns (binaries copied, binaries missing in the source)."""
    files = _files(job, plan, utc_now())
    total, done = sum(f.rows for f in files), 0
    with _Rendering(job.txn, files) as rendering:
        for n in range(len(files) - 1):
            done += rendering.hand_over(n).rows
            if on_progress is not None and total and files[n].rows:
                on_progress("write", done, total)
        copied = stage_binaries(job, plan, on_progress)
        rendering.hand_over(len(files) - 1)  # plan.tsv
    return copied
