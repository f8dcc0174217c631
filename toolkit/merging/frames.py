"""Names and expressions every merge step shares.

The sides of a merge are joined into one wide frame: key columns under their own names, every
other column once per side under :func:`cell` (``o``, ``t``, ``b`` for ours, theirs, base), and
the file line of each side's row under :func:`line`. The separators are control characters, so
no column a manifest can hold collides with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

OURS, THEIRS, BASE = "o", "t", "b"
KEEP = "\x1ekeep"  # the merged manifest holds this key
UNRESOLVED = "\x1eunresolved"  # the key is in a conflict that stops the merge (policy fail)
POLICIES = ("fail", "keep", "replace", "latest")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.fZ"


def cell(side: str, column: str) -> str:
    """The joined frame's name of ``column`` as ``side`` holds it."""
    return f"{side}\x1f{column}"


def merged(column: str) -> str:
    """The joined frame's name of ``column`` as the merge decides it."""
    return cell("m", column)


def line(side: str) -> str:
    """The joined frame's name of the file line ``side``'s row starts on (null: not on that side)."""
    return f"{side}\x1eline"


def present(side: str) -> pl.Expr:
    return pl.col(line(side)).is_not_null()


def any_of(exprs: Iterable[pl.Expr]) -> pl.Expr:
    """True where any expression is; False when there are none (e.g. a key-only manifest)."""
    items = list(exprs)
    return pl.any_horizontal(items) if items else pl.lit(False)


def differs(a: str, b: str, columns: Sequence[str]) -> pl.Expr:
    """Whether side ``a``'s row and side ``b``'s row differ in any of ``columns`` (nulls compare)."""
    return any_of(pl.col(cell(a, c)).ne_missing(pl.col(cell(b, c))) for c in columns)


def timestamp(expr: pl.Expr) -> pl.Expr:
    """A canonical UTC timestamp string as a datetime; unreadable or missing values are null."""
    return expr.str.to_datetime(_TIME_FORMAT, strict=False, time_unit="us", time_zone="UTC")


def later(newer: pl.Expr, older: pl.Expr) -> pl.Expr:
    """Whether timestamp ``newer`` is strictly later than ``older``; a missing time is the
    earliest of all, so two missing times (a tie) are never later."""
    return (newer > older).fill_null(newer.is_not_null() & older.is_null())


def key_text(key: Sequence[str]) -> pl.Expr:
    """``Col=value, …`` of the key's non-empty parts: how a key is named in messages."""
    parts = [pl.when(pl.col(c).is_not_null()).then(pl.lit(f"{c}=") + pl.col(c)) for c in key]
    return pl.concat_list(parts).list.drop_nulls().list.join(", ")
