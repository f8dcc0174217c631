"""Two edits of an export of product 93039's assignments, scripted with Polars as a user would.

    python edit_jeans.py ours jeans.tsv jeans-ours.tsv       # show the back view first
    python edit_jeans.py theirs jeans.tsv jeans-theirs.tsv   # take the care guide off the online store

``omm demo`` copies this file into its workspace and runs these same functions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

from toolkit import read_manifest, write_manifest


def back_view_first(rows: pl.DataFrame) -> pl.DataFrame:
    master = ((pl.col("EntityType") == "Product|Master") & (pl.col("EntityKeyValue") == "93039")
              & pl.col("EntityChannel").is_null() & (pl.col("EntityLocale") == "system_neutral")
              & (pl.col("MediaGroup") == "Primary"))
    order = pl.col("MediaDisplayOrder")
    swapped = pl.when(master & order.is_in(["1", "2"])).then(order.replace({"1": "2", "2": "1"})).otherwise(order)
    return rows.with_columns(swapped.alias("MediaDisplayOrder"))


def no_care_guide_online(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.remove((pl.col("EntityChannel") == "OUN00001") & (pl.col("MediaPurpose") == "Care guide"))


EDITS: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {"ours": back_view_first, "theirs": no_care_guide_online}


def edit(name: str, source: str | Path, target: str | Path) -> None:
    """Apply edit ``name`` to the manifest ``source`` and write it, canonically, to ``target``."""
    manifest = read_manifest(source)
    write_manifest(EDITS[name](manifest.frame), target, kind=manifest.kind)


if __name__ == "__main__":
    edit(*sys.argv[1:4])
