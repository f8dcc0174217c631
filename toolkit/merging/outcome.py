"""From decided keys to a plan: the merged manifest, what was taken from which side, the counts."""

from __future__ import annotations

import polars as pl

from toolkit.merging.frames import KEEP, OURS, THEIRS, UNRESOLVED, cell, line, merged, present
from toolkit.merging.inputs import Inputs
from toolkit.merging.result import MergePlan, MergeSummary
from toolkit.tsv.write import canonical_frame, sort_expressions

_VS_OURS, _VS_THEIRS = "\x1evs_ours", "\x1evs_theirs"


def _changed(side: str, column: str) -> pl.Expr:
    return pl.col(merged(column)).ne_missing(pl.col(cell(side, column)))


def _differs_from(inp: Inputs, side: str) -> pl.Expr:
    """The merged manifest differs from ``side`` at this key: a row gained, lost or changed."""
    changed = [_changed(side, c) for c in inp.values]
    values = pl.any_horizontal(changed) if changed else pl.lit(False)
    return pl.col(KEEP).ne(present(side)) | (pl.col(KEEP) & values)


def _op(side: str) -> pl.Expr:
    """What the merged row is compared with ``side``'s (the side not taken)."""
    return (pl.when(pl.col(KEEP) & ~present(side)).then(pl.lit("added"))
            .when(~pl.col(KEEP)).then(pl.lit("removed")).otherwise(pl.lit("changed")))


def _columns(inp: Inputs, taken: pl.Expr) -> pl.Expr:
    """The changed columns of a changed row, compared with the side(s) not taken."""
    vs_ours, vs_theirs = taken.is_in(["theirs", "both"]), taken.is_in(["ours", "both"])
    names = [pl.when((vs_ours & _changed(OURS, c)) | (vs_theirs & _changed(THEIRS, c))).then(pl.lit(c))
             for c in inp.values]
    if not names:
        return pl.lit("")
    return pl.concat_list(names).list.drop_nulls().list.join(", ")


def _entries(inp: Inputs, frame: pl.DataFrame) -> pl.DataFrame:
    vs_ours, vs_theirs = pl.col(_VS_OURS), pl.col(_VS_THEIRS)
    taken = (pl.when(vs_ours & vs_theirs).then(pl.lit("both"))
             .when(vs_ours).then(pl.lit("theirs")).otherwise(pl.lit("ours")))
    rows = frame.filter((vs_ours | vs_theirs) & ~pl.col(UNRESOLVED)).with_columns(taken.alias("taken"))
    t = pl.col("taken")
    op = pl.when(t == "ours").then(_op(THEIRS)).otherwise(_op(OURS))
    rows = rows.with_columns(op.alias("op")).with_columns(
        pl.when(pl.col("op") == "changed").then(_columns(inp, t)).otherwise(pl.lit("")).alias("columns"))
    sort_values = [pl.coalesce(pl.col(merged(c)), pl.col(cell(OURS, c)), pl.col(cell(THEIRS, c))).alias(c)
                   for c in inp.kind.sort if c in inp.values]
    rows = rows.select(*inp.key, *sort_values, "taken", "op", "columns",
                       pl.col(line(OURS)).alias("ours_line"), pl.col(line(THEIRS)).alias("theirs_line"))
    if rows.height:
        rows = rows.sort([*sort_expressions(rows, inp.kind), *inp.key], nulls_last=False, maintain_order=True)
    return rows.select(*inp.key, "taken", "op", "columns", "ours_line", "theirs_line")


def build(inp: Inputs, frame: pl.DataFrame, conflicts: pl.DataFrame, policy: str) -> MergePlan:
    """The plan of a decided merge (``frame``: the joined keys with KEEP, merged values, UNRESOLVED)."""
    frame = frame.with_columns(_differs_from(inp, OURS).alias(_VS_OURS), _differs_from(inp, THEIRS).alias(_VS_THEIRS))
    out = frame.filter(pl.col(KEEP)).select(
        [pl.col(c) if c in inp.key else pl.col(merged(c)).alias(c) for c in inp.columns])
    settled = ~pl.col(UNRESOLVED)
    counts = frame.select((pl.col(_VS_THEIRS) & settled).sum().alias("ours"),
                          (pl.col(_VS_OURS) & settled).sum().alias("theirs")).row(0)
    n_conflicts = conflicts.get_column("ConflictId").n_unique() if conflicts.height else 0
    summary = MergeSummary(out.height, int(counts[0]), int(counts[1]), n_conflicts)
    paths = inp.paths
    return MergePlan(kind=inp.kind.name, key=inp.key, mode="three-way" if inp.three_way else "two-way",
                     policy=policy, ours=paths[OURS], theirs=paths[THEIRS], base=paths.get("b"), summary=summary,
                     merged=canonical_frame(out, inp.kind), entries=_entries(inp, frame), conflicts=conflicts)
