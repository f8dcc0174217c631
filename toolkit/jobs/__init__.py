"""The job log of a tenant (SPEC §2, §4 jobs, §6 ``omm jobs``, §7): ``jobs/jobs.tsv`` and ``jobs/<id>/``.

A job is one recorded run of an import, export, publish, sync, copy, checkout, checkin or discard. Commands run their work
inside :func:`run_job`, which holds the tenant's writer lock for the job's whole life::

    from toolkit.jobs import run_job

    with run_job(t, "import", name="spring", user="ana", wait=0, command="omm import") as job:
        job.stage_bytes("input.tsv", raw)                  # jobs/<id>/input.tsv
        job.txn.write_bytes("cms/media.tsv", new_media)    # the work, staged in one transaction
        job.finish(total=10, succeeded=9, failed=1, result_path=job.stage_bytes("result.tsv", out))
    job.outcome.to_dict()   # {"job", "status", "rows": {...}, "result"} (SPEC §6)

- On entry (lock held): :func:`toolkit.store.recover`, InProgress rows of dead processes become
  Interrupted, and the new job's InProgress row is *committed* (so a crash leaves evidence) with
  ``jobs/<id>/`` created.
- Normal exit: the work and the final job row are committed in ONE transaction (all or nothing).
- KeyboardInterrupt: the work is discarded, the row is committed as Cancelled, the interrupt re-raised.
- Any other exception: the work is discarded, the row is committed as Failed with the error in
  Description, the exception re-raised.

Interrupted: the lock is held for a job's whole life and the kernel releases it when the process
dies (``kill -9`` included), so an InProgress row while nobody holds the lock belongs to a dead
process. Writers rewrite such rows (FinishedOn = when it was noticed); readers
(:func:`read_jobs`) show them as Interrupted without writing.
"""

from toolkit.jobs.log import (
    CANCELLED_NOTE,
    COLUMNS,
    FINAL_STATUSES,
    INTERRUPTED_NOTE,
    JOB_TYPES,
    JOBS_DIR,
    JOBS_FILE,
    STATUSES,
    JobDetail,
    JobOutcome,
    JobRecord,
    find_job,
    job_files,
    list_jobs,
    new_job_id,
    read_jobs,
    show_job,
)
from toolkit.jobs.runner import Job, run_job

__all__ = ["CANCELLED_NOTE", "COLUMNS", "FINAL_STATUSES", "INTERRUPTED_NOTE", "JOBS_DIR", "JOBS_FILE", "JOB_TYPES",
           "STATUSES", "Job", "JobDetail", "JobOutcome", "JobRecord", "find_job", "job_files", "list_jobs",
           "new_job_id", "read_jobs", "run_job", "show_job"]
