"""``omm jobs retry ID`` (SPEC §6): re-run an import from its saved input, for the rows that did not succeed.

A job that finished (Failed, CompletedWithErrors) has a result manifest: its rows that did not
succeed — with the ids and versions the first run filled in — are imported again, as a new job
named ``retry of <id>`` with the options of the first (``jobs/<id>/options.json``). A job that
never finished (Interrupted, Cancelled, or Failed before it wrote a result) changed nothing, so
its whole saved input is imported again. Lines that could not be parsed are not retried: fix them
in the file and import it again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from toolkit.errors import UsageError
from toolkit.importing.job import ImportOptions, Progress, import_bytes
from toolkit.importing.result import ImportResult
from toolkit.importing.rows import RESULT_COLUMNS
from toolkit.jobs import JOBS_DIR, JobRecord
from toolkit.retrying import retryable
from toolkit.tsv import manifest_bytes, read_manifest, read_manifest_bytes
from toolkit.workspace import Tenant


def _saved(t: Tenant, job_id: str, name: str) -> Path:
    path = t.root / JOBS_DIR / job_id / name
    if not path.is_file():
        raise UsageError(f"job {job_id} has no saved {name}, so it cannot be retried",
                         "import the manifest again with omm import")
    return path


def retry_input(t: Tenant, job_id: str, kind: str | None = None) -> bytes:
    """The manifest a retry imports: the result's rows that did not succeed, else the whole input."""
    result = t.root / JOBS_DIR / job_id / "result.tsv"
    if not result.is_file():
        return _saved(t, job_id, "input.tsv").read_bytes()
    m = read_manifest(result, kind)
    # A line that could not be parsed has no row to retry (reading fills defaults such as Neutral
    # into its empty cells, so it is known by its ErrorCode, not by empty cells).
    parsed = pl.col("ErrorCode").ne_missing("MalformedRow") if "ErrorCode" in m.frame.columns else pl.lit(True)
    again = m.frame.filter(pl.col("Result").ne_missing("Succeeded") & parsed).drop(
        [c for c in RESULT_COLUMNS if c in m.frame.columns])
    return manifest_bytes(again, m.kind, sort=False)


def _kind(t: Tenant, record: JobRecord, opts: ImportOptions) -> str:
    """The kind the job imported. Detection may have used the file's name, which a job named
    after its file (no --name) still has; the retry's own file names, input.tsv and result.tsv, do not."""
    if opts.kind:
        return opts.kind
    raw = _saved(t, record.job_id, "input.tsv").read_bytes()
    return read_manifest_bytes(raw, "input.tsv" if opts.name else record.name, strict=False).kind.name


def retry_import(t: Tenant, record: JobRecord, *, wait: float = 0, on_progress: Progress | None = None
                 ) -> ImportResult:
    """Import again, as a new job, what Import job ``record`` of ``t`` (known to be retryable) did not do."""
    opts = ImportOptions.from_json(_saved(t, record.job_id, "options.json").read_bytes())
    kind = _kind(t, record, opts)
    raw = retry_input(t, record.job_id, kind)
    retried = replace(opts, name=f"retry of {record.job_id}", kind=kind)
    return import_bytes(t, raw, "input.tsv", retried, wait=wait, on_progress=on_progress)


def retry(workspace: Path, job_id: str, tenant_id: str | None = None, *, wait: float = 0,
          on_progress: Progress | None = None) -> ImportResult:
    """Retry Import job ``job_id`` (of ``tenant_id``, else of whichever tenant has it) as a new job;
    any other job is refused (``toolkit.retrying.retry`` retries every type that can be)."""
    t, record = retryable(workspace, job_id, tenant_id, wait=wait, types=("Import",))
    return retry_import(t, record, wait=wait, on_progress=on_progress)
