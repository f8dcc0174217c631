"""Renderers of a diff: text (coloured on a terminal), json, tsv; the review formats
(markdown, github, html) live in :mod:`toolkit.render.diff_review`."""

from __future__ import annotations

from typing import Any

from toolkit.delta import ManifestDiff, TreeDiff, to_frame
from toolkit.errors import UsageError
from toolkit.render.common import to_json
from toolkit.tsv import manifest_bytes

FORMATS = ("text", "tsv", "json", "markdown", "github", "html")
_STYLE = {"added": "32", "removed": "31", "changed": "33", "head": "1", "dim": "2"}
_MARK = {"added": "+", "removed": "-", "changed": "~"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLE[style]}m{text}\x1b[0m" if color else text


def key_text(row: dict[str, Any], key: tuple[str, ...]) -> str:
    """A row's key as ``Col=value`` pairs, leaving out empty key cells (most of a long key)."""
    shown = [f"{k}={row[k]}" for k in key if row.get(k) not in (None, "")]
    return " ".join(shown) or "(empty key)"


def counts(d: ManifestDiff) -> str:
    s = d.summary
    parts = [f"{s.changed} changed", f"{s.added} added", f"{s.removed} removed", f"{s.unchanged} unchanged"]
    if s.columns_added:
        parts.append(f"columns added: {', '.join(s.columns_added)}")
    if s.columns_removed:
        parts.append(f"columns removed: {', '.join(s.columns_removed)}")
    return ", ".join(parts)


def _lines(e: dict[str, Any]) -> str:
    if e["op"] == "changed":
        return f"line {e['old_line']}→{e['new_line']}"
    return f"line {e['new_line'] if e['op'] == 'added' else e['old_line']}"


def _manifest_text(d: ManifestDiff, color: bool) -> list[str]:
    out = [_paint(f"--- {d.old}", "head", color), _paint(f"+++ {d.new}", "head", color)]
    for c in d.summary.columns_added:
        out.append(_paint(f"+ column {c}", "added", color))
    for c in d.summary.columns_removed:
        out.append(_paint(f"- column {c}", "removed", color))
    cells: dict[int, list[dict[str, Any]]] = {}
    for cell in d.cells().iter_rows(named=True):
        cells.setdefault(cell["index"], []).append(cell)
    for e in d.entries().iter_rows(named=True):
        op = e["op"]
        out.append(_paint(f"{_MARK[op]} {op:<8}{_lines(e):<14}{key_text(e, d.key)}", op, color))
        for cell in cells.get(e["index"], []) if op == "changed" else []:
            old = _paint(repr(cell["old"]) if cell["old"] is not None else "(empty)", "removed", color)
            new = _paint(repr(cell["new"]) if cell["new"] is not None else "(empty)", "added", color)
            out.append(f"    {cell['column']}: {old} → {new}")
    return out


def text(result: ManifestDiff | TreeDiff, stat: bool = False, color: bool = False) -> str:
    if isinstance(result, ManifestDiff):
        lines = [f"{result.new}: {counts(result)}"] if stat else _manifest_text(result, color)
        return "\n".join(lines) + "\n" if lines and not (result.equal and not stat) else ""
    lines = []
    for f in result.files:
        if stat or f.status == "unchanged":
            lines.append(f"{f.path}: {f.status}" + ("" if f.status == "unchanged" else f" ({counts(f.diff)})"))
        else:
            lines += _manifest_text(f.diff, color)
    lines += [f"{s} (skipped)" for s in result.skipped]
    return "\n".join(lines) + ("\n" if lines else "")


def summary(result: ManifestDiff | TreeDiff) -> str:
    """The one line for stderr after a text diff."""
    if isinstance(result, ManifestDiff):
        return "no differences" if result.equal else counts(result)
    changed = sum(not f.diff.equal for f in result.files)
    return f"{changed} of {len(result.files)} manifests differ" if changed else f"no differences in {len(result.files)} manifests"


def tsv(result: ManifestDiff | TreeDiff, stat: bool = False, color: bool = False) -> bytes:
    if isinstance(result, TreeDiff):
        raise UsageError("--format tsv writes one diff manifest, for two files",
                         "diff the directories' files one by one for diff manifests, or use --format json")
    return manifest_bytes(to_frame(result), "diff")


def render(result: ManifestDiff | TreeDiff, fmt: str, stat: bool = False, color: bool = False) -> str | bytes:
    if fmt == "json":
        return to_json(result.to_dict(stat))
    if fmt == "text":
        return text(result, stat, color)
    if fmt == "tsv":
        return tsv(result, stat)
    from toolkit.render import diff_review

    return {"markdown": diff_review.markdown, "github": diff_review.github, "html": diff_review.html}[fmt](
        result, stat)
