"""``omm jobs retry ID`` (SPEC §6): re-run a job that did not succeed, from its saved input, by its type.

- **Import** (:mod:`toolkit.importing.retry`): the rows of its result manifest that did not succeed,
  or its whole saved input when it never finished, with the options of the first run;
- **Copy** (:mod:`toolkit.copying.retry`): the whole copy again (a copy is all or nothing, so an
  unfinished one changed nothing), with the saved options and mapping, confirmed;
- any other type is refused: its command is run again instead.

Only a Failed, Interrupted, Cancelled or CompletedWithErrors job is retried, as a new job named
``retry of <id>`` in the same tenant. A job shown Interrupted may have died past its commit point:
the recovery the next writer runs then completes it (Succeeded), so that recovery runs first, and a
job it completes is not retried (it would do again what the job did).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import UsageError
from toolkit.jobs import JobRecord, find_job
from toolkit.store import tenant_writer
from toolkit.workspace import Tenant

if TYPE_CHECKING:
    from toolkit.copying.job import CopyResult
    from toolkit.copying.snapshot import Progress as CopyProgress
    from toolkit.importing.job import Progress as ImportProgress
    from toolkit.importing.result import ImportResult

RETRYABLE = ("Failed", "Interrupted", "CompletedWithErrors", "Cancelled")
RETRIED_TYPES = ("Import", "Copy")


def _find(workspace: Path, job_id: str, tenant_id: str | None, wait: float) -> tuple[Tenant, JobRecord]:
    """The job as it really stands: one shown Interrupted is looked at again once the recovery ran."""
    t, record = find_job(workspace, job_id, tenant_id)
    if record.status != "Interrupted":
        return t, record
    with tenant_writer(t, wait=wait, command="omm jobs retry", dry_run=True):
        pass  # taking the writer lock recovers; a dry run commits nothing of its own
    return find_job(workspace, job_id, t.id)


def retryable(workspace: Path, job_id: str, tenant_id: str | None = None, *, wait: float = 0,
              types: tuple[str, ...] = RETRIED_TYPES) -> tuple[Tenant, JobRecord]:
    """Job ``job_id`` (of ``tenant_id``, else of whichever tenant has it) and its tenant, once it is
    known to be of one of ``types`` and in a state a retry re-runs; UsageError (exit 2) otherwise."""
    t, record = _find(workspace, job_id, tenant_id, wait)
    if record.job_type not in types:
        kinds = " and ".join(types)
        raise UsageError(f"job {job_id} is a {record.job_type} job; only {kinds} jobs can be retried",
                         f"run the {record.job_type.lower()} command again")
    if record.status not in RETRYABLE:
        raise UsageError(f"job {job_id} is {record.status}; only {', '.join(RETRYABLE)} jobs can be retried",
                         "nothing to retry" if record.status == "Succeeded" else "wait for it to finish")
    return t, record


def retry(workspace: Path, job_id: str, tenant_id: str | None = None, *, wait: float = 0,
          on_import_progress: ImportProgress | None = None,
          on_copy_progress: CopyProgress | None = None) -> ImportResult | CopyResult:
    """Retry job ``job_id`` as a new job of its type; its result (an import's or a copy's)."""
    t, record = retryable(workspace, job_id, tenant_id, wait=wait)
    if record.job_type == "Copy":
        from toolkit.copying.retry import retry_copy

        return retry_copy(workspace, t, record, wait=wait, on_progress=on_copy_progress)
    from toolkit.importing.retry import retry_import

    return retry_import(t, record, wait=wait, on_progress=on_import_progress)
