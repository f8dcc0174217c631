"""The conflict manifest: one row per conflicting cell or row, numbered by conflict.

Columns: ``ConflictId`` (1, 2, …; the rows of one conflict share it — a two-way conflict over a
whole row or assignment set spans one row per differing cell), ``Conflict`` (what kind of
conflict), the key columns, ``Column`` (empty for a conflict about a whole row), ``Base``,
``Ours``, ``Theirs`` (the cell's values; empty where the side has no value or no row) and
``BaseLine``, ``OursLine``, ``TheirsLine`` (the file line of the row on each side, header = 1).

Conflict kinds: ``differs`` (two-way: the key on both sides with other values in Column),
``only_ours`` / ``only_theirs`` (two-way, assignments: a row of a conflicting set that one side
lacks), ``edited`` (three-way: both sides changed the cell, differently), ``added`` (three-way:
both sides added the key, with other values in Column), ``removed_by_ours`` /
``removed_by_theirs`` (three-way: one side removed a row the other edited).
"""

from __future__ import annotations

import polars as pl

from toolkit.merging.frames import BASE, OURS, THEIRS, cell, line
from toolkit.merging.inputs import CONFLICT_COLUMNS, Inputs
from toolkit.tsv.write import sort_expressions

UNIT = "\x1eunit"  # which conflict a row belongs to (rows of one two-way conflict share it)
_POS = "\x1epos"  # the column's place in the record, so a conflict's cells keep column order


def _value(inp: Inputs, side: str, column: str | None) -> pl.Expr:
    if column is None or (side == BASE and not inp.three_way):
        return pl.lit(None, pl.String)
    return pl.col(cell(side, column))


def _line(inp: Inputs, side: str) -> pl.Expr:
    return pl.col(line(side)) if side != BASE or inp.three_way else pl.lit(None, pl.Int64)


def _sort_helpers(inp: Inputs) -> list[pl.Expr]:
    """Values of the kind's sort columns that are not key columns (e.g. MediaDisplayOrder), so
    conflicts are listed in the order the manifest is written."""
    sides = [OURS, THEIRS, BASE] if inp.three_way else [OURS, THEIRS]
    return [pl.coalesce([pl.col(cell(s, c)) for s in sides]).alias(c)
            for c in inp.kind.sort if c in inp.values]


def part(inp: Inputs, joined: pl.DataFrame, mask: pl.Expr, conflict: pl.Expr | str, column: str | None,
         unit: pl.Expr | None = None) -> pl.DataFrame:
    """The conflict rows ``mask`` selects, about ``column`` (None: about the whole row); rows
    with the same ``unit`` are one conflict (None: each row is a conflict of its own)."""
    pos = -1 if column is None else inp.values.index(column)
    return joined.filter(mask).select(
        *inp.key, *_sort_helpers(inp),
        (pl.lit(conflict) if isinstance(conflict, str) else conflict).alias("Conflict"),
        pl.lit(column, pl.String).alias("Column"),
        *[_value(inp, s, column).alias(n) for s, n in ((BASE, "Base"), (OURS, "Ours"), (THEIRS, "Theirs"))],
        *[_line(inp, s).alias(n) for s, n in ((BASE, "BaseLine"), (OURS, "OursLine"), (THEIRS, "TheirsLine"))],
        (pl.lit(None, pl.UInt64) if unit is None else unit.cast(pl.UInt64)).alias(UNIT), pl.lit(pos, pl.Int64).alias(_POS),
    )


def number(inp: Inputs, parts: list[pl.DataFrame]) -> pl.DataFrame:
    """All conflict rows in manifest order, numbered: the ``ConflictId`` of a conflict is its
    place among conflicts by first appearance."""
    frame = pl.concat(parts, how="vertical_relaxed") if parts else _empty(inp)
    if frame.height:
        order = [*sort_expressions(frame, inp.kind), *inp.key, _POS]
        frame = frame.sort(order, nulls_last=False, maintain_order=True)
    row = pl.col("\x1erow")
    frame = frame.with_row_index("\x1erow").with_columns(
        pl.coalesce(UNIT, row.cast(pl.UInt64)).alias(UNIT))  # no unit: a conflict of its own
    first = row.min().over(UNIT)
    frame = frame.with_columns(first.rank("dense").cast(pl.Int64).alias("ConflictId"))
    ordered = frame.sort("ConflictId", "\x1erow")
    return ordered.select("ConflictId", "Conflict", *inp.key, *CONFLICT_COLUMNS[2:])


def _empty(inp: Inputs) -> pl.DataFrame:
    strings = [*inp.key, *(c for c in inp.kind.sort if c in inp.values), "Conflict", "Column", "Base", "Ours",
               "Theirs"]
    return pl.DataFrame(schema={**dict.fromkeys(strings, pl.String), "BaseLine": pl.Int64, "OursLine": pl.Int64,
                                "TheirsLine": pl.Int64, UNIT: pl.UInt64, _POS: pl.Int64})


def manifest_bytes(conflicts: pl.DataFrame) -> bytes:
    """The conflict manifest as written: UTF-8, LF, tab-separated, quoted only where needed."""
    return conflicts.write_csv(separator="\t", quote_style="necessary", line_terminator="\n", null_value="",
                               include_header=True).encode("utf-8")
