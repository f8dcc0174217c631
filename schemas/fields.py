"""Field factories shared by every schema: patterns, enumerations and column metadata.

A factory returns a ``pandera.polars.Field`` whose metadata tells the rest of omm the column's
logical type (for ``omm schema`` and Frictionless output) and its canonical token (for
``toolkit.tokens``). Keeping both in the schema makes the schema the single source of truth.
"""

from __future__ import annotations

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
from schemas.rules import (  # noqa: F401 - re-exported: the schemas use them as f.NAME
    Aggregate,
    Anchor,
    Grouped,
    Rule,
    Test,
    group_id,
    row_hash,
    rule,
    same_within,
    unique_rows,
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


def table(kind: str, key: list[str], file: str | None, rules: dict[str, Rule] | None = None,
          **extra: Any) -> dict[str, Any]:
    """The ``Config.metadata`` of a kind: its key, default file name and cross-column rules.

    ``derived`` (optional) names helper columns the rules read, computed once on the frame
    being validated (``toolkit.validation`` adds them; they are never written)."""
    return {"kind": kind, "key": key, "file": file, "rules": rules or {}, **extra}


def rule_check(name: str, rules: dict[str, Rule]) -> Any:
    """The ``@dataframe_check`` that evaluates ``rules[name]``, named after the rule."""

    def check(cls: Any, data: Any) -> pl.LazyFrame:
        return data.lazyframe.select(rules[name].expr)

    check.__name__ = check.__qualname__ = name
    return pa.dataframe_check(check)
