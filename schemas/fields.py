"""Field factories shared by every schema: patterns, enumerations and column metadata.

A factory returns a ``pandera.polars.Field`` whose metadata tells the rest of omm the column's
logical type (for ``omm schema`` and Frictionless output) and its canonical token (for
``toolkit.tokens``). Keeping both in the schema makes the schema the single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandera.polars as pa
import polars as pl

from schemas.patterns import (  # noqa: F401 - re-exported: the schemas use them as f.NAME
    ASSIGNMENT_STATE,
    BOOLEAN,
    CHANNEL,
    DIMENSIONS,
    HEX_COLOR,
    HTTP_EXPECT,
    HTTP_URL,
    INTEGER,
    LOCALE,
    LOCALE_LIST,
    LOCALE_OR_NEUTRAL,
    MATRIX_KEY,
    NEUTRAL,
    NON_NEGATIVE,
    SHA256,
    TENANT_ID,
    TIMESTAMP,
    TIMESTAMP_CANONICAL,
    UUID,
)


def _field(
    logical: str,
    token: str | None,
    required: bool,
    nullable: bool,
    description: str,
    checks: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Any:
    metadata: dict[str, Any] = {"type": logical, "token": token}
    metadata.update(extra or {})
    return pa.Field(
        required=required,
        nullable=nullable,
        description=description,
        metadata=metadata,
        **checks,
    )


def text(description: str, *, required: bool = False, nullable: bool = True) -> Any:
    """Free text, kept exactly as written."""
    return _field("string", None, required, nullable, description, {})


IDENTIFIER = r"^\S(.*\S)?$"


def identifier(description: str, *, required: bool = False, nullable: bool = True, token: str | None = None) -> Any:
    """A name or id: any text without leading or trailing spaces."""
    return pattern(IDENTIFIER, description, token=token, required=required, nullable=nullable,
                   expect="a value without leading or trailing spaces")


def uuid(description: str, *, required: bool = False, nullable: bool = True) -> Any:
    """A GUID, canonical in lowercase."""
    return _field("string", "uuid", required, nullable, description, {"str_matches": UUID},
                  {"format": "uuid", "expect": "a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301"})


def channel(description: str, *, required: bool = False, nullable: bool = True) -> Any:
    """A channel id ``OUN…``; empty means Omnichannel where ``nullable``."""
    return _field("string", "channel", required, nullable, description, {"str_matches": CHANNEL},
                  {"expect": "a channel id like OUN00001" + (" (empty means Omnichannel)" if nullable else "")})


def locale(description: str, *, neutral: bool = True, required: bool = False, nullable: bool = True) -> Any:
    """A lowercase ``ll-cc`` locale; with ``neutral`` an empty cell reads as ``system_neutral``."""
    if neutral:
        return _field("string", "locale_neutral", required, False, description, {"str_matches": LOCALE_OR_NEUTRAL},
                      {"expect": "a locale like en-us, or system_neutral"})
    return _field("string", "locale", required, nullable, description, {"str_matches": LOCALE},
                  {"expect": "a locale like en-us"})


def locales(description: str, *, required: bool = False, nullable: bool = True) -> Any:
    """A comma-separated list of locales."""
    return _field("string", "locales", required, nullable, description, {"str_matches": LOCALE_LIST},
                  {"expect": "comma-separated locales like en-us,fr-fr"})


def enum(values: tuple[str, ...], description: str, *, required: bool = False, nullable: bool = True,
         synonyms: dict[str, str] | None = None) -> Any:
    """One of ``values``, matched case-insensitively on read, written in canonical case."""
    extra = {"enum": list(values), "synonyms": dict(synonyms or {})}
    return _field("string", "enum", required, nullable, description, {"isin": list(values)}, extra)


def boolean(description: str, *, required: bool = False, nullable: bool = True) -> Any:
    return _field("boolean", "boolean", required, nullable, description, {"isin": list(BOOLEAN)},
                  {"expect": "true or false"})


def timestamp(description: str, *, required: bool = False, nullable: bool = True) -> Any:
    """An ISO 8601 UTC timestamp ``2025-03-15T10:02:00Z``."""
    return _field("datetime", "timestamp", required, nullable, description, {"str_matches": TIMESTAMP},
                  {"expect": "an ISO 8601 UTC timestamp like 2025-03-15T10:02:00Z"})


def integer(description: str, *, required: bool = False, nullable: bool = True, minimum: int | None = None) -> Any:
    pattern = NON_NEGATIVE if minimum is not None and minimum >= 0 else INTEGER
    extra: dict[str, Any] = {"expect": "a whole number" + (f" ≥ {minimum}" if minimum is not None else "")}
    if minimum is not None:
        extra["minimum"] = minimum
    return _field("integer", "integer", required, nullable, description, {"str_matches": pattern}, extra)


def pattern(regex: str, description: str, *, token: str | None = None, required: bool = False,
            nullable: bool = True, fmt: str | None = None, expect: str | None = None) -> Any:
    """A string matching ``regex``; ``token`` names a special canonicalization, if any, and
    ``expect`` says in words what a valid value looks like (for error messages)."""
    extra: dict[str, Any] = {"format": fmt} if fmt else {}
    if expect:
        extra["expect"] = expect
    return _field("string", token, required, nullable, description, {"str_matches": regex}, extra)


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
class Test:
    """A rule's test: ``expr`` per row (true where the row passes, naming the rows that fail), and
    optionally a cheaper way to learn that no row fails — ``grouped`` or ``holds`` (one aggregate)."""

    expr: pl.Expr
    grouped: Grouped | None = None
    holds: pl.Expr | None = None
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


def table(kind: str, key: list[str], file: str | None, rules: dict[str, Rule] | None = None,
          **extra: Any) -> dict[str, Any]:
    """The ``Config.metadata`` of a kind: its key, default file name and cross-column rules.

    ``derived`` (optional) names helper columns the rules read, computed once on the frame
    being validated (``toolkit.validation`` adds them; they are never written)."""
    return {"kind": kind, "key": key, "file": file, "rules": rules or {}, **extra}


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
                says: str = "line {line} has {value}", *,
                compact: tuple[pl.Expr, pl.Expr] | None = None) -> Test:
    """Every row of a group (among the rows ``where`` selects) holds the same ``value`` as the
    group's first row, nulls included; a row that differs is the one reported. ``compact``:
    ``value`` and ``group`` computed from the ``where`` rows alone, when that is cheaper than
    computing them for every row and filtering (Polars does not push a filter into string work)."""
    h = value.hash()
    # The whole comparison runs per group, so a value computed from the group's own rows
    # (e.g. a row number) means the same on both sides.
    row = (h == h.first()).over(_only(where, group))
    if where is not None:
        row = ~where | row
    # No group holds two values exactly when there are no more distinct (group, value) pairs than
    # groups: two counts, far cheaper than a group-by.
    # (Filtered before anything is computed, so the work touches only the rows ``where`` selects.)
    g, v = (group, value) if where is None else (group.filter(where), value.filter(where))
    if compact is not None:
        v, g = compact
    return Test(row, holds=row_hash([g, v]).n_unique() == g.n_unique(), anchor=Anchor(group, where, says))


def unique_rows(columns: list[str] | tuple[str, ...] | list[pl.Expr], where: pl.Expr | None = None,
                says: str = "first at line {line}") -> Test:
    """No two rows (among those ``where`` selects) share the values of ``columns`` (compared by
    64-bit hash); each repeat of an earlier row is reported. Counting distinct hashes answers
    "any duplicate?" far faster than marking them."""
    h = row_hash(list(columns))
    if where is None:
        return Test(h.is_first_distinct(), holds=h.n_unique() == pl.len(), anchor=Anchor(h, None, says))
    row = ~where | _only(where, h).is_first_distinct()
    return Test(row, holds=h.filter(where).n_unique() == where.sum(), anchor=Anchor(h, where, says))


def rule_check(name: str, rules: dict[str, Rule]) -> Any:
    """The ``@dataframe_check`` that evaluates ``rules[name]``, named after the rule."""

    def check(cls: Any, data: Any) -> pl.LazyFrame:
        return data.lazyframe.select(rules[name].expr)

    check.__name__ = check.__qualname__ = name
    return pa.dataframe_check(check)
