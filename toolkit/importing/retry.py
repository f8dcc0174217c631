"""``omm jobs retry ID`` (SPEC §6): re-run an import from its saved input, for the rows that did not succeed.

A job that finished (Failed, CompletedWithErrors) has a result manifest: its rows that did not
succeed — with the ids and versions the first run filled in — are imported again, as a new job
named ``retry of <id>`` with the options of the first (``jobs/<id>/options.json``). A job that
never finished (Interrupted, Cancelled, or Failed before it wrote a result) changed nothing, so
its whole saved input is imported again. Lines that could not be parsed are not retried: fix them
in the file and import it again.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from toolkit.errors import UsageError
from toolkit.importing.job import ImportOptions, import_bytes
from toolkit.importing.result import ImportResult
from toolkit.importing.rows import RESULT_COLUMNS
from toolkit.jobs import JOBS_DIR, find_job
from toolkit.tsv import manifest_bytes, read_manifest
from toolkit.workspace import Tenant

RETRYABLE = ("Failed", "Interrupted", "CompletedWithErrors", "Cancelled")


def _saved(t: Tenant, job_id: str, name: str) -> Path:
    path = t.root / JOBS_DIR / job_id / name
    if not path.is_file():
        raise UsageError(f"job {job_id} has no saved {name}, so it cannot be retried",
                         "import the manifest again with omm import")
    return path


def retry_input(t: Tenant, job_id: str) -> bytes:
    """The manifest a retry imports: the result's rows that did not succeed, else the whole input."""
    result = t.root / JOBS_DIR / job_id / "result.tsv"
    if not result.is_file():
        return _saved(t, job_id, "input.tsv").read_bytes()
    m = read_manifest(result)
    data_cols = [c for c in m.frame.columns if c not in RESULT_COLUMNS]
    parsed = pl.any_horizontal(pl.col(c).is_not_null() for c in data_cols) if data_cols else pl.lit(False)
    again = m.frame.filter(pl.col("Result").ne_missing("Succeeded") & parsed).drop(
        [c for c in RESULT_COLUMNS if c in m.frame.columns])
    return manifest_bytes(again, m.kind, sort=False)


def retry(workspace: Path, job_id: str, tenant_id: str | None = None, *, wait: float = 0,
          on_progress=None) -> ImportResult:  # type: ignore[no-untyped-def]
    t, record = find_job(workspace, job_id, tenant_id)
    if record.job_type != "Import":
        raise UsageError(f"job {job_id} is a {record.job_type} job; only Import jobs can be retried",
                         f"run the {record.job_type.lower()} command again")
    if record.status not in RETRYABLE:
        raise UsageError(f"job {job_id} is {record.status}; only {', '.join(RETRYABLE)} jobs can be retried",
                         "nothing to retry" if record.status == "Succeeded" else "wait for it to finish")
    opts = ImportOptions.from_json(_saved(t, job_id, "options.json").read_bytes())
    raw = retry_input(t, job_id)
    retried = ImportOptions(**{**opts.__dict__, "name": f"retry of {job_id}"})
    return import_bytes(t, raw, "input.tsv", retried, wait=wait, on_progress=on_progress)
