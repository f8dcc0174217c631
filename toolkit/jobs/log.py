"""The job log: ``jobs/jobs.tsv`` records, reading (dead jobs shown Interrupted) and listing."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import UsageError
from toolkit.kinds import get_kind
from toolkit.store import Transaction
from toolkit.store.lock import try_lock, utc_now
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




def read_jobs(t: Tenant) -> tuple[JobRecord, ...]:
    """The job log of tenant ``t``, sorted by id (creation time), as it really stands: an
    InProgress row while nobody holds the writer lock is shown Interrupted (its process died).
    Writes nothing; takes the lock only for a moment, and only when some row is InProgress."""
    import polars as pl

    frame = _jobs_frame(t.root)
    if not (frame.get_column("Status") == "InProgress").any():
        return _records(frame)
    with try_lock(t.root) as free:
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
