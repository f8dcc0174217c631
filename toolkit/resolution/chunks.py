"""Writing sync's outputs chunk by chunk into a job's transaction (see ``state`` for what a chunk is).

A dirty chunk's rows are resolved and encoded; a clean chunk's bytes are copied from the previous
output files at the offsets the state recorded. Every output is streamed into its staged file, so
memory holds one chunk's rows, never a whole output.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import polars as pl

from toolkit.resolution.engine import Index, rows, winners
from toolkit.resolution.outputs import OutputFile, write_rows
from toolkit.resolution.state import Chunk, Span, State
from toolkit.store import Transaction
from toolkit.store.unbuffered import UnbufferedReader

# An incremental sync with at most this many dirty chunks (of 5,000 products) holds them encoded in
# memory (~90 MB a chunk at issue 5's size) to find the outputs they leave unchanged.
FEW_DIRTY_CHUNKS = 8


@dataclass(frozen=True)
class ChunkPlan:
    """What to write: chunk boundaries, each chunk's input hash, which chunks to recompute, the
    chunk of every entity (by pid), and the previous state (for the clean chunks' bytes)."""

    firsts: list[str]
    hashes: list[str]
    dirty: list[bool]
    chunk_ids: pl.Series
    previous: State | None


@dataclass(frozen=True)
class Written:
    chunks: tuple[Chunk, ...]
    rows: dict[str, int]  # path → rows written
    recomputed_rows: dict[str, int]  # path → rows of recomputed chunks
    recomputed_entities: int


def _copy(src: UnbufferedReader, dst: BinaryIO, span: Span) -> None:
    for piece in src.pieces(span.offset, span.length):  # a chunk of a large output need not fit in memory
        dst.write(piece)


def _bounds(plan: ChunkPlan) -> list[tuple[int, int]]:
    """The pid range [lo, hi) of every chunk (pids are in ProductNumber order, like the chunks)."""
    starts = plan.chunk_ids.search_sorted(pl.Series(range(len(plan.firsts) + 1)), side="left").to_list()
    return list(zip(starts[:-1], starts[1:], strict=True))


def _resolved(index: Index, bounds: list[tuple[int, int]]) -> Iterator[pl.DataFrame]:
    """The rows of the entities of each pid range of ``bounds`` in turn, ready to write. Each range
    is resolved (winners, then rows) in a worker thread while the caller writes the one before
    (Polars releases the GIL), so resolution overlaps with encoding, hashing and the disk."""
    pids = index.entities.get_column("pid")

    def resolve(lo: int, hi: int) -> pl.DataFrame:
        # An empty cell is written as nothing.
        won = winners(index, pids.slice(lo, hi - lo))
        return rows(index, won).with_columns(pl.col(pl.String).replace("", None))

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(resolve, *bounds[0]) if bounds else None
        for k in range(len(bounds)):
            assert pending is not None
            current = pending.result()
            pending = pool.submit(resolve, *bounds[k + 1]) if k + 1 < len(bounds) else None
            yield current


def _fresh(frame: pl.DataFrame, files: Sequence[OutputFile], out: dict[str, BinaryIO],
           pool: ThreadPoolExecutor) -> dict[str, Span]:
    """Write a chunk's rows to every output, the files side by side (each file by one thread)."""
    def write(f: OutputFile) -> Span:
        part = f.select(frame)
        offset = out[f.path].tell()
        return Span(offset, write_rows(part, out[f.path]), part.height)

    return dict(zip((f.path for f in files), pool.map(write, files), strict=True))


def _copied(before: Sequence[Chunk], files: Sequence[OutputFile], out: dict[str, BinaryIO],
            old: dict[str, UnbufferedReader], pool: ThreadPoolExecutor) -> list[dict[str, Span]]:
    """Copy a run of clean chunks' bytes from the previous outputs, each file in one go — the run's
    spans lie end to end there — so the files are copied side by side without waiting for each
    other chunk by chunk (the copy is bound by the disk, and HQ holds half the bytes)."""
    def copy(f: OutputFile) -> list[Span]:
        spans = [c.spans[f.path] for c in before]
        moved, at = [], out[f.path].tell()
        for first, last in _end_to_end(spans):
            run = spans[first:last]
            _copy(old[f.path], out[f.path], Span(run[0].offset, sum(s.length for s in run), 0))
            moved += [Span(at + s.offset - run[0].offset, s.length, s.rows) for s in run]
            at += sum(s.length for s in run)
        return moved

    per_file = dict(zip((f.path for f in files), pool.map(copy, files), strict=True))
    return [{p: spans[k] for p, spans in per_file.items()} for k in range(len(before))]


def _end_to_end(spans: list[Span]) -> list[tuple[int, int]]:
    """[first, last) index ranges of ``spans`` that follow each other without a gap in their file."""
    return _ranges(len(spans), [k for k in range(1, len(spans))
                                if spans[k].offset != spans[k - 1].offset + spans[k - 1].length])


def _ranges(n: int, breaks: list[int]) -> list[tuple[int, int]]:
    """The [first, last) ranges that cut 0..n at ``breaks`` (ascending, each in 1..n-1)."""
    edges = [0, *breaks, n]
    return list(zip(edges[:-1], edges[1:], strict=True)) if n else []


def unchanged(plan: ChunkPlan, files: Sequence[OutputFile]) -> Written:
    """Nothing is dirty: the previous outputs stand as they are (verified), nothing is staged."""
    assert plan.previous is not None
    chunks = plan.previous.chunks
    totals = {f.path: sum(c.spans[f.path].rows for c in chunks) for f in files}
    return Written(chunks, totals, {f.path: 0 for f in files}, 0)


def write_chunks(index: Index, plan: ChunkPlan, files: Sequence[OutputFile], txn: Transaction,
                 previous: dict[str, Path]) -> Written:
    """Stream every output of ``files`` into ``txn`` (``previous``: path → the previous output file).
    An incremental sync with few dirty chunks encodes them first, and an output whose dirty chunks
    come out byte for byte as before is not written at all (a set of one channel edited leaves the
    other channels' files and often the search file as they are, without copying gigabytes)."""
    bounds = _bounds(plan)
    dirty = [i for i, d in enumerate(plan.dirty) if d]
    with ExitStack() as stack:
        resolved = _resolved(index, [bounds[i] for i in dirty])
        # Closed on the way out, so its worker is done before we return: a Polars query still
        # running after a Ctrl-C keeps Polars' interrupt flag up (toolkit.store.interrupts).
        stack.callback(resolved.close)
        few = plan.previous is not None and 0 < len(dirty) <= FEW_DIRTY_CHUNKS
        encoded = {i: _encoded(next(resolved), files) for i in dirty} if few else {}
        same = _unchanged_outputs(plan, files, encoded, previous)
        written = _stream(plan, bounds, [f for f in files if f.path not in same], txn, previous, resolved, encoded, stack)
    before = plan.previous.chunks if plan.previous is not None else ()  # an unchanged output keeps its spans
    chunks = [Chunk(plan.firsts[i], plan.hashes[i], {**spans, **{p: before[i].spans[p] for p in same}})
              for i, spans in enumerate(written)]
    totals = {f.path: sum(c.spans[f.path].rows for c in chunks) for f in files}
    fresh = {f.path: sum(chunks[i].spans[f.path].rows for i in dirty) for f in files}
    return Written(tuple(chunks), totals, fresh, sum(bounds[i][1] - bounds[i][0] for i in dirty))


def _encoded(frame: pl.DataFrame, files: Sequence[OutputFile]) -> dict[str, tuple[bytes, int]]:
    """A dirty chunk's bytes and rows in each output, in memory."""
    parts = {}
    for f in files:
        buf = BytesIO()
        part = f.select(frame)
        write_rows(part, buf)
        parts[f.path] = (buf.getvalue(), part.height)
    return parts


def _unchanged_outputs(plan: ChunkPlan, files: Sequence[OutputFile], encoded: dict[int, dict[str, tuple[bytes, int]]],
                       previous: dict[str, Path]) -> set[str]:
    """The outputs whose encoded dirty chunks are the bytes and rows they replace."""
    if not encoded or plan.previous is None:
        return set()
    same = set()
    for f in files:
        with UnbufferedReader(previous[f.path]) as src:
            if all(_same_bytes(src, plan.previous.chunks[i].spans[f.path], *parts[f.path])
                   for i, parts in encoded.items()):
                same.add(f.path)
    return same


def _same_bytes(src: UnbufferedReader, span: Span, data: bytes, rows: int) -> bool:
    if (span.length, span.rows) != (len(data), rows):
        return False
    at = 0
    for piece in src.pieces(span.offset, span.length):
        if piece != data[at:at + len(piece)]:
            return False
        at += len(piece)
    return True


def _stream(plan: ChunkPlan, bounds: list[tuple[int, int]], files: Sequence[OutputFile], txn: Transaction,
            previous: dict[str, Path], resolved: Iterator[pl.DataFrame], encoded: dict[int, dict[str, tuple[bytes, int]]],
            stack: ExitStack) -> list[dict[str, Span]]:
    """Write ``files`` chunk by chunk: dirty chunks from ``encoded`` or resolved now, clean runs
    copied. Returns each chunk's spans in these files."""
    written: list[dict[str, Span]] = []
    if not files:
        return [{} for _ in bounds]
    # Gigabytes that commit renames and nothing reads back soon: past the page cache.
    out = {f.path: stack.enter_context(txn.open_write(f.path, cached=False)) for f in files}
    old = {} if all(plan.dirty) else {p: stack.enter_context(UnbufferedReader(previous[p])) for p in out}
    # The big HQ file and the CSU files at once. Entered last, so left first: on an error its
    # threads are done before the files they write are closed (and the staged ones removed).
    writers = stack.enter_context(ThreadPoolExecutor(min(max(3, len(files)), 8)))
    for f in files:
        out[f.path].write(f.header())
    for first, last in _runs(plan.dirty):
        if first in encoded:
            written.append({f.path: _put(out[f.path], *encoded[first][f.path]) for f in files})
        elif plan.dirty[first]:
            written.append(_fresh(next(resolved), files, out, writers))
        else:
            assert plan.previous is not None
            written += _copied(plan.previous.chunks[first:last], files, out, old, writers)
    return written


def _put(out: BinaryIO, data: bytes, rows: int) -> Span:
    offset = out.tell()
    out.write(data)
    return Span(offset, len(data), rows)


def _runs(dirty: list[bool]) -> list[tuple[int, int]]:
    """[first, last) chunk ranges to write in one step: each dirty chunk alone, clean ones in runs."""
    return _ranges(len(dirty), [k for k in range(1, len(dirty)) if dirty[k] or dirty[k - 1]])
