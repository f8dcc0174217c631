"""Review formats of ``omm diff``: a pull-request comment (markdown), GitHub Actions annotations
(github) and a standalone page (html, built in :mod:`toolkit.render.diff_html`).

Each renderer is a pure function of a :class:`ManifestDiff` or :class:`TreeDiff` returning text.
Output is bounded: ``limit`` caps the table rows (or annotations) of one output, shared by all its
files, so a diff of a million rows still renders a comment GitHub accepts. Only the rows shown are
formatted in Python; picking them, and everything counted, is done on the Polars frames.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl

from toolkit.delta.result import LINE, DiffSummary, FileDiff, ManifestDiff, TreeDiff
from toolkit.render.common import github_annotation

Result = ManifestDiff | TreeDiff
PREVIEW_COLUMNS = 3  # non-key values an added or removed row shows in a comment (all of them in html)
FOLD_AFTER = 15  # a markdown table longer than this folds into <details>, keeping the comment scannable
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


# ---- what every review format shows -------------------------------------------------------------

def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class Part:
    """One manifest of the output: its diff, its name, its paths in OLD and in NEW, and the frames
    the renderers read, each computed once however many tables ask for it."""

    name: str
    status: str  # added, removed, changed or unchanged
    diff: ManifestDiff
    old: str
    new: str

    @cached_property
    def cells(self) -> pl.DataFrame:
        return self.diff.cells()

    @cached_property
    def entries(self) -> pl.DataFrame:
        return self.diff.entries()

    @cached_property
    def layout(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """The key columns that tell the differing rows apart, and the (column, value) all share.

        An assignment key has eleven columns, most of them empty or equal in a given diff; showing
        only those that vary keeps a table readable, and the shared ones are said once above it."""
        key = self.diff.key
        e = self.entries.select(key)
        if not e.height:
            return key, ()
        distinct, nulls = e.select(pl.all().n_unique()).row(0), e.null_count().row(0)
        varying: list[str] = []
        common: list[tuple[str, str]] = []
        for col, n, empty in zip(key, distinct, nulls, strict=True):
            if empty == e.height:
                continue  # empty in every differing row: it tells nothing
            if n == 1 and e.height > 1:
                common.append((col, e.get_column(col)[0]))
            else:
                varying.append(col)
        return tuple(varying), tuple(common)

    def tables(self) -> list[tuple[str, str, int]]:
        """(op, what a table row is, how many there are) for each op with rows: changed rows show
        one table row per changed cell, added and removed rows one each."""
        s = self.diff.summary
        found = [("changed", "changed cell", self.cells.height if s.changed else 0),
                 ("added", "added row", s.added), ("removed", "removed row", s.removed)]
        return [t for t in found if t[2]]

    def changed_rows(self, cells: int) -> pl.DataFrame:
        """The first ``cells`` changed cells, each with ``first`` (it opens its row) and ``keytext``."""
        return self.cells.head(cells).with_columns(pl.col("index").is_first_distinct().alias("first"),
                                                   key_expr(self.layout[0]).alias("keytext"))


def parts(result: Result) -> list[Part]:
    if isinstance(result, ManifestDiff):
        return [Part(result.new, "unchanged" if result.equal else "changed", result, result.old, result.new)]
    # Annotations and links name the file as it sits in each tree, not the tree-relative path.
    return [Part(f.path, f.status, f.diff, posixpath.join(result.old, f.path), posixpath.join(result.new, f.path))
            for f in result.files]


class Budget:
    """Table rows (or annotations) one output may still render; ``limit`` <= 0 means no cap.

    Once spent, later tables are left out whole and only counted, so a capped tree diff ends in
    one line saying what is missing instead of a heading per table with nothing under it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit if limit > 0 else None
        self.omitted: dict[str, int] = {}

    @property
    def spent(self) -> bool:
        return self.left == 0

    def take(self, wanted: int) -> int:
        if self.left is None:
            return wanted
        got = min(wanted, self.left)
        self.left -= got
        return got

    def omit(self, noun: str, n: int) -> None:
        if n > 0:
            self.omitted[noun] = self.omitted.get(noun, 0) + n

    def note(self) -> str | None:
        if not self.omitted:
            return None
        order = ("changed cell", "added row", "removed row", "differing row")
        said = sorted(self.omitted.items(), key=lambda item: order.index(item[0]))
        return (f"Output limit of {self.limit} table rows reached; not shown: "
                + ", ".join(plural(n, noun) for noun, n in said))


def row_counts(s: DiffSummary | dict[str, int]) -> str:
    """``3 changed, 1 added`` (ops with no rows left out, unless no op has any)."""
    n = s if isinstance(s, dict) else {op: getattr(s, op) for op in ("changed", "added", "removed")}
    said = [f"{n[op]} {op}" for op in ("changed", "added", "removed") if n[op]]
    return ", ".join(said) or "0 changed, 0 added, 0 removed"


def more(total: int, shown: int, noun: str) -> str | None:
    """What a table cut short by the limit says about its rest (None when it shows them all)."""
    return f"… and {total - shown} more {noun}{'' if total - shown == 1 else 's'}" if total > shown else None


def tree_totals(files: list[FileDiff] | tuple[FileDiff, ...]) -> dict[str, int]:
    return {op: sum(getattr(f.diff.summary, op) for f in files) for op in ("changed", "added", "removed")}


def column_notes(d: ManifestDiff) -> list[str]:
    s = d.summary
    notes = [f"columns {what}: {', '.join(cols)}" for what, cols in
             (("added", s.columns_added), ("removed", s.columns_removed)) if cols]
    return notes + ([f"ignored: {', '.join(d.ignored)}"] if d.ignored else [])


def key_expr(columns: tuple[str, ...]) -> pl.Expr:
    """``Col=value, …`` of the non-empty ``columns`` of a row."""
    if not columns:
        return pl.lit("")
    return pl.concat_str([pl.lit(f"{c}=") + pl.col(c) for c in columns], separator=", ", ignore_nulls=True)


def shown_columns(d: ManifestDiff, frame: pl.DataFrame, most: int | None = None) -> list[str]:
    """Non-key, compared columns holding a value in some row of ``frame``, in record order."""
    candidates = [c for c in d.columns if c not in d.key and c not in d.ignored]
    if not frame.height or not candidates:
        return []
    filled = frame.select(pl.col(c).is_not_null().any() for c in candidates).row(0)
    found = [c for c, has in zip(candidates, filled, strict=True) if has]
    return found if most is None else found[:most]


# ---- markdown -----------------------------------------------------------------------------------

def _plain(text: str) -> str:
    """Text outside code spans (column names): markdown punctuation escaped, kept on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(_NEWLINE.split(text)))


def _code_line(text: str) -> str:
    if not text:
        return ""
    if "\\|" in text:
        # GFM would read "\|" inside a code span as an escaped pipe and drop the backslash: spell
        # every special character as an entity inside <code>, which no markdown rule touches.
        return "<code>" + "".join(f"&#{ord(ch)};" if ch in "&<>\\|`*_~[]" else ch for ch in text) + "</code>"
    # A fence one backtick longer than the longest run inside, padded when the value starts or
    # ends with a backtick (or with spaces CommonMark would strip), shows the value verbatim.
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == text[-1] == " " and text.strip()) else ""
    # GFM splits table cells on "|" before it reads code spans, so a pipe is escaped even in one.
    escaped = text.replace("|", "\\|")
    return f"{fence}{pad}{escaped}{pad}{fence}"


def md_value(value: str | None) -> str:
    """A cell value in a table cell: a code span per line, lines joined with <br>."""
    if value is None:
        return "*(empty)*"
    return "<br>".join(_code_line(line) for line in _NEWLINE.split(value))


def _md_table(header: list[str], rows: list[list[str]], aligns: str) -> list[str]:
    head = ["| " + " | ".join(header) + " |", "|" + "|".join({"r": "--:", "l": "---"}[a] for a in aligns) + "|"]
    body = ["| " + " | ".join(r) + " |" for r in rows]
    if len(rows) > FOLD_AFTER:
        return [f"<details><summary>Show {len(rows)} rows</summary>", "", *head, *body, "",
                "</details>"]
    return head + body


def _md_key(varying: tuple[str, ...]) -> tuple[str, Callable[[dict[str, Any]], str]]:
    """The key column's header, and how a row (with ``keytext``) fills it: a lone varying key
    column shows bare values under its own name, several show ``Col=value, …`` under "Key"."""
    if len(varying) == 1:
        return _plain(varying[0]), lambda r: md_value(r[varying[0]])
    return "Key", lambda r: md_value(r["keytext"] or "(empty key)")


def _md_changed(p: Part, shown: int) -> list[list[str]]:
    head, key = _md_key(p.layout[0])
    rows = [[f"{c['old_line']} → {c['new_line']}" if c["first"] else "", key(c) if c["first"] else "",
             _plain(c["column"]), md_value(c["old"]), md_value(c["new"])]
            for c in p.changed_rows(shown).iter_rows(named=True)]
    return [["Line", head, "Column", "Old", "New"], *rows]


def _md_one_sided(p: Part, op: str, shown: int) -> list[list[str]]:
    frame = (p.diff.added if op == "added" else p.diff.removed).head(shown)
    varying = p.layout[0]
    values = shown_columns(p.diff, frame, PREVIEW_COLUMNS)
    head, key = _md_key(varying)
    picked = frame.select(LINE, *varying, *values, key_expr(varying).alias("keytext"))
    rows = [[str(r[LINE]), key(r), *(md_value(r[c]) for c in values)] for r in picked.iter_rows(named=True)]
    return [["Line", head, *(_plain(c) for c in values)], *rows]


def _md_summary(p: Part, stat: bool) -> list[str]:
    s = p.diff.summary
    notes = [f"{s.unchanged} unchanged"] if s.unchanged else []
    line = f"**{row_counts(s)}** rows" + (f" ({notes[0]})" if notes else "")
    extra = column_notes(p.diff)
    out = [line + ("; " + "; ".join(_plain(n) for n in extra) if extra else "")]
    if not stat and (common := p.layout[1]):  # --stat reads only the summary, never the rows
        out += ["", "All differing rows share " + ", ".join(md_value(f"{c}={v}") for c, v in common)]
    return out


def _md_file(p: Part, level: int, stat: bool, budget: Budget) -> list[str]:
    if p.diff.equal:
        return ["No differences."]
    out = _md_summary(p, stat)
    for op, noun, total in [] if stat else p.tables():
        if budget.spent:
            budget.omit(noun, total)
            continue
        shown = budget.take(total)
        header, *rows = _md_changed(p, shown) if op == "changed" else _md_one_sided(p, op, shown)
        rest = more(total, shown, noun)
        out += ["", f"{'#' * level} {op.capitalize()} rows ({getattr(p.diff.summary, op)})", "",
                *_md_table(header, rows, "r" + "l" * (len(header) - 1)), *([f"*{rest}*"] if rest else [])]
    return out


def _md_tree(tree: TreeDiff, stat: bool, budget: Budget) -> list[str]:
    differ = [p for p in parts(tree) if p.status != "unchanged"]
    out = [f"## omm diff {md_value(tree.old)} → {md_value(tree.new)}", ""]
    if tree.equal:
        return out + [f"No differences in {len(tree.files)} manifests."]
    out += [f"**{len(differ)} of {len(tree.files)} manifests differ**: {row_counts(tree_totals(tree.files))} rows",
            "", "| Manifest | Status | Added | Removed | Changed |", "|---|---|--:|--:|--:|"]
    out += [f"| {md_value(f.path)} | {f.status} | +{f.diff.summary.added} | −{f.diff.summary.removed} | "
            f"~{f.diff.summary.changed} |" for f in tree.files]
    if tree.skipped:
        out += ["", "Skipped: " + "; ".join(md_value(s) for s in tree.skipped)]
    if stat:
        return out
    for p in differ:
        out += ["", f"### {md_value(p.name)} ({p.status})", "", *_md_file(p, 4, stat, budget)]
    return out


def markdown(result: Result, stat: bool = False, limit: int = 200) -> str:
    """A pull-request comment: summary, then tables of changed cells, added and removed rows;
    at most ``limit`` table rows in all (0: no cap)."""
    budget = Budget(limit)
    if isinstance(result, TreeDiff):
        lines = _md_tree(result, stat, budget)
    else:
        lines = [f"## omm diff {md_value(result.old)} → {md_value(result.new)}", "",
                 *_md_file(parts(result)[0], 3, stat, budget)]
    if note := budget.note():
        lines += ["", f"*{note}*"]
    return "\n".join(lines) + "\n"


# ---- github -------------------------------------------------------------------------------------

def _quoted(value: Any) -> str:
    return "(empty)" if value is None else repr(value)


def _gh_rows(p: Part, budget: Budget) -> list[str]:
    """Annotations of the differing rows in file order (NEW's lines, then the removed rows)."""
    entries = p.entries.sort("new_line", "old_line", nulls_last=True)
    shown = entries.head(budget.take(entries.height)).with_columns(key_expr(p.diff.key).alias("__key"))
    budget.omit("differing row", entries.height - shown.height)
    rows = shown.filter(pl.col("op") == "changed").get_column("index")
    cells: dict[int, list[str]] = {}
    for c in p.cells.filter(pl.col("index").is_in(rows.implode())).iter_rows(named=True):
        cells.setdefault(c["index"], []).append(f"{c['column']}: {_quoted(c['old'])} → {_quoted(c['new'])}")
    out: list[str] = []
    for e in shown.iter_rows(named=True):
        key = e["__key"] or "(empty key)"
        if e["op"] == "changed":
            out.append(github_annotation("notice", f"{key}: " + "; ".join(cells.get(e["index"], [])), p.new,
                                         e["new_line"], "omm diff: changed"))
        elif e["op"] == "added":
            out.append(github_annotation("notice", f"added row {key}", p.new, e["new_line"], "omm diff: added"))
        else:  # the row is not in NEW: annotate the file, and say where it was in OLD
            out.append(github_annotation("warning", f"removed row {key} (line {e['old_line']} of {p.old})",
                                         p.new if p.status != "removed" else p.old, None, "omm diff: removed"))
    return out


def github(result: Result, stat: bool = False, limit: int = 200) -> str:
    """GitHub Actions annotations: one per file that differs, then one per differing row at its
    line in NEW (removed rows at file level), at most ``limit`` rows, then a closing count."""
    budget = Budget(limit)
    lines: list[str] = []
    for p in parts(result):
        if p.diff.equal:
            continue
        what = f"{p.name} ({p.status} file)" if p.status in ("added", "removed") else p.name
        summary = "; ".join([f"{what}: {row_counts(p.diff.summary)} rows", *column_notes(p.diff)])
        lines.append(github_annotation("notice", summary, p.new if p.status != "removed" else p.old, None,
                                       "omm diff"))
        lines += [] if stat else _gh_rows(p, budget)
    if left_out := budget.omitted.get("differing row"):
        lines.append(github_annotation("warning", f"{left_out} more differing rows not annotated (limit {limit})",
                                       title="omm diff"))
    return "\n".join(lines) + ("\n" if lines else "")


# ---- html ---------------------------------------------------------------------------------------

def html(result: Result, stat: bool = False, limit: int = 5000) -> str:
    """A standalone review page (no network): summary, a filter, a table per op, old red, new green."""
    from toolkit.render.diff_html import page  # imported here: diff_html builds on this module

    return page(result, stat, limit)
