"""Finding a key that a manifest holds more than once (diff, patch and merge all refuse one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl


@dataclass(frozen=True)
class DuplicateKey:
    """The duplicated key that appears first in the file, where it stands, and how many others there are."""

    values: dict[str, Any]  # key column → value (None for an empty cell)
    lines: tuple[int, ...]  # every line holding it, in file order
    others: int  # further keys that are duplicated too


def first_duplicate(frame: pl.DataFrame, key: tuple[str, ...], line: str) -> DuplicateKey | None:
    """The earliest duplicated key of ``frame`` (nulls compare equal), or None when every key is unique."""
    repeated = pl.struct(list(key)).is_duplicated()
    if not frame.height or not frame.select(repeated.any()).item():
        return None  # the common case, answered without grouping every key
    groups = (frame.filter(repeated).group_by(list(key)).agg(pl.col(line).sort().alias("__lines"))
              .sort(pl.col("__lines").list.first()))
    first = groups.row(0, named=True)
    return DuplicateKey({k: first[k] for k in key}, tuple(first["__lines"]), groups.height - 1)
