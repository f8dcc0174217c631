"""``run_job``: the frame every tenant-changing command runs in (lock, InProgress row, one commit)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from toolkit.errors import OmmError, UsageError, WorkspaceError
from toolkit.store import CommitResult, Recovery, Transaction, recover, tenant_lock
from toolkit.store.interrupts import uninterrupted
from toolkit.store.paths import fsync_dir
from toolkit.workspace import Tenant

if TYPE_CHECKING:
    import polars as pl

from toolkit.jobs.log import (
    _DESCRIPTION_MAX,
    _JOB_FILE,
    CANCELLED_NOTE,
    JOB_TYPES,
    JOBS_DIR,
    JOBS_FILE,
    JobOutcome,
    JobRecord,
    _check_status,
    _jobs_frame,
    _mark_interrupted,
    _now,
    _stage_log,
    _upsert,
    new_job_id,
)


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _DESCRIPTION_MAX else flat[:_DESCRIPTION_MAX - 1] + "…"


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, OmmError):
        return _one_line(f"failed: {exc}")
    return _one_line(f"failed: {type(exc).__name__}: {exc}")


def _job_type(job_type: str) -> str:
    canonical = next((j for j in JOB_TYPES if j.lower() == job_type.lower()), None)
    if canonical is None:
        raise UsageError(f"unknown job type {job_type!r}", f"use one of {', '.join(JOB_TYPES)}")
    return canonical


def _user(user: str | None) -> str:
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


@dataclass
class Job:
    """The running job :func:`run_job` yields: stage the work in :attr:`txn`, the job's own files
    with :meth:`stage_bytes` / :meth:`stage_file`, then say how it went with :meth:`finish`.
    After the ``with`` block, :attr:`outcome` (and :attr:`result`, the work's commit) are set."""

    id: str
    tenant: Tenant
    txn: Transaction
    record: JobRecord
    interrupted: int = 0  # stale InProgress rows this job found and marked Interrupted
    outcome: JobOutcome | None = None
    result: CommitResult | None = None
    _counts: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)
    _status: str | None = None
    _result_path: str = ""
    _description: str = ""

    @property
    def dir(self) -> str:
        """``jobs/<id>``, relative to the tenant."""
        return f"{JOBS_DIR}/{self.id}"

    def file(self, name: str | PurePath) -> str:
        """The tenant-relative path of ``jobs/<id>/<name>`` (``input.tsv``, ``result.tsv``, ``plan.tsv``)."""
        rel = PurePath(name).as_posix()
        if not _JOB_FILE.match(rel):
            raise UsageError(f"invalid job file name {str(name)!r}", "use a plain relative name such as result.tsv")
        return f"{self.dir}/{rel}"

    def stage_bytes(self, name: str | PurePath, data: bytes) -> str:
        """Stage ``jobs/<id>/<name>`` with ``data`` in the job's transaction; returns its path."""
        rel = self.file(name)
        self.txn.write_bytes(rel, data)
        return rel

    def stage_file(self, name: str | PurePath, source: Path, *, move: bool = False) -> str:
        """Stage ``jobs/<id>/<name>`` from the file ``source`` (see :meth:`Transaction.write_file`)."""
        rel = self.file(name)
        self.txn.write_file(rel, source, move=move)
        return rel

    def finish(self, *, total: int | None = None, succeeded: int | None = None, failed: int | None = None,
               skipped: int | None = None, result_path: str | None = None, description: str | None = None,
               status: str | None = None) -> None:
        """Record the row counts (and the result manifest, relative to the tenant). The status
        follows from them unless given: no failed row → Succeeded; failed rows and some that
        succeeded or were skipped → CompletedWithErrors; only failed rows → Failed."""
        for n in (total, succeeded, failed, skipped):
            if n is not None and n < 0:
                raise ValueError("row counts cannot be negative")
        self._counts = (total, succeeded, failed, skipped)
        if result_path is not None:
            self._result_path = result_path
        if description is not None:
            self._description = _one_line(description)
        if status is not None:
            status = _check_status(status)
            if status not in ("Succeeded", "CompletedWithErrors", "Failed"):
                raise ValueError(f"a job cannot finish as {status}")
        self._status = status

    def _final_status(self) -> str:
        if self._status:
            return self._status
        _, succeeded, failed, skipped = self._counts
        if not failed:
            return "Succeeded"
        return "CompletedWithErrors" if (succeeded or skipped) else "Failed"

    def _ended(self, status: str, description: str, *, counts: bool) -> JobRecord:
        total, succeeded, failed, skipped = self._counts if counts else (None, None, None, None)
        return JobRecord(self.id, self.record.job_type, self.record.tenant, status, self.record.created_on,
                         self.record.started_on, _now(), self.record.created_by, self.record.name, description,
                         total, succeeded, failed, skipped, self._result_path if counts else "")

    def _set_outcome(self, record: JobRecord) -> None:
        self.record = record
        self.outcome = JobOutcome(self.id, self.tenant.id, record.status, record.rows_total, record.rows_succeeded,
                                  record.rows_failed, record.rows_skipped, record.result_path or None)


def _record_end(job: Job, status: str, description: str, command: str) -> None:
    """Commit the job's row alone (Cancelled / Failed): the work was discarded."""
    record = job._ended(status, description, counts=False)
    txn = Transaction(job.tenant.root, command=command)
    try:
        _stage_log(txn, _upsert(_jobs_frame(job.tenant.root), record))
    except BaseException:
        txn.discard()
        raise
    txn.commit()
    job._set_outcome(record)


def _cancel(job: Job, command: str, work: Transaction | None = None) -> None:
    """Discard the job's work and commit its row as Cancelled — once, to the end, though the
    interrupt is still under way (see :mod:`toolkit.store.interrupts`)."""
    def cancel() -> None:
        if work is not None:
            work.discard()
        if job.record.status == "InProgress":
            _record_end(job, "Cancelled", CANCELLED_NOTE, command)

    uninterrupted(cancel)


def _start(t: Tenant, frame: pl.DataFrame, record: JobRecord, inputs: dict[str, bytes], cmd: str,
           recovered: Recovery, interrupted: int) -> Job:
    """Commit the InProgress row (and the saved inputs); a Ctrl-C once it is on disk is recorded
    as Cancelled rather than left InProgress (which would read as Interrupted)."""
    start = Transaction(t.root, command=cmd)
    try:
        _stage_log(start, _upsert(frame, record))
        for file_name, data in inputs.items():
            start.write_bytes(f"{JOBS_DIR}/{record.job_id}/{file_name}", data)
    except BaseException:
        start.discard()
        raise
    work = Transaction(t.root, command=cmd)
    work.recovered = recovered
    job = Job(record.job_id, t, work, record, interrupted, _description=record.description)
    try:
        start.commit()  # the InProgress row is on disk before any work: a crash leaves evidence
        job_dir = t.root / JOBS_DIR / record.job_id
        job_dir.mkdir(parents=True, exist_ok=True)
        fsync_dir(job_dir.parent)
    except KeyboardInterrupt:
        if start.result is not None:
            try:
                _cancel(job, cmd)
            except KeyboardInterrupt:  # the Ctrl-C's echo fired on entering _cancel: nothing of it ran
                _cancel(job, cmd)
        raise
    return job


@contextmanager
def run_job(t: Tenant, job_type: str, *, name: str = "", user: str | None = None, description: str = "",
            wait: float = 0, command: str | None = None, inputs: dict[str, bytes] | None = None) -> Iterator[Job]:
    """Run a job in tenant ``t`` under its writer lock, recorded in ``jobs/jobs.tsv`` (module doc).

    ``job_type`` is one of the jobs kind's JobType values (Import, Export, Publish, Sync, Copy, Checkout, Checkin, Discard; any case); ``user`` defaults to the
    login name; ``wait`` as for :func:`toolkit.store.tenant_writer` (raises
    :class:`toolkit.errors.TenantBusyError`). The work staged in ``job.txn`` and the final job row
    are committed together; an exception discards the work and records Cancelled
    (KeyboardInterrupt) or Failed, then propagates. ``inputs`` (name → bytes) are saved as
    ``jobs/<id>/<name>`` together with the InProgress row, so that a job that dies or is cancelled
    can still be retried from them.
    """
    jtype = _job_type(job_type)
    cmd = command or f"omm {jtype.lower()}"
    with tenant_lock(t.root, t.id, wait=wait, command=cmd):
        recovered = recover(t.root)
        now = _now()
        frame, interrupted = _mark_interrupted(_jobs_frame(t.root), now)
        job_id = new_job_id()
        while (t.root / JOBS_DIR / job_id).exists() or (frame.get_column("JobId") == job_id).any():
            job_id = new_job_id()
        record = JobRecord(job_id, jtype, t.id, "InProgress", now, now, "", _user(user), _one_line(name),
                           _one_line(description))
        job = _start(t, frame, record, inputs or {}, cmd, recovered, interrupted)
        work = job.txn
        final: JobRecord | None = None
        try:
            yield job
            if JOBS_FILE in {op.path for op in work.operations}:
                raise WorkspaceError(f"job {job.id} staged {JOBS_FILE} itself", "only the job runner writes the job log")
            final = job._ended(job._final_status(), job._description, counts=True)
            _stage_log(work, _upsert(_jobs_frame(t.root), final))
            job.result = work.commit()  # the work and the job row, all or nothing
        except (KeyboardInterrupt, GeneratorExit):
            # GeneratorExit: the with-block was abandoned without its exception reaching us (a second
            # Ctrl-C inside contextlib's __exit__, as Polars can cause); it is a cancel too.
            if work.result is not None and final is not None:  # past the commit point: the job did happen
                job._set_outcome(final)
                raise
            try:
                _cancel(job, cmd, work)
            except KeyboardInterrupt:  # the Ctrl-C's echo fired on entering _cancel: nothing of it ran
                _cancel(job, cmd, work)
            raise
        except BaseException as exc:
            if work.result is not None and final is not None:
                job._set_outcome(final)
                raise
            work.discard()
            _record_end(job, "Failed", _error_text(exc), cmd)
            raise
        assert final is not None
        job._set_outcome(final)
