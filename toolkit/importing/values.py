"""Column-wise values an import computes: new ids, parsed timestamps, missing columns filled."""

from __future__ import annotations

import os
from collections.abc import Iterable

import polars as pl

_TS = "%Y-%m-%dT%H:%M:%S%.fZ"


def new_ids(n: int) -> pl.Series:
    """``n`` random (version 4) UUIDs, made column-wise from one block of random bytes."""
    if n == 0:
        return pl.Series("id", [], pl.String)
    # One block of random hex cut into 32-digit pieces (linear; slicing one literal per row is not).
    raw = pl.col("raw")
    variant = pl.lit("89ab").str.slice(raw.str.slice(16, 1).str.to_integer(base=16) % 4, 1)
    uuid = pl.concat_str([raw.str.slice(0, 8), pl.lit("-"), raw.str.slice(8, 4), pl.lit("-4"), raw.str.slice(13, 3),
                          pl.lit("-"), variant, raw.str.slice(17, 3), pl.lit("-"), raw.str.slice(20, 12)])
    pieces = pl.Series("raw", [os.urandom(16 * n).hex()]).str.extract_all(".{32}").explode()
    return pl.DataFrame([pieces]).select(uuid.alias("id")).to_series()


def timestamp(col: str | pl.Expr) -> pl.Expr:
    """A canonical timestamp column as a UTC datetime (null when empty), for ordering."""
    e = pl.col(col) if isinstance(col, str) else col
    return e.str.strptime(pl.Datetime("us", "UTC"), _TS, strict=False)


def as_int(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Int64, strict=False)


def with_columns(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """``frame`` with every column of ``columns`` present (absent ones as empty strings)."""
    missing = [c for c in columns if c not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing) if missing else frame


def or_default(col: str, default: str) -> pl.Expr:
    return pl.col(col).fill_null(pl.lit(default))


def suffixed(frame: pl.DataFrame, columns: Iterable[str], suffix: str) -> pl.DataFrame:
    return frame.select(pl.col(c).alias(c + suffix) for c in columns)


def prune_columns(frame: pl.DataFrame, original: list[str]) -> pl.DataFrame:
    """Keep a store's own columns and the new ones that hold a value (not every schema column)."""
    filled = frame.select(pl.all().is_not_null().any()).row(0, named=True) if frame.height else {}
    return frame.select([c for c in frame.columns if c in original or filled.get(c)])
