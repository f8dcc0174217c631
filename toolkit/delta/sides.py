"""The two inputs of a diff, each read one of two ways behind one interface.

A :class:`MemorySide` holds the file as a frame (any encoding, quoting, line layout); a
:class:`StreamSide` scans a plain UTF-8 file twice with Polars' streaming engine — once for two
hashes per row, once more for the few rows that differ — so a 10M-row manifest never sits in
memory. Either way only the key columns are spelled canonically up front; the other cells are
hashed as written and canonicalized only in the rows whose hashes differ (most rows never are).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import polars as pl

from toolkit.errors import InputError, ManifestStructureError
from toolkit.kinds import Kind, detect_kind, get_kind
from toolkit.tokens import absent_value, canonicalize, spelled_canonically
from toolkit.tsv import Manifest, read_manifest
from toolkit.tsv.parse import count_byte_in_file, has_quoted_fields, ragged_end_of_file, read_header

from .result import LINE

IDX = "__idx"
# Above this many bytes (both files together) a diff streams instead of loading both files.
STREAM_BYTES = 1_500_000_000


class Side(Protocol):
    path: str
    kind: Kind
    header: tuple[str, ...]

    def hashes(self, union: tuple[str, ...], key: tuple[str, ...], compared: tuple[str, ...], seed: int
               ) -> pl.DataFrame:
        """Per row: IDX, ``k`` (key hash), ``r`` (hash of the compared cells) and ``clean``
        (the key is spelled canonically, so ``k`` is the hash of the canonical key)."""
        ...

    def rows(self, idx: pl.Series, union: tuple[str, ...]) -> pl.DataFrame:
        """The rows at ``idx`` (in that order), spelled canonically, with :data:`LINE`."""
        ...

    def key_hashes(self, rows: pl.DataFrame, key: tuple[str, ...], seed: int) -> pl.Series:
        """``k`` for rows of canonical values, computed exactly as :meth:`hashes` does."""
        ...


def key_hash(key: tuple[str, ...], seed: int) -> pl.Expr:
    return pl.struct(list(key)).hash(seed).alias("k")


def _complete(lf: pl.LazyFrame, present: tuple[str, ...], union: tuple[str, ...], kind: Kind) -> pl.LazyFrame:
    """Columns the file lacks, as what their absence means (Neutral for a neutral locale)."""
    missing = [c for c in union if c not in present]
    values = {c: absent_value(col) if (col := kind.column(c)) else None for c in missing}
    return lf.with_columns(pl.lit(v, pl.String).alias(c) for c, v in values.items()) if missing else lf


def _clean(kind: Kind, union: tuple[str, ...], key: tuple[str, ...]) -> pl.Expr:
    flags = [e for c in kind.columns if c.name in key and (c.token != "entity_key_value" or "EntityType" in union)
             and (e := spelled_canonically(c)) is not None]
    return (pl.all_horizontal(flags).fill_null(False) if flags else pl.lit(True)).alias("clean")


def _canonical_rows(frame: pl.DataFrame, union: tuple[str, ...], kind: Kind) -> pl.DataFrame:
    full = _complete(frame.lazy(), tuple(frame.columns), union, kind).collect()
    return canonicalize(full, kind)[0].select(*union, LINE)


@dataclass(frozen=True)
class MemorySide:
    path: str
    kind: Kind
    header: tuple[str, ...]
    manifest: Manifest  # read with no canonical spelling: values as written

    def hashes(self, union: tuple[str, ...], key: tuple[str, ...], compared: tuple[str, ...], seed: int
               ) -> pl.DataFrame:
        frame = _complete(self.manifest.frame.lazy(), self.header, union, self.kind).collect()
        # DataFrame.hash_rows is about twice as fast as hashing a struct; both sides use it.
        return pl.DataFrame([
            pl.int_range(frame.height, dtype=pl.UInt32, eager=True).alias(IDX),
            frame.select(key).hash_rows(seed).alias("k"),
            frame.select(sorted(compared)).hash_rows(seed + 1).alias("r"),
            frame.with_columns(_clean(self.kind, union, key)).get_column("clean"),
        ])

    def key_hashes(self, rows: pl.DataFrame, key: tuple[str, ...], seed: int) -> pl.Series:
        return rows.select(key).hash_rows(seed).alias("k")

    def rows(self, idx: pl.Series, union: tuple[str, ...]) -> pl.DataFrame:
        m = self.manifest
        # Gather first: numbering every row of a large file to keep a few would cost more.
        lines = m.lines.gather(idx) if m.lines is not None else idx.cast(pl.Int64) + 2
        picked = m.frame[idx].with_columns(lines.cast(pl.Int64).alias(LINE))
        return _canonical_rows(picked, union, self.kind)


@dataclass(frozen=True)
class StreamSide:
    path: str
    kind: Kind
    header: tuple[str, ...]

    def _scan(self) -> pl.LazyFrame:
        return pl.scan_csv(self.path, separator="\t", has_header=True, infer_schema=False, quote_char=None,
                           empty_string_is_null=True, truncate_ragged_lines=False).with_row_index(IDX)

    def hashes(self, union: tuple[str, ...], key: tuple[str, ...], compared: tuple[str, ...], seed: int
               ) -> pl.DataFrame:
        lf = _complete(self._scan(), self.header, union, self.kind)
        short = pl.col(self.header[-1]).is_null().alias("__short")
        try:
            frame = lf.select(pl.col(IDX), key_hash(key, seed), pl.struct(sorted(compared)).hash(seed + 1).alias("r"),
                              _clean(self.kind, union, key), short).collect(engine="streaming")
        except pl.exceptions.PolarsError as exc:
            raise _structure_error(self.path) from exc
        if ragged_end_of_file(self.path, len(self.header)):  # read as whole by the scan: see Layout
            raise _structure_error(self.path)
        if frame.get_column("__short").any():
            self._prove_rows(frame.height)
        return frame.drop("__short")

    def key_hashes(self, rows: pl.DataFrame, key: tuple[str, ...], seed: int) -> pl.Series:
        return rows.select(key_hash(key, seed)).to_series()

    def _prove_rows(self, rows: int) -> None:
        # A short row reads as nulls at its end; only the tab count tells it from empty cells.
        if count_byte_in_file(self.path, b"\t") != (len(self.header) - 1) * (rows + 1):
            raise _structure_error(self.path)

    def rows(self, idx: pl.Series, union: tuple[str, ...]) -> pl.DataFrame:
        order = pl.DataFrame({IDX: idx.cast(pl.UInt32)})
        # The cast to Categorical copies each kept value out of the chunk it was read in; kept
        # as strings, a few rows of every chunk would hold the whole file in memory.
        picked = (self._scan().filter(pl.col(IDX).is_in(order.get_column(IDX).implode()))
                  .with_columns(pl.col(self.header).cast(pl.Categorical))
                  .collect(engine="streaming")
                  .with_columns(pl.col(self.header).cast(pl.String), (pl.col(IDX).cast(pl.Int64) + 2).alias(LINE)))
        aligned = order.join(picked, on=IDX, how="left", maintain_order="left").drop(IDX)
        return _canonical_rows(aligned, union, self.kind)


def _structure_error(path: str) -> ManifestStructureError:
    return ManifestStructureError(f"{path}: the file has rows with the wrong number of fields or bytes that are "
                                  "not UTF-8", f"run omm validate {path} to list each broken line")


def streamable(path: Path) -> bool:
    """Plain unquoted UTF-8 (no BOM) is what the streaming scan reads exactly like the full reader."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if not head or head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            return False
        # Read in chunks rather than mapped: mapping would count the whole file as resident.
        fh.seek(0)
        last = b"\n"  # a quote opening the file opens a field too
        while chunk := fh.read(1 << 24):
            if has_quoted_fields(last + chunk):
                return False
            last = chunk[-1:]
    return True


def should_stream(paths: list[Path]) -> bool:
    """Stream when the files together would not sit comfortably in memory as frames."""
    size = sum(p.stat().st_size for p in paths)
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        ram = 8 << 30
    # A frame of strings takes about 3.5× its file: stream once that would pass a quarter of RAM.
    return size > min(STREAM_BYTES, ram // 14)


def empty_side(path: str, like: Side | Kind) -> MemorySide:
    """No rows, with ``like``'s header: a file that is not there, or an empty one."""
    kind = like if isinstance(like, Kind) else like.kind
    header = tuple(kind.key) if isinstance(like, Kind) else like.header
    m = Manifest(path, kind, pl.DataFrame(schema={c: pl.String for c in header}), header, None, "utf-8", ())
    return MemorySide(path, kind, header, m)


def is_empty(path: Path) -> bool:
    """A file with nothing but whitespace (not even a header): an empty manifest, e.g. /dev/null."""
    with path.open("rb") as fh:
        return not fh.read(4096).strip()


def open_side(path: str, kind: str | None, stream: bool) -> Side:
    """Read (or prepare to scan) one input of a diff."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file", "check the path")
    if stream:
        with p.open("rb") as fh:
            header = read_header(fh.read(1 << 20), path)
        k = get_kind(kind or detect_kind(header, path))
        return StreamSide(path, k, header)
    m = read_manifest(path, kind, canonical=())
    return MemorySide(path, m.kind, m.header, m)
