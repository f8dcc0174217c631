"""Renderers of ``omm jobs`` and ``omm jobs show``: a table / fields for people, JSON equal to ``to_dict()``."""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.jobs import COLUMNS, JobDetail, JobRecord
from toolkit.render.common import to_json


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in rows)


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def job_list(jobs: Sequence[JobRecord], fmt: str) -> str:
    """One line per job (rows: total/succeeded/failed/skipped, ``-`` when not counted); JSON: the rows."""
    if fmt == "json":
        return to_json([j.to_dict() for j in jobs])
    if not jobs:
        return ""
    rows = [["tenant", "job", "type", "status", "created", "finished", "rows t/s/f/k", "name"]]
    rows += [[j.tenant, j.job_id, j.job_type, j.status, j.created_on, j.finished_on or "-",
              "/".join(_n(n) for n in (j.rows_total, j.rows_succeeded, j.rows_failed, j.rows_skipped)), j.name]
             for j in jobs]
    return _table(rows)


def job_show(detail: JobDetail, fmt: str) -> str:
    """Every column of the job's row, then the files under ``jobs/<id>/``; JSON: the row."""
    if fmt == "json":
        return to_json(detail.to_dict())
    row = detail.record.to_dict()
    out = _table([[c, row[c]] for c in COLUMNS])
    out += f"files in jobs/{detail.record.job_id}/:" + ("" if detail.files else " none") + "\n"
    out += "".join(f"  {f}\n" for f in detail.files)
    return out
