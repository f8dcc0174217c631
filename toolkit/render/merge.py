"""Renderers of ``omm merge`` results (text lines built as Polars expressions, one per entry)."""

from __future__ import annotations

import polars as pl

from toolkit.merging import MergeResult
from toolkit.merging.frames import key_text
from toolkit.render.common import to_json

FORMATS = ("text", "json")


def json(result: MergeResult) -> str:
    return to_json(result.to_dict())


def _shown(column: str) -> pl.Expr:
    """A value as messages show it: quoted, or ``(empty)``."""
    return (pl.lit("'") + pl.col(column) + pl.lit("'")).fill_null(pl.lit("(empty)"))


def _lines(result: MergeResult) -> pl.Expr:
    """``(ours line 3, theirs line 4, base line 3)``: where the rows of a conflict are."""
    parts = [pl.lit(f"{side} line ") + pl.col(name).cast(pl.String)
             for side, name in (("ours", "OursLine"), ("theirs", "TheirsLine"), ("base", "BaseLine"))]
    return pl.lit(" (") + pl.concat_list(parts).list.drop_nulls().list.join(", ") + pl.lit(")")


def _conflict_lines(result: MergeResult) -> list[str]:
    plan = result.plan
    if not plan.conflicts.height:
        return []
    values = pl.lit(": ") + pl.col("Column") + pl.lit(": ")
    values = values + (pl.lit("base ") + _shown("Base") + pl.lit(", ") if plan.base is not None else pl.lit("")) \
        + pl.lit("ours ") + _shown("Ours") + pl.lit(", theirs ") + _shown("Theirs")
    row = (pl.when(pl.col("Conflict") == "removed_by_ours").then(pl.lit(": ours removed the row, theirs edited it"))
           .when(pl.col("Conflict") == "removed_by_theirs").then(pl.lit(": theirs removed the row, ours edited it"))
           .when(pl.col("Conflict") == "only_ours").then(pl.lit(": a row of the set only ours has"))
           .otherwise(pl.lit(": a row of the set only theirs has")))
    text = (pl.lit("conflict ") + pl.col("ConflictId").cast(pl.String) + pl.lit(" ") + pl.col("Conflict")
            + pl.lit(": ") + key_text(plan.key) + pl.when(pl.col("Column").is_not_null()).then(values).otherwise(row)
            + _lines(result))
    return plan.conflicts.select(text.alias("line")).get_column("line").to_list()


def _entry_lines(result: MergeResult) -> list[str]:
    entries = result.plan.entries
    if not entries.height:
        return []
    text = (pl.col("taken").str.pad_end(6) + pl.lit(" ") + pl.col("op").str.pad_end(7) + pl.lit(" ")
            + key_text(result.plan.key)
            + pl.when(pl.col("columns") != "").then(pl.lit(": ") + pl.col("columns")).otherwise(pl.lit("")))
    return entries.select(text.alias("line")).get_column("line").to_list()


def text(result: MergeResult) -> str:
    """With --plan, every key taken from a side (``taken op key: columns``) and every conflict;
    otherwise the conflicts that stop the merge (nothing when it succeeded)."""
    lines = _entry_lines(result) if result.planned else []
    if result.planned or result.unresolved:
        lines += _conflict_lines(result)
    return "\n".join(lines) + ("\n" if lines else "")


def summary(result: MergeResult) -> str:
    """The one line for the person at the terminal (stderr)."""
    s = result.summary
    taken = f"{s.taken_ours} taken from ours, {s.taken_theirs} from theirs"
    found = f"{s.conflicts} conflict{'' if s.conflicts == 1 else 's'}"
    if result.planned:
        verdict = "would stop the merge" if result.unresolved else f"resolved by {result.plan.policy}"
        tail = f", {found} ({verdict})" if s.conflicts else ""
        return f"plan: {s.rows} rows, {taken}{tail}; nothing written"
    if result.unresolved:
        return (f"✗ {found}; nothing merged, see {result.conflicts_file} "
                "(or pick a side with --on-conflict keep|replace|latest)")
    tail = f"; {found} resolved by {result.plan.policy}" if s.conflicts else ""
    return f"✓ merged {s.rows} rows into {result.output}: {taken}{tail}"
