"""``omm diff --format html``: one standalone page a reviewer opens from a CI artifact or a mail.

No network at all (inline CSS and a few lines of script, and a Content-Security-Policy that forbids
anything else), every value HTML-escaped, and no timestamps or random ids, so the page is a
deterministic function of the diff and can be golden-tested.
"""

from __future__ import annotations

from html import escape
from typing import Any

from toolkit.delta.result import LINE, ManifestDiff, TreeDiff
from toolkit.render.diff_review import (
    Budget,
    Part,
    Result,
    column_notes,
    more,
    parts,
    row_counts,
    shown_columns,
    tree_totals,
)

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1f2328}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem}
code,td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
table{border-collapse:collapse;margin:.5rem 0 1rem}.wrap{overflow-x:auto}
th,td{border:1px solid #d0d7de;padding:2px 6px;vertical-align:top}
th{background:#f6f8fa;text-align:left;font-family:inherit}td{white-space:pre-wrap;word-break:break-word}
td.line{text-align:right;color:#57606a;white-space:nowrap}tr.cont td.key,tr.cont td.line{color:#afb8c1}
td.old,.n.removed{background:#ffebe9}td.new,.n.added{background:#dafbe1}.n.changed{background:#fff8c5}
del,ins{text-decoration:none}.changed del{text-decoration:line-through #cf222e}
.empty{color:#8c959f;font-style:italic}.n{padding:1px 6px;border-radius:8px;margin-right:4px}
.notes,.more{color:#57606a}
.controls{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #d0d7de}
.controls input[type=search]{width:24rem;max-width:60%}
"""
# Filters rows by text and by op; rows carry their key, so a key typed in the box finds its cells.
_SCRIPT = """
const q=document.getElementById('q'),ops=[...document.querySelectorAll('input[data-op]')];
function apply(){const t=q.value.toLowerCase(),on=new Set(ops.filter(b=>b.checked).map(b=>b.dataset.op));
for(const r of document.querySelectorAll('tr[data-op]'))
r.hidden=!on.has(r.dataset.op)||(t!==''&&!r.textContent.toLowerCase().includes(t));}
q.addEventListener('input',apply);ops.forEach(b=>b.addEventListener('change',apply));
"""


def _v(value: Any, tag: str | None = None) -> str:
    """A cell value escaped; empty cells marked, old values in <del>, new in <ins>."""
    if value is None:
        return '<span class="empty">(empty)</span>'
    text = escape(str(value))
    return f"<{tag}>{text}</{tag}>" if tag else text


def _table(op: str, header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return (f'<div class="wrap"><table class="rows {op}"><thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody></table></div>")


def _changed(p: Part, shown: int) -> str:
    varying = p.layout[0]
    rows = []
    for c in p.changed_rows(shown).iter_rows(named=True):
        keys = "".join(f'<td class="key">{_v(c[k])}</td>' for k in varying)
        rows.append(f'<tr data-op="changed" class="{"first" if c["first"] else "cont"}">'
                    f'<td class="line">{c["old_line"]} → {c["new_line"]}</td>{keys}'
                    f'<td class="col">{escape(c["column"])}</td><td class="old">{_v(c["old"], "del")}</td>'
                    f'<td class="new">{_v(c["new"], "ins")}</td></tr>')
    return _table("changed", ["Line", *varying, "Column", "Old", "New"], rows)


def _one_sided(p: Part, op: str, shown: int) -> str:
    frame = (p.diff.added if op == "added" else p.diff.removed).head(shown)
    varying = p.layout[0]
    values = shown_columns(p.diff, frame)  # a page has room for the whole row
    side, tag = ("new", "ins") if op == "added" else ("old", "del")
    rows = []
    for r in frame.select(LINE, *varying, *values).iter_rows(named=True):
        keys = "".join(f'<td class="key">{_v(r[k])}</td>' for k in varying)
        cells = "".join(f'<td class="{side}">{_v(r[c], tag)}</td>' for c in values)
        rows.append(f'<tr data-op="{op}"><td class="line">{r[LINE]}</td>{keys}{cells}</tr>')
    return _table(op, ["Line", *varying, *values], rows)


def _counts(d: ManifestDiff) -> str:
    s = d.summary
    spans = [f'<span class="n {op}">{getattr(s, op)} {op}</span>' for op in ("changed", "added", "removed")]
    return '<p class="counts">' + " ".join(spans) + f' <span class="n">{s.unchanged} unchanged</span></p>'


def _section(p: Part, anchor: str, stat: bool, budget: Budget) -> list[str]:
    d = p.diff
    out = [f'<section class="file" id="{anchor}">',
           f'<h2><code>{escape(p.name)}</code> <span class="status">{escape(p.status)}</span></h2>']
    if d.equal:
        return [*out, "<p>No differences.</p>", "</section>"]
    out.append(_counts(d))
    common = () if stat else p.layout[1]  # --stat reads only the summary, never the rows
    notes = column_notes(d) + (["all differing rows share " + ", ".join(f"{c}={v}" for c, v in common)]
                               if common else [])
    out += [f'<p class="notes">{escape(n)}</p>' for n in notes]
    for op, noun, total in [] if stat else p.tables():
        if budget.spent:
            budget.omit(noun, total)
            continue
        shown = budget.take(total)
        rest = more(total, shown, noun)
        out += [f"<h3>{op.capitalize()} rows ({getattr(d.summary, op)})</h3>",
                _changed(p, shown) if op == "changed" else _one_sided(p, op, shown),
                *([f'<p class="more">{escape(rest)}</p>'] if rest else [])]
    return [*out, "</section>"]


def _index(tree: TreeDiff, anchors: dict[str, str]) -> list[str]:
    rows = []
    for f in tree.files:
        s = f.diff.summary
        name = f'<a href="#{anchors[f.path]}">{escape(f.path)}</a>' if f.path in anchors else escape(f.path)
        rows.append(f"<tr><td>{name}</td><td>{escape(f.status)}</td><td>+{s.added}</td><td>−{s.removed}</td>"
                    f"<td>~{s.changed}</td></tr>")
    out = ['<nav class="index">', _table("index", ["Manifest", "Status", "Added", "Removed", "Changed"], rows)]
    if tree.skipped:
        out += ["<p>Skipped:</p>", "<ul>", *(f"<li>{escape(s)}</li>" for s in tree.skipped), "</ul>"]
    return [*out, "</nav>"]


def _controls() -> str:
    boxes = "".join(f'<label><input type="checkbox" data-op="{op}" checked> {op}</label> '
                    for op in ("changed", "added", "removed"))
    return (f'<div class="controls"><input type="search" id="q" placeholder="filter rows (key, column, value)" '
            f'aria-label="filter rows"> {boxes.rstrip()}</div>')


def page(result: Result, stat: bool = False, limit: int = 5000) -> str:
    ps, budget = parts(result), Budget(limit)
    title = f"omm diff {result.old} → {result.new}"
    body = [f"<h1>{escape(title)}</h1>"]
    if isinstance(result, TreeDiff):
        differ = [p for p in ps if p.status != "unchanged"]
        verdict = (f"{len(differ)} of {len(ps)} manifests differ: {row_counts(tree_totals(result.files))} rows"
                   if differ else f"No differences in {len(ps)} manifests.")
        anchors = {p.name: f"f{i}" for i, p in enumerate(differ, 1)}
        body += [f'<p class="summary">{escape(verdict)}</p>', *_index(result, anchors)]
    else:
        differ, anchors = ps, {ps[0].name: "f1"}
    if not (stat or result.equal):
        body.append(_controls())
    for p in differ:
        body += _section(p, anchors[p.name], stat, budget)
    if note := budget.note():
        body.append(f'<p class="more">{escape(note)}</p>')
    script = f"<script>{_SCRIPT}</script>\n" if not (stat or result.equal) else ""
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + f"\n{script}</body>\n</html>\n")

