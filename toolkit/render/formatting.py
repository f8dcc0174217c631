"""Renderers of ``omm fmt`` results."""

from __future__ import annotations

from toolkit.formatting import FormatResult
from toolkit.render.common import to_json

FORMATS = ("text", "json")


def text(result: FormatResult) -> str:
    verb = "would reformat" if result.check else "reformatted"
    lines = [f"{verb} {p}" for p in result.changed]
    return "\n".join(lines) + ("\n" if lines else "")


def json(result: FormatResult) -> str:
    return to_json(result.to_dict())


def summary(result: FormatResult) -> str:
    n, total = len(result.changed), len(result.files)
    verb = "would be reformatted" if result.check else "reformatted"
    same = total - n - len(result.errors)
    parts = [f"{n} file{'s' if n != 1 else ''} {verb}", f"{same} already canonical"]
    if result.errors:
        parts.append(f"{len(result.errors)} unreadable")
    return ", ".join(parts)
