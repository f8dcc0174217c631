"""Findings: one problem at one place of one file, as every report shows it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from toolkit.tsv import Manifest


@dataclass(frozen=True, order=True)
class Finding:
    """A problem at ``file``:``line`` (1-based, the header is line 1) in ``column``.

    Fields are ordered so that sorting findings sorts them by place, then rule.
    """

    file: str
    line: int
    column: str
    rule: str
    value: str | None
    message: str

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        return {k: d[k] for k in ("file", "line", "column", "value", "rule", "message")}


def findings_from(manifest: Manifest, rows: pl.DataFrame) -> list[Finding]:
    """Findings for rows (``row`` indexes into the manifest's frame, with ``column``, ``rule``,
    ``value``, ``message``), placed at the manifest's line numbers and showing values as written."""
    if rows.height == 0:
        return []
    lines = manifest.line_numbers()
    placed = rows.with_columns(line=lines.gather(rows.get_column("row")))
    # Show each value as the file wrote it, not in its canonical spelling.
    parts = [
        group.with_columns(value=manifest.written(str(col), group.get_column("row")))
        if col in manifest.header else group
        for (col,), group in placed.group_by(["column"], maintain_order=True)
    ]
    placed = pl.concat(parts)
    return [
        Finding(manifest.path, r["line"], r["column"], r["rule"], r["value"], r["message"])
        for r in placed.iter_rows(named=True)
    ]
