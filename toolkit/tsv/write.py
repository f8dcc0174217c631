"""Canonical, deterministic manifest bytes and atomic writes (SPEC §3)."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

import polars as pl

from toolkit.errors import UsageError
from toolkit.kinds import Kind

ENCODINGS = ("utf-8", "utf-16")


def column_order(columns: list[str] | tuple[str, ...], kind: Kind) -> list[str]:
    """Schema columns in schema order, then unknown columns in their original order."""
    present = set(columns)
    known = [c for c in kind.column_names if c in present]
    return known + [c for c in columns if c not in set(kind.column_names)]


def sort_expressions(frame: pl.DataFrame, kind: Kind) -> list[pl.Expr]:
    """Sort columns (the key): integers numerically, enumerations in schema order, text as text."""
    exprs: list[pl.Expr] = []
    for name in kind.sort:
        col = kind.column(name)
        if name not in frame.columns or col is None:
            continue
        e = pl.col(name)
        if col.type == "integer":
            exprs += [e.cast(pl.Int64, strict=False), e]
        elif col.enum:
            exprs += [e.replace_strict({v: i for i, v in enumerate(col.enum)}, default=len(col.enum),
                                       return_dtype=pl.Int32), e]
        else:
            exprs.append(e)
    return exprs


def canonical_frame(frame: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    ordered = frame.select(column_order(frame.columns, kind))
    keys = sort_expressions(ordered, kind)
    # Nulls first: Omnichannel (an empty channel) is the base every channel inherits from.
    return ordered.sort(keys, nulls_last=False, maintain_order=True) if keys and ordered.height else ordered


def to_bytes(frame: pl.DataFrame, kind: Kind, encoding: str = "utf-8", *, sort: bool = True) -> bytes:
    """The canonical bytes of ``frame`` (already canonicalized values) as manifest ``kind``.
    ``sort=False`` keeps the row order (a result manifest follows its input, a history its appends)."""
    if encoding not in ENCODINGS:
        raise UsageError(f"unknown encoding {encoding!r}", "use utf-8 or utf-16")
    # An empty string and a missing value are the same cell; write both as nothing, never "".
    frame = frame.with_columns(pl.col(pl.String).replace("", None))
    ordered = canonical_frame(frame, kind) if sort else frame.select(column_order(frame.columns, kind))
    text = ordered.write_csv(
        separator="\t", quote_style="necessary", line_terminator="\n", null_value="", include_header=True
    ).encode("utf-8")
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.decode("utf-8").encode("utf-16-le")
    return text


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import (single-threaded), since reading it means setting it for a moment.
_UMASK = _read_umask()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); keep the mode a replaced file had, else the umask's.
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
