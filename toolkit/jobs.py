"""The job log of a tenant (SPEC §2, §4 jobs, §6 ``omm jobs``, §7): ``jobs/jobs.tsv`` and ``jobs/<id>/``.

A job is one recorded run of an import, export, publish, sync or copy. Commands run their work
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

from __future__ import annotations

import fcntl
import getpass
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from toolkit.errors import OmmError, UsageError, WorkspaceError
from toolkit.kinds import get_kind
from toolkit.store import CommitResult, Transaction, recover, tenant_lock
from toolkit.store.lock import LOCK_FILE, STATE_DIR, utc_now
from toolkit.store.paths import fsync_dir
from toolkit.workspace import Tenant, tenant_ids
from toolkit.workspace import tenant as get_tenant

if TYPE_CHECKING:
    import polars as pl

JOBS_DIR = "jobs"
JOBS_FILE = "jobs/jobs.tsv"
# From the jobs kind's description (schemas/kinds.json): no Pandera import to run a job.
_KIND = get_kind("jobs")
COLUMNS = _KIND.column_names
JOB_TYPES = _KIND.column("JobType").enum  # type: ignore[union-attr]
STATUSES = _KIND.column("Status").enum  # type: ignore[union-attr]
FINAL_STATUSES = ("Succeeded", "CompletedWithErrors", "Failed", "Cancelled", "Interrupted")
INTERRUPTED_NOTE = "the process running this job ended without finishing it (killed or crashed)"
CANCELLED_NOTE = "cancelled (Ctrl-C); the tenant was left unchanged"
_JOB_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_DESCRIPTION_MAX = 1000


def _count(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class JobRecord:
    """One row of ``jobs/jobs.tsv`` (the jobs kind's columns, SPEC §4)."""

    job_id: str
    job_type: str
    tenant: str
    status: str
    created_on: str = ""
    started_on: str = ""
    finished_on: str = ""
    created_by: str = ""
    name: str = ""
    description: str = ""
    rows_total: int | None = None
    rows_succeeded: int | None = None
    rows_failed: int | None = None
    rows_skipped: int | None = None
    result_path: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, str | None]) -> JobRecord:
        def s(col: str) -> str:
            return row.get(col) or ""

        return cls(s("JobId"), s("JobType"), s("Tenant"), s("Status"), s("CreatedOn"), s("StartedOn"),
                   s("FinishedOn"), s("CreatedBy"), s("Name"), s("Description"), _count(row.get("RowsTotal")),
                   _count(row.get("RowsSucceeded")), _count(row.get("RowsFailed")), _count(row.get("RowsSkipped")),
                   s("ResultPath"))

    def to_dict(self) -> dict[str, str]:
        """The job's row as an object: column → canonical string (empty cells ``""``), SPEC §6."""
        return {"JobId": self.job_id, "JobType": self.job_type, "Tenant": self.tenant, "Status": self.status,
                "CreatedOn": self.created_on, "StartedOn": self.started_on, "FinishedOn": self.finished_on,
                "CreatedBy": self.created_by, "Name": self.name, "Description": self.description,
                "RowsTotal": _cell(self.rows_total), "RowsSucceeded": _cell(self.rows_succeeded),
                "RowsFailed": _cell(self.rows_failed), "RowsSkipped": _cell(self.rows_skipped),
                "ResultPath": self.result_path}


@dataclass(frozen=True)
class JobOutcome:
    """How a job ended, as import / publish / sync / copy report it (SPEC §6 JSON)."""

    job: str
    tenant: str
    status: str
    total: int | None = None
    succeeded: int | None = None
    failed: int | None = None
    skipped: int | None = None
    result: str | None = None  # result manifest, relative to the tenant

    @property
    def has_row_errors(self) -> bool:
        """True when the CLI should exit 3 (a job that finished with row errors)."""
        return bool(self.failed)

    def to_dict(self) -> dict[str, object]:
        return {"job": self.job, "status": self.status,
                "rows": {"total": self.total, "succeeded": self.succeeded, "failed": self.failed,
                         "skipped": self.skipped},
                "result": self.result}


# -- reading -------------------------------------------------------------------------------------

def _now() -> str:
    return utc_now()


def new_job_id() -> str:
    """Sortable by creation time (to the microsecond: jobs of one tenant run one after the other,
    often within a second), unique: ``20261122T102233.123456Z-1a2b3c``."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}"


def _jobs_frame(root: Path) -> pl.DataFrame:
    """``jobs/jobs.tsv`` as a frame of canonical strings, every jobs column present (unknown
    columns kept); an absent file is an empty log."""
    import polars as pl

    from toolkit.tsv import read_manifest

    path = root / JOBS_FILE
    if path.is_file():
        frame = read_manifest(path, "jobs").frame
    else:
        frame = pl.DataFrame(schema={c: pl.String for c in COLUMNS})
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS if c not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def _records(frame: pl.DataFrame) -> tuple[JobRecord, ...]:
    return tuple(JobRecord.from_row(r) for r in frame.select(COLUMNS).sort("JobId").iter_rows(named=True))


@contextmanager
def _try_lock(root: Path) -> Iterator[bool]:
    """Try the tenant's writer lock without waiting and without writing anything (no holder
    record, no lock file created): yields True, holding it, when it was free; False when held."""
    path = root / STATE_DIR / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # no writer ever ran here: nobody holds it
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the kind of lock filelock takes
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the flock


def read_jobs(t: Tenant) -> tuple[JobRecord, ...]:
    """The job log of tenant ``t``, sorted by id (creation time), as it really stands: an
    InProgress row while nobody holds the writer lock is shown Interrupted (its process died).
    Writes nothing; takes the lock only for a moment, and only when some row is InProgress."""
    import polars as pl

    frame = _jobs_frame(t.root)
    if not (frame.get_column("Status") == "InProgress").any():
        return _records(frame)
    with _try_lock(t.root) as free:
        if not free:  # a writer holds it: its job is really running
            return _records(frame)
        frame = _jobs_frame(t.root)  # again, under the lock: nobody can commit meanwhile
    frame = frame.with_columns(pl.when(pl.col("Status") == "InProgress").then(pl.lit("Interrupted"))
                               .otherwise(pl.col("Status")).alias("Status"))
    return _records(frame)


def _check_status(status: str) -> str:
    canonical = next((s for s in STATUSES if s.lower() == status.lower()), None)
    if canonical is None:
        raise UsageError(f"unknown job status {status!r}", f"use one of {', '.join(STATUSES)}")
    return canonical


def list_jobs(workspace: Path, tenant_id: str | None = None, status: str | None = None) -> tuple[JobRecord, ...]:
    """Jobs of one tenant, or of every tenant of the workspace (by tenant, then id), optionally
    only those with ``status`` (matched case-insensitively)."""
    wanted = _check_status(status) if status else None
    tenants = [get_tenant(workspace, tenant_id)] if tenant_id else \
        [get_tenant(workspace, i) for i in tenant_ids(workspace)]
    out: list[JobRecord] = []
    for t in tenants:
        out += [j for j in read_jobs(t) if wanted is None or j.status == wanted]
    return tuple(out)


@dataclass(frozen=True)
class JobDetail:
    """One job as ``omm jobs show`` shows it: its row and the files under ``jobs/<id>/``."""

    record: JobRecord
    files: tuple[str, ...]  # relative to jobs/<id>/

    def to_dict(self) -> dict[str, str]:
        return self.record.to_dict()


def find_job(workspace: Path, job_id: str, tenant_id: str | None = None) -> tuple[Tenant, JobRecord]:
    """The tenant holding job ``job_id`` and its row; raises :class:`UsageError` (exit 2) when no
    tenant (or not ``tenant_id``) has it, or when several do and no tenant is given."""
    tenants = [get_tenant(workspace, tenant_id)] if tenant_id else \
        [get_tenant(workspace, i) for i in tenant_ids(workspace)]
    found = [(t, j) for t in tenants for j in read_jobs(t) if j.job_id == job_id]
    where = f"tenant {tenant_id}" if tenant_id else f"any tenant of {workspace}"
    if not found:
        raise UsageError(f"no job {job_id!r} in {where}",
                         "omm jobs" + (f" --tenant {tenant_id}" if tenant_id else "") + " lists the jobs")
    if len(found) > 1:
        raise UsageError(f"job {job_id!r} is in several tenants ({', '.join(t.id for t, _ in found)})",
                         "choose one with --tenant")
    return found[0]


def job_files(t: Tenant, job_id: str) -> tuple[str, ...]:
    """The files under ``jobs/<id>/``, relative to it, sorted (links are listed, not followed)."""
    d = t.root / JOBS_DIR / job_id
    if not d.is_dir() or d.is_symlink():
        return ()
    return tuple(sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file() or p.is_symlink()))


def show_job(workspace: Path, job_id: str, tenant_id: str | None = None) -> JobDetail:
    t, record = find_job(workspace, job_id, tenant_id)
    return JobDetail(record, job_files(t, job_id))


# -- writing -------------------------------------------------------------------------------------

def _upsert(frame: pl.DataFrame, record: JobRecord) -> pl.DataFrame:
    """``frame`` with ``record``'s row replaced (or added); other rows and unknown columns kept."""
    import polars as pl

    row = pl.DataFrame({c: [v] for c, v in record.to_dict().items()}, schema={c: pl.String for c in COLUMNS})
    rest = frame.filter(pl.col("JobId") != record.job_id)
    return pl.concat([rest, row], how="diagonal")


def _mark_interrupted(frame: pl.DataFrame, now: str) -> tuple[pl.DataFrame, int]:
    """InProgress rows → Interrupted (the caller holds the lock, so their process is gone)."""
    import polars as pl

    stale = pl.col("Status") == "InProgress"
    n = int(frame.select(stale.sum()).item() or 0)
    if not n:
        return frame, 0
    empty_desc = pl.col("Description").is_null() | (pl.col("Description") == "")
    frame = frame.with_columns(
        pl.when(stale).then(pl.lit("Interrupted")).otherwise(pl.col("Status")).alias("Status"),
        pl.when(stale).then(pl.lit(now)).otherwise(pl.col("FinishedOn")).alias("FinishedOn"),
        pl.when(stale & empty_desc).then(pl.lit(INTERRUPTED_NOTE)).otherwise(pl.col("Description"))
        .alias("Description"))
    return frame, n


def _stage_log(txn: Transaction, frame: pl.DataFrame) -> None:
    from toolkit.tsv import manifest_bytes

    txn.write_bytes(JOBS_FILE, manifest_bytes(frame, "jobs"))


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


@contextmanager
def run_job(t: Tenant, job_type: str, *, name: str = "", user: str | None = None, description: str = "",
            wait: float = 0, command: str | None = None) -> Iterator[Job]:
    """Run a job in tenant ``t`` under its writer lock, recorded in ``jobs/jobs.tsv`` (module doc).

    ``job_type`` is Import, Export, Publish, Sync or Copy (any case); ``user`` defaults to the
    login name; ``wait`` as for :func:`toolkit.store.tenant_writer` (raises
    :class:`toolkit.errors.TenantBusyError`). The work staged in ``job.txn`` and the final job row
    are committed together; an exception discards the work and records Cancelled
    (KeyboardInterrupt) or Failed, then propagates.
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
        start = Transaction(t.root, command=cmd)
        try:
            _stage_log(start, _upsert(frame, record))
        except BaseException:
            start.discard()
            raise
        start.commit()  # the InProgress row is on disk before any work: a crash leaves evidence
        job_dir = t.root / JOBS_DIR / job_id
        job_dir.mkdir(parents=True, exist_ok=True)
        fsync_dir(job_dir.parent)
        work = Transaction(t.root, command=cmd)
        work.recovered = recovered
        job = Job(job_id, t, work, record, interrupted, _description=record.description)
        try:
            yield job
            if JOBS_FILE in {op.path for op in work.operations}:
                raise WorkspaceError(f"job {job_id} staged {JOBS_FILE} itself", "only the job runner writes the job log")
        except KeyboardInterrupt:
            work.discard()
            _record_end(job, "Cancelled", CANCELLED_NOTE, cmd)
            raise
        except BaseException as exc:
            work.discard()
            _record_end(job, "Failed", _error_text(exc), cmd)
            raise
        final = job._ended(job._final_status(), job._description, counts=True)
        try:
            _stage_log(work, _upsert(_jobs_frame(t.root), final))
            job.result = work.commit()  # the work and the job row, all or nothing
        except BaseException as exc:
            if work.result is not None:  # past the commit point: the job did happen
                job._set_outcome(final)
                raise
            work.discard()
            if isinstance(exc, KeyboardInterrupt):
                _record_end(job, "Cancelled", CANCELLED_NOTE, cmd)
            else:
                _record_end(job, "Failed", _error_text(exc), cmd)
            raise
        job._set_outcome(final)
