"""Two-way merge (no base): whole rows — for assignments whole sets — from one side.

A *unit* is what the policy decides at once: a row (its key), or for assignments an assignment
set (set key + publish state), because an assignment manifest speaks in whole sets (SPEC §4) and
half of one set mixed with half of another is a gallery nobody made. A unit only one side holds
is taken from it; a unit both hold and that differs in any row (a value, or a row one side lacks)
is one conflict. Differences in the LastModifiedOn column alone are no conflict: the later side
is taken.
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import ASSIGNMENT_STATE
from toolkit.merging import conflicts
from toolkit.merging.frames import KEEP, OURS, THEIRS, UNRESOLVED, cell, differs, later, merged, present, timestamp
from toolkit.merging.inputs import Inputs

_U_DIFF, _U_OURS, _U_THEIRS, _U_LATER = "\x1eu_diff", "\x1eu_ours", "\x1eu_theirs", "\x1eu_later"


def _unit(inp: Inputs) -> list[pl.Expr]:
    """The columns a unit is known by: the key, or for assignments the set key and state (a
    non-key column — possible with --key — is read from whichever side holds the row)."""
    if inp.kind.name != "assignments":
        return [pl.col(c) for c in inp.key]
    names = [*inp.kind.set_key, ASSIGNMENT_STATE]
    return [pl.col(c) if c in inp.key else pl.coalesce(cell(OURS, c), cell(THEIRS, c)) for c in names
            if c in inp.key or c in inp.values]


def _flags(inp: Inputs) -> list[pl.Expr]:
    """Per row, facts about its unit: differs, held by ours / theirs, theirs modified later."""
    unit = _unit(inp)

    def per_unit(expr: pl.Expr, agg: str) -> pl.Expr:
        # A unit of one row (every kind but assignments) needs no window: the row is its unit.
        return getattr(expr, agg)().over(unit) if inp.kind.name == "assignments" else expr

    in_o, in_t = present(OURS), present(THEIRS)
    compared = [c for c in inp.values if c != inp.lmo]
    row_differs = (in_o & in_t & differs(OURS, THEIRS, compared)) | (in_o ^ in_t)
    if inp.lmo:
        newest_o = per_unit(timestamp(pl.col(cell(OURS, inp.lmo))), "max")
        newest_t = per_unit(timestamp(pl.col(cell(THEIRS, inp.lmo))), "max")
        theirs_later = later(newest_t, newest_o)
    else:
        theirs_later = pl.lit(False)
    return [per_unit(row_differs, "any").alias(_U_DIFF), per_unit(in_o, "any").alias(_U_OURS),
            per_unit(in_t, "any").alias(_U_THEIRS), theirs_later.alias(_U_LATER)]


def _take_theirs(policy: str) -> pl.Expr:
    """Whether a unit is taken from theirs. ``fail`` leaves a conflict at ours (OUT is not
    written then) but, like ``latest``, takes the later side where only LastModifiedOn differs."""
    later_side = pl.col(_U_LATER)
    chosen = {"keep": pl.lit(False), "replace": pl.lit(True), "latest": later_side, "fail": pl.lit(False)}[policy]
    same = later_side if policy == "fail" else chosen
    return (pl.when(~pl.col(_U_OURS)).then(True).when(~pl.col(_U_THEIRS)).then(False)
            .when(~pl.col(_U_DIFF)).then(same).otherwise(chosen))


def decide(inp: Inputs, policy: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The joined frame with each key's decision (KEEP, merged values, UNRESOLVED) and the
    conflict manifest."""
    frame = inp.joined.with_columns(_flags(inp))
    theirs = _take_theirs(policy)
    conflict = pl.col(_U_OURS) & pl.col(_U_THEIRS) & pl.col(_U_DIFF)
    frame = frame.with_columns(
        pl.when(theirs).then(present(THEIRS)).otherwise(present(OURS)).alias(KEEP),
        *[pl.when(theirs).then(pl.col(cell(THEIRS, c))).otherwise(pl.col(cell(OURS, c))).alias(merged(c))
          for c in inp.values],
        (conflict & (policy == "fail")).alias(UNRESOLVED),
        conflict.alias("\x1econflict"),
    )
    return frame, _conflicts(inp, frame)


def _conflicts(inp: Inputs, frame: pl.DataFrame) -> pl.DataFrame:
    """Each conflicting unit's differing cells and one-sided rows, numbered per unit."""
    unit = pl.struct(_unit(inp)).hash()
    in_o, in_t, conflict = present(OURS), present(THEIRS), pl.col("\x1econflict")
    parts = [conflicts.part(inp, frame, conflict & in_o & in_t & pl.col(cell(OURS, c)).ne_missing(pl.col(cell(THEIRS, c))),
                            "differs", c, unit)
             for c in inp.values if c != inp.lmo]
    parts += [conflicts.part(inp, frame, conflict & in_o & ~in_t, "only_ours", None, unit),
              conflicts.part(inp, frame, conflict & ~in_o & in_t, "only_theirs", None, unit)]
    return conflicts.number(inp, parts)
