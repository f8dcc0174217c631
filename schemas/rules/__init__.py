"""Cross-column rules as plain Polars expressions, free of Pandera.

A kind's rules live in ``schemas/rules/<kind>.py``; its schema module wires them into the Pandera
model as ``@dataframe_check``s, and the same expressions let omm screen a file in a few streaming
queries (``toolkit.screening``). Nothing here imports Pandera, so a file that screening proves
valid is done without loading it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Grouped:
    """A rule said of whole groups: ``agg`` is true for each group (of the rows ``where`` selects,
    grouped ``by``) that passes. A file passes the rule exactly when every group does, and one
    group-by answers that far faster than a window per row."""

    by: pl.Expr
    agg: pl.Expr
    where: pl.Expr | None = None


@dataclass(frozen=True)
class Anchor:
    """What a failing row of a group rule is measured against: the first row of its group (in
    file order, among the rows ``where`` selects). ``says`` completes the message, with ``{line}``
    and ``{value}`` (that row's line and its value in the reported column)."""

    group: pl.Expr
    where: pl.Expr | None
    says: str


@dataclass(frozen=True)
class Aggregate:
    """A verdict on a whole file in two steps, so that a streaming query holds only a few narrow
    columns to the end, never the file's text: ``inputs`` are per-row expressions (hashes, flags),
    and ``verdict`` turns the columns that hold them, in that order, into one boolean."""

    inputs: tuple[pl.Expr, ...]
    verdict: Callable[..., pl.Expr]


@dataclass(frozen=True)
class Test:
    """A rule's test: ``expr`` per row (true where the row passes, naming the rows that fail), and
    optionally a cheaper way to learn that no row fails — ``grouped`` or ``holds`` (one aggregate)."""

    expr: pl.Expr
    grouped: Grouped | None = None
    holds: Aggregate | None = None
    anchor: Anchor | None = None


@dataclass(frozen=True)
class Rule:
    """A cross-column rule of a kind.

    ``column`` is where a failure is reported, ``columns`` what the rule reads (so a cell that
    already failed its own check does not also fail the row rule), ``message`` what the user reads.
    A ``@dataframe_check`` of the same name evaluates ``test.expr``; keeping the test here lets omm
    also evaluate every rule of a kind in a few Polars queries.
    """

    column: str
    columns: tuple[str, ...]
    message: str
    test: Test

    @property
    def expr(self) -> pl.Expr:
        return self.test.expr


def rule(column: str, columns: list[str] | tuple[str, ...], message: str, test: pl.Expr | Test) -> Rule:
    return Rule(column, tuple(columns), message, test if isinstance(test, Test) else Test(test))


def row_hash(parts: list[str] | tuple[str, ...] | list[pl.Expr | str]) -> pl.Expr:
    """A 64-bit hash of several columns or expressions (nulls included): the wrapping sum of each
    part's hash under its own seed. Three times faster than hashing a struct of mixed types,
    and the seeds keep equal values in different positions apart."""
    exprs = [pl.col(p) if isinstance(p, str) else p for p in parts]
    return pl.sum_horizontal(e.hash(0x6F6D6D00 + i) for i, e in enumerate(exprs))


def group_id(columns: list[str] | tuple[str, ...]) -> pl.Expr:
    """A 64-bit hash identifying a group of rows (e.g. an assignment set); windows over one
    integer are far cheaper than over several string columns."""
    return row_hash(list(columns))


def _only(where: pl.Expr | None, expr: pl.Expr) -> pl.Expr:
    return expr if where is None else pl.when(where).then(expr)


def same_within(value: pl.Expr, group: pl.Expr, where: pl.Expr | None = None,
                says: str = "line {line} has {value}") -> Test:
    """Every row of a group (among the rows ``where`` selects) holds the same ``value`` as the
    group's first row, nulls included; a row that differs is the one reported. Where ``where``
    leaves most rows out, pass ``value`` and ``group`` computed from a column that is null on
    those rows (``pl.when(where).then(...)``): string work then skips them."""
    h = value.hash()
    # The whole comparison runs per group, so a value computed from the group's own rows
    # (e.g. a row number) means the same on both sides.
    row = (h == h.first()).over(_only(where, group))
    if where is not None:
        row = ~where | row
    # No group holds two values exactly when there are no more distinct (group, value) pairs than
    # groups: two counts, far cheaper than a group-by. Rows ``where`` leaves out are null in both.
    pairs, groups = _only(where, row_hash([group, value])), _only(where, row_hash([group]))
    return Test(row, holds=Aggregate((pairs, groups), _as_many), anchor=Anchor(group, where, says))


def _as_many(pairs: pl.Expr, groups: pl.Expr) -> pl.Expr:
    return pairs.drop_nulls().n_unique() == groups.drop_nulls().n_unique()


def _all_distinct(hashes: pl.Expr) -> pl.Expr:
    return hashes.drop_nulls().n_unique() == hashes.count()


def unique_rows(columns: list[str] | tuple[str, ...] | list[pl.Expr], where: pl.Expr | None = None,
                says: str = "first at line {line}") -> Test:
    """No two rows (among those ``where`` selects) share the values of ``columns`` (compared by
    64-bit hash); each repeat of an earlier row is reported. Counting distinct hashes answers
    "any duplicate?" far faster than marking them."""
    h = row_hash(list(columns))
    if where is None:
        return Test(h.is_first_distinct(), holds=Aggregate((h,), _all_distinct), anchor=Anchor(h, None, says))
    row = ~where | _only(where, h).is_first_distinct()
    return Test(row, holds=Aggregate((_only(where, h),), _all_distinct), anchor=Anchor(h, where, says))
