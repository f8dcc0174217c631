"""Three-way merge (with a base): cell by cell, changes made on one side only are taken.

Per key, with ``b``, ``o``, ``t`` the base, ours and theirs rows:
- a row one side added (not in base, not on the other side) is taken; both sides adding the key
  is merged cell by cell with every differing cell a conflict (there is no base to say who
  changed it);
- a row one side removed is removed when the other side left it as in base; if the other side
  edited it, that is a conflict (edit against removal);
- a row on all three sides takes, per cell, the side that changed it; two different changes to
  one cell are a conflict; the same change on both sides is none;
- the LastModifiedOn column never conflicts on its own: where both sides changed it, the later
  time is taken, and it is not compared when deciding whether a row was edited.

Policies: keep → ours' value (or ours' removal), replace → theirs', latest → the side whose row's
LastModifiedOn is later (ties ours; a removal carries no time, so an edit with a time wins over
it), fail → the conflicts stop the merge (decided as keep only so the plan can be shown).
"""

from __future__ import annotations

import polars as pl

from toolkit.merging import conflicts
from toolkit.merging.frames import (
    BASE,
    KEEP,
    OURS,
    THEIRS,
    UNRESOLVED,
    any_of,
    cell,
    differs,
    later,
    merged,
    present,
    timestamp,
)
from toolkit.merging.inputs import Inputs

_PICK = "\x1epick_theirs"  # a conflict in this row goes to theirs
_REMOVED_BY_OURS, _REMOVED_BY_THEIRS = "\x1eremoved_by_ours", "\x1eremoved_by_theirs"


def _col(side: str, column: str) -> pl.Expr:
    return pl.col(cell(side, column))


def _cell_conflict(column: str) -> pl.Expr:
    """Both sides hold the row and changed the cell differently (with no base row, any difference)."""
    o, t, b = _col(OURS, column), _col(THEIRS, column), _col(BASE, column)
    changed_both = o.ne_missing(b) & t.ne_missing(b)
    return present(OURS) & present(THEIRS) & o.ne_missing(t) & (~present(BASE) | changed_both)


def _pick_theirs(inp: Inputs, policy: str) -> pl.Expr:
    if policy == "latest" and inp.lmo:
        return later(timestamp(_col(THEIRS, inp.lmo)), timestamp(_col(OURS, inp.lmo)))
    return pl.lit(policy == "replace")


def _value(inp: Inputs, column: str) -> pl.Expr:
    """The merged value of ``column`` for a row that survives."""
    o, t, b = _col(OURS, column), _col(THEIRS, column), _col(BASE, column)
    if column == inp.lmo:
        resolved = pl.when(later(timestamp(t), timestamp(o))).then(t).otherwise(o)
    else:
        resolved = pl.when(pl.col(_PICK)).then(t).otherwise(o)
    return (pl.when(~present(THEIRS)).then(o).when(~present(OURS)).then(t)
            .when(_cell_conflict(column)).then(resolved)
            .when(o.ne_missing(b)).then(o).otherwise(t))  # the side that changed it (or both agree)


def _keep() -> pl.Expr:
    """Whether the merged manifest holds the key."""
    in_o, in_t, in_b = present(OURS), present(THEIRS), present(BASE)
    pick = pl.col(_PICK)
    return ((in_o & in_t)
            | (in_o & ~in_t & (~in_b | (pl.col(_REMOVED_BY_THEIRS) & ~pick)))
            | (~in_o & in_t & (~in_b | (pl.col(_REMOVED_BY_OURS) & pick))))


def decide(inp: Inputs, policy: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The joined frame with each key's decision (KEEP, merged values, UNRESOLVED) and the
    conflict manifest."""
    compared = [c for c in inp.values if c != inp.lmo]
    in_o, in_t, in_b = present(OURS), present(THEIRS), present(BASE)
    frame = inp.joined.with_columns(
        _pick_theirs(inp, policy).alias(_PICK),
        (in_b & ~in_o & in_t & differs(THEIRS, BASE, compared)).alias(_REMOVED_BY_OURS),
        (in_b & in_o & ~in_t & differs(OURS, BASE, compared)).alias(_REMOVED_BY_THEIRS),
    )
    conflict = any_of([pl.col(_REMOVED_BY_OURS), pl.col(_REMOVED_BY_THEIRS), *map(_cell_conflict, compared)])
    frame = frame.with_columns(_keep().alias(KEEP), *[_value(inp, c).alias(merged(c)) for c in inp.values],
                               (conflict & (policy == "fail")).alias(UNRESOLVED))
    return frame, _conflicts(inp, frame, compared)


def _conflicts(inp: Inputs, frame: pl.DataFrame, compared: list[str]) -> pl.DataFrame:
    kind = pl.when(present(BASE)).then(pl.lit("edited")).otherwise(pl.lit("added"))
    parts = [conflicts.part(inp, frame, _cell_conflict(c), kind, c) for c in compared]
    parts += [conflicts.part(inp, frame, pl.col(_REMOVED_BY_OURS), "removed_by_ours", None),
              conflicts.part(inp, frame, pl.col(_REMOVED_BY_THEIRS), "removed_by_theirs", None)]
    return conflicts.number(inp, parts)
