"""Renderers of ``omm schema``: a table of kinds or of one kind's columns, or JSON."""

from __future__ import annotations

import io
from typing import Any

from toolkit.kinds import Kind
from toolkit.render.common import to_json
from toolkit.schema_doc import frictionless

FORMATS = ("text", "json")


def _table(headers: list[str], rows: list[list[str]], title: str | None = None) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(*headers, title=title, box=None, show_edge=False, pad_edge=False, title_justify="left")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    buf = io.StringIO()
    Console(file=buf, width=160, color_system=None, legacy_windows=False).print(table)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def overview_text(kinds: list[dict[str, Any]]) -> str:
    rows = [[k["kind"], " + ".join(k["key"]), k["file"] or "-", str(k["columns"])] for k in kinds]
    return _table(["kind", "key", "file in a tenant", "columns"], rows)


def kind_text(kind: Kind) -> str:
    rows = []
    for c in kind.columns:
        allowed = ", ".join(c.enum) if c.enum else (c.expect or c.pattern or "")
        need = "column" if c.required else ""
        if not c.nullable:
            need = (need + "+value").lstrip("+")
        rows.append([c.name, c.type, need, allowed, c.description])
    head = f"{kind.name}: key {' + '.join(kind.key)}" + (f"; file {kind.file}" if kind.file else "")
    out = _table(["column", "type", "required", "allowed", "description"], rows, title=head)
    if kind.rules:
        out += "\nrules:\n" + "".join(f"  {name}: {r.message}\n" for name, r in kind.rules.items())
    return out


def overview_json(kinds: list[dict[str, Any]]) -> str:
    return to_json({"kinds": kinds})


def kind_json(kind: Kind) -> str:
    return to_json(frictionless(kind))
