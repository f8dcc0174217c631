"""Canonical tokens (SPEC §3) as Polars expressions.

Each schema column names a ``token`` in its metadata; this module turns what a reader accepts
into the one spelling omm writes: Omnichannel as an empty channel, ``system_neutral``, ``OUN…``
channels, lowercase locales, ``true``/``false``, UTC timestamps, enum case and synonyms, and
matrix dimensions in Color, Size, Style, Configuration order. A value that cannot be
canonicalized is left as written, so validation reports it as the user typed it.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from schemas.patterns import DIMENSIONS, NEUTRAL, NON_NEGATIVE, TIMESTAMP_CANONICAL
from toolkit.kinds import Column, Kind

_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")
_DIM_RANK = {d.lower(): i for i, d in enumerate(DIMENSIONS)}
_DIM_NAME = {d.lower(): d for d in DIMENSIONS}
_CANONICAL_LOCALE = r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$"
_CANONICAL_MATRIX = r"^[^|:\s][^|:]*(\|Color:[^|]+)?(\|Size:[^|]+)?(\|Style:[^|]+)?(\|Configuration:[^|]+)?$"


def _channel(s: pl.Expr) -> pl.Expr:
    t = s.str.strip_chars()
    omni = t.is_null() | (t == "") | (t.str.to_lowercase() == "omnichannel")
    return (
        pl.when(omni).then(pl.lit(None, pl.String))
        .when(t.str.contains(r"^[0-9]+$")).then(pl.lit("OUN") + t)
        .when(t.str.contains(r"^(?i)oun[0-9]+$")).then(t.str.to_uppercase())
        .otherwise(s)
    )


def _locale(s: pl.Expr, neutral: bool) -> pl.Expr:
    t = s.str.strip_chars().str.to_lowercase().str.replace_all("_", "-", literal=True)
    if not neutral:
        return pl.when(t.str.contains(_CANONICAL_LOCALE)).then(t).otherwise(s)
    is_neutral = t.is_null() | t.is_in(["", "neutral", NEUTRAL, "system-neutral"])
    return pl.when(is_neutral).then(pl.lit(NEUTRAL)).when(t.str.contains(_CANONICAL_LOCALE)).then(t).otherwise(s)


def _locales(s: pl.Expr) -> pl.Expr:
    return s.str.to_lowercase().str.replace_all(r"\s+", "").str.replace_all("_", "-", literal=True)


def _enum(s: pl.Expr, col: Column) -> pl.Expr:
    mapping = {v.lower(): v for v in col.enum}
    mapping.update({k.lower(): v for k, v in col.synonyms})
    return s.str.strip_chars().str.to_lowercase().replace_strict(mapping, default=s, return_dtype=pl.String)


def _boolean(s: pl.Expr) -> pl.Expr:
    mapping = {**{t: "true" for t in _TRUE}, **{f: "false" for f in _FALSE}}
    return s.str.strip_chars().str.to_lowercase().replace_strict(mapping, default=s, return_dtype=pl.String)


def _timestamp(s: pl.Expr) -> pl.Expr:
    t = s.str.strip_chars().str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T").str.replace(r"[Zz]$", "+00:00")
    aware = t.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="ns")
    naive = t.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="ns").dt.replace_time_zone("UTC")
    dt = pl.coalesce(aware.dt.convert_time_zone("UTC"), naive)
    nano = dt.dt.nanosecond()  # the fraction of the second, kept to the nanosecond: nothing is lost
    frac = pl.when(nano > 0).then(pl.lit(".") + nano.cast(pl.String).str.zfill(9).str.strip_chars_end("0"))
    text = dt.dt.strftime("%Y-%m-%dT%H:%M:%S") + frac.fill_null("") + pl.lit("Z")
    return pl.coalesce(text, s)


def _integer(s: pl.Expr) -> pl.Expr:
    t = s.str.strip_chars()
    as_int = pl.when(t.str.contains(r"^[+-]?[0-9]+$")).then(t.cast(pl.Int64, strict=False).cast(pl.String))
    return pl.coalesce(as_int, s)


def _lower(s: pl.Expr) -> pl.Expr:
    return s.str.strip_chars().str.to_lowercase()


def _matrix_key(s: pl.Expr) -> pl.Expr:
    """Dimension pairs of a matrix cell in canonical name case and Color, Size, Style, Configuration order."""
    parts = s.str.strip_chars().str.split("|")
    pairs = parts.list.slice(1).list.eval(
        pl.element().str.split(":").list.first().str.strip_chars().str.to_lowercase()
        .replace_strict(_DIM_NAME, default=None, return_dtype=pl.String)
        + pl.lit(":") + pl.element().str.split_exact(":", 1).struct.field("field_1")
    )
    rank = parts.list.slice(1).list.eval(
        pl.element().str.split(":").list.first().str.strip_chars().str.to_lowercase()
        .replace_strict(_DIM_RANK, default=len(DIMENSIONS), return_dtype=pl.Int32)
    )
    ordered = pl.concat_list(parts.list.first(), pairs.list.gather(rank.list.eval(pl.element().arg_sort())))
    well_formed = pairs.list.eval(pl.element().is_not_null()).list.all() & (parts.list.len() > 1)
    return pl.when(well_formed).then(ordered.list.join("|")).otherwise(s)


def absent_value(col: Column) -> str | None:
    """What a column that is absent from a file means: Neutral for a neutral-locale column
    (an empty cell reads as system_neutral), nothing otherwise."""
    return NEUTRAL if col.token == "locale_neutral" else None


def canonical_expr(col: Column, frame_columns: set[str]) -> pl.Expr | None:
    """The expression that canonicalizes ``col``, or None where the column is kept as written."""
    s = pl.col(col.name)
    match col.token:
        case "channel":
            return _channel(s)
        case "locale":
            return _locale(s, neutral=False)
        case "locale_neutral":
            return _locale(s, neutral=True)
        case "locales":
            return _locales(s)
        case "enum":
            return _enum(s, col)
        case "boolean":
            return _boolean(s)
        case "timestamp":
            return _timestamp(s)
        case "integer":
            return _integer(s)
        case "uuid" | "lower":
            return _lower(s)
        case "entity_key_value" if "EntityType" in frame_columns:
            matrix = pl.col("EntityType").str.to_lowercase().str.ends_with("dimensionmatrix")
            # Only matrix cells go through the list work; other rows are null inside _matrix_key.
            return pl.coalesce(_matrix_key(pl.when(matrix).then(s)), s.str.strip_chars())
        case _:
            return None


_CANONICAL_INTEGER = r"^-?(0|[1-9][0-9]*)$"
_CANONICAL_NON_NEGATIVE = r"^(0|[1-9][0-9]*)$"


def canonical_probe(col: Column) -> pl.Expr | None:
    """True when every value of ``col`` is already canonical *and* passes the column's schema
    check, so both the rewrite and that check can be skipped."""
    row = canonical_row(col)
    return None if row is None else row.all()


def canonical_row(col: Column, *, types_canonical: bool = False) -> pl.Expr | None:
    """Per row: the value is already canonical *and* passes the column's schema check.

    ``types_canonical``: EntityType is proven canonical alongside (as screening does), so a
    matrix row is told by one comparison instead of a case-insensitive search of every row.
    """
    s = pl.col(col.name)
    match col.token:
        case "enum":
            return s.is_null() | s.is_in(list(col.enum))
        case "boolean":
            return s.is_null() | s.is_in(["true", "false"])
        case "timestamp":
            return s.is_null() | s.str.contains(TIMESTAMP_CANONICAL)
        case "integer" if col.pattern == NON_NEGATIVE:
            return s.is_null() | s.str.contains(_CANONICAL_NON_NEGATIVE)  # both patterns in one search
        case "integer" if col.pattern:
            return s.is_null() | (s.str.contains(_CANONICAL_INTEGER) & s.str.contains(col.pattern))
        case "entity_key_value" if col.pattern:
            # Any spelling of the matrix type unless proven canonical; the order of the
            # dimensions is then checked on those rows only, not on every value.
            matrix = (pl.col("EntityType") == "Product|DimensionMatrix" if types_canonical
                      else pl.col("EntityType").str.contains("(?i)dimensionmatrix$"))
            ordered = pl.when(matrix).then(s).str.contains(_CANONICAL_MATRIX).fill_null(True)
            return (s.is_null() | s.str.contains(col.pattern)) & ordered
        # These schema patterns admit only the canonical spelling.
        case "locale_neutral" if col.pattern:  # an empty cell still has to become system_neutral
            return s.is_not_null() & s.str.contains(col.pattern)
        case "channel" | "locale" | "uuid" | "lower" if col.pattern:
            return s.is_null() | s.str.contains(col.pattern)
        case _:
            return None


_EDGE_SPACE = r"^\s|\s$"


def spelled_canonically(col: Column) -> pl.Expr | None:
    """Per row: True only where :func:`canonical_expr` would leave the value as it is.

    A cheap test, so a diff can hash most rows as written and respell only the rest. False
    where unsure is allowed (the row is respelled, to the same value); True must be exact.
    """
    s = pl.col(col.name)
    match col.token:
        case "channel":
            return s.is_null() | s.str.contains(r"^OUN[0-9]+$")
        case "locale":
            return s.is_null() | s.str.contains(_CANONICAL_LOCALE)
        case "locale_neutral":
            return s.is_not_null() & ((s == NEUTRAL) | s.str.contains(_CANONICAL_LOCALE))
        case "enum":
            return s.is_null() | s.is_in(list(col.enum))
        case "boolean":
            return s.is_null() | s.is_in(["true", "false"])
        case "timestamp":
            return s.is_null() | s.str.contains(TIMESTAMP_CANONICAL)
        case "integer":
            return s.is_null() | s.str.contains(r"^(0|-?[1-9][0-9]{0,17})$")
        case "uuid" | "lower":
            return s.is_null() | ~s.str.contains(r"\p{Changes_When_Lowercased}|^\s|\s$")
        case "locales":
            return s.is_null() | ~s.str.contains(r"[\p{Changes_When_Lowercased}_\s]")
        case "entity_key_value":
            matrix = pl.col("EntityType") == "Product|DimensionMatrix"
            ordered = pl.when(matrix).then(s).str.contains(_CANONICAL_MATRIX).fill_null(True)
            return s.is_null() | (~s.str.contains(_EDGE_SPACE) & ordered)
        case _:
            return None


def canonicalize(frame: pl.DataFrame, kind: Kind, only: Collection[str] | None = None
                 ) -> tuple[pl.DataFrame, frozenset[str]]:
    """Every known column (or those in ``only``) takes its canonical spelling (empty cells are already null).

    Also returns the columns whose values were all canonical already: their probe is exactly
    the schema's format check, so validation need not run that check again.
    """
    names = set(frame.columns)
    cols = [c for c in kind.columns if c.name in names and c.token and (only is None or c.name in only)
            and (c.token != "entity_key_value" or "EntityType" in names)]
    probes = {c.name: e for c in cols if (e := canonical_probe(c)) is not None}
    done = frame.select(**probes).row(0, named=True) if probes and frame.height else {}
    exprs = [
        e.alias(c.name)
        for c in cols
        if not done.get(c.name, False) and (e := canonical_expr(c, names)) is not None
    ]
    clean = frozenset(name for name, ok in done.items() if ok)
    return (frame.with_columns(exprs) if exprs else frame), clean
