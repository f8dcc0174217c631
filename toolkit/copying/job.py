"""Running a copy: plan it, save a plan (``--plan``), or apply it as ONE Copy job in the destination.

- :func:`plan_copy` reads the source under its lock (then released) and the destination without
  one, resolves the mapping and computes the plan; nothing is written.
- :func:`save_plan` records a plan-only Copy job in the destination: ``jobs/<id>/plan.tsv`` and
  ``options.json``, the job row saying "plan only"; the tenant's content is not touched.
- :func:`run_copy` applies a plan: under the destination's writer lock (``run_job``) the plan is
  reused if the destination did not change since it was read (same signature), else computed
  again — and with ``exact`` refused if it then differs from the plan the user confirmed. The
  manifests, history, binaries, ``plan.tsv`` and the job's final row are committed together.
  A plan that changes nothing runs no job at all (``job`` None), so copying twice changes no byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.copying.mapping import resolve
from toolkit.copying.options import CopyOptions
from toolkit.copying.plan import CopyPlan, compute
from toolkit.copying.snapshot import Progress, Snapshot, read_snapshot, read_source, signature
from toolkit.errors import UsageError
from toolkit.jobs import Job, run_job
from toolkit.workspace import Tenant, tenant

COMMAND = "omm copy"


@dataclass(frozen=True)
class CopyResult:
    """What a copy (or a saved plan) did; ``to_dict`` is SPEC §6's job JSON."""

    plan: CopyPlan
    job: str | None  # None: nothing to copy, no job was run
    status: str
    total: int
    succeeded: int
    failed: int
    skipped: int
    result: str | None  # jobs/<id>/plan.tsv, relative to the destination tenant
    binaries_copied: int = 0
    binaries_missing: int = 0
    plan_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"job": self.job, "status": self.status,
                "rows": {"total": self.total, "succeeded": self.succeeded, "failed": self.failed,
                         "skipped": self.skipped},
                "result": self.result}


def _tenants(workspace: Path, opts: CopyOptions) -> tuple[Tenant, Tenant]:
    opts.checked()
    return tenant(workspace, opts.source), tenant(workspace, opts.destination)


def _plan(opts: CopyOptions, src: Snapshot, dst: Snapshot) -> CopyPlan:
    return compute(opts, src, dst, resolve(opts, src, dst))


def plan_copy(workspace: Path, opts: CopyOptions, *, wait: float = 0, on_progress: Progress | None = None) -> CopyPlan:
    """The plan of ``opts`` (nothing is written); raises UsageError (exit 2) for a mapping or plan error."""
    src_t, dst_t = _tenants(workspace, opts)
    src = read_source(src_t, wait=wait, on_progress=on_progress)
    return _plan(opts, src, read_snapshot(dst_t, catalog=True, on_progress=on_progress))


def _current(job: Job, opts: CopyOptions, plan: CopyPlan, exact: bool) -> CopyPlan:
    """The plan to apply under the lock: ``plan`` if the destination is as it was read, else a new one."""
    if signature(job.tenant.root) == plan.destination_signature:
        return plan
    fresh = _plan(opts, plan.source_snapshot, read_snapshot(job.tenant, catalog=True))
    if exact and not fresh.table.equals(plan.table):
        raise UsageError(f"tenant {job.tenant.id} changed since the plan was made; nothing was copied",
                         "run omm copy again to see the new plan")
    return fresh


def _description(plan: CopyPlan, prefix: str) -> str:
    a, s = plan.assets, plan.assignment_sets
    return (f"{prefix}{plan.source} → {plan.destination} (--on-conflict {plan.on_conflict}, --versions "
            f"{plan.versions}): assets {a.create} created, {a.replace} replaced, {a.keep} kept, {a.drop} dropped; "
            f"assignment sets {s.create} created, {s.replace} replaced, {s.keep} kept, {s.drop} dropped")


def _inputs(opts: CopyOptions, plan: CopyPlan, *, plan_only: bool = False) -> dict[str, bytes]:
    """``options.json``: the options and the mapping as resolved (what ``omm jobs retry`` runs again)."""
    import json

    saved = {"options": json.loads(opts.to_json()), **plan.mapping.to_dict(), **({"plan_only": True} if plan_only else {})}
    return {"options.json": json.dumps(saved, sort_keys=True, indent=1).encode() + b"\n"}


def save_plan(workspace: Path, opts: CopyOptions, *, wait: float = 0, user: str | None = None,
              on_progress: Progress | None = None, name: str | None = None) -> CopyResult:
    """``omm copy --plan``: compute the plan and save it as a plan-only Copy job in the destination
    (named ``name``, default ``plan: SRC → DST``)."""
    from toolkit.copying.apply import PLAN_FILE, write_frame

    plan = plan_copy(workspace, opts, wait=wait, on_progress=on_progress)
    dst_t = tenant(workspace, opts.destination)
    with run_job(dst_t, "Copy", name=name or f"plan: {opts.source} → {opts.destination}", user=user or opts.user,
                 wait=wait, command=f"{COMMAND} --plan", inputs=_inputs(opts, plan, plan_only=True)) as job:
        plan = _current(job, opts, plan, exact=False)
        write_frame(job.txn, job.file(PLAN_FILE), plan.table, None)
        job.finish(result_path=job.file(PLAN_FILE), description=_description(plan, "plan only, nothing copied: "))
    return CopyResult(plan, job.id, job.record.status, plan.rows_total, 0, 0, plan.rows_total, job.file(PLAN_FILE),
                      plan_only=True)


def run_copy(workspace: Path, opts: CopyOptions, plan: CopyPlan | None = None, *, exact: bool = False,
             wait: float = 0, on_progress: Progress | None = None, name: str | None = None) -> CopyResult:
    """Copy as one Copy job in the destination (named ``name``, default ``SRC → DST``). ``plan``: the
    plan shown (computed here when None); with ``exact`` the copy refuses when the destination
    changed so that the plan would differ."""
    from toolkit.copying.apply import stage

    if plan is None:
        plan = plan_copy(workspace, opts, wait=wait, on_progress=on_progress)
    skipped = plan.rows_total - plan.rows_written
    if not plan.changes:
        return CopyResult(plan, None, "Succeeded", plan.rows_total, 0, 0, plan.rows_total, None)
    dst_t = tenant(workspace, opts.destination)
    with run_job(dst_t, "Copy", name=name or f"{opts.source} → {opts.destination}", user=opts.user, wait=wait,
                 command=COMMAND, inputs=_inputs(opts, plan)) as job:
        plan = _current(job, opts, plan, exact)
        copied, missing = stage(job, plan, on_progress)
        skipped = plan.rows_total - plan.rows_written
        job.finish(total=plan.rows_total, succeeded=plan.rows_written, failed=0, skipped=skipped,
                   result_path=job.file("plan.tsv"), description=_description(plan, "copied "))
    return CopyResult(plan, job.id, job.record.status, plan.rows_total, plan.rows_written, 0, skipped,
                      job.file("plan.tsv"), copied, missing)
