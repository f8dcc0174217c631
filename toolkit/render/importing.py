"""Renderers of ``omm import`` and ``omm jobs retry``: a summary for people, JSON equal to ``to_dict()``."""

from __future__ import annotations

from toolkit.importing.result import ImportResult
from toolkit.render.common import to_json


def result(r: ImportResult, fmt: str) -> str:
    """stdout: the JSON of SPEC §6 with --format json, nothing otherwise (the summary is a message)."""
    return to_json(r.to_dict()) if fmt == "json" else ""


def summary(r: ImportResult) -> str:
    rows = r.rows
    lines = [f"import {r.kind} into {r.tenant}: job {r.job} {r.status} — {rows.total} rows: {rows.succeeded} "
             f"succeeded, {rows.failed} failed, {rows.skipped} skipped"]
    if r.error_codes:
        lines.append("error codes: " + ", ".join(f"{code} {n}" for code, n in r.error_codes))
    if r.result:
        lines.append(f"result manifest: tenants/{r.tenant}/{r.result}")
    if rows.failed:
        lines.append(f"fix the failed rows in the result manifest and import it again, or: omm jobs retry {r.job} "
                     f"--tenant {r.tenant}")
    return "\n".join(lines)
