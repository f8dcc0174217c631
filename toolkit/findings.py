"""Findings: one problem at one place of one file, as every report shows it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
