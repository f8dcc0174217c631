"""What ``omm schema`` shows: a kind's columns, and the kind as a Frictionless Table Schema."""

from __future__ import annotations

from typing import Any

from toolkit.kinds import KIND_NAMES, Column, Kind, get_kind

_FRICTIONLESS_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "datetime": "datetime"}


def kinds_overview() -> list[dict[str, Any]]:
    """One entry per kind: name, key and the file it lives in inside a tenant."""
    out = []
    for name in KIND_NAMES:
        k = get_kind(name)
        out.append({"kind": name, "key": list(k.key), "file": k.file, "columns": len(k.columns)})
    return out


def _constraints(col: Column) -> dict[str, Any]:
    c: dict[str, Any] = {"required": not col.nullable}
    if col.enum:
        c["enum"] = list(col.enum)
    elif col.pattern and col.type == "string":
        c["pattern"] = col.pattern
    if col.minimum is not None:
        c["minimum"] = col.minimum
    return c


def _field(col: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": col.name, "type": _FRICTIONLESS_TYPES.get(col.type, "string")}
    if col.format:
        field["format"] = col.format
    if col.type == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    field["description"] = col.description
    field["constraints"] = _constraints(col)
    # Frictionless has no "column may be absent"; say it in an extension property.
    field["omm:requiredColumn"] = col.required
    return field


def frictionless(kind: Kind) -> dict[str, Any]:
    """The kind as a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/)."""
    schema: dict[str, Any] = {
        "name": kind.name,
        "fields": [_field(c) for c in kind.columns],
        "primaryKey": list(kind.key),
        "missingValues": [""],
        "omm:file": kind.file,
        "omm:rules": {name: r.message for name, r in kind.rules.items()},
    }
    if kind.set_key:
        schema["omm:setKey"] = list(kind.set_key)
    return schema


def describe(name: str) -> Kind:
    return get_kind(name)
