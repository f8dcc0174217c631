"""``omm jobs`` and ``omm jobs show``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.tenant import workspace_dir
from toolkit.kinds import get_kind

if TYPE_CHECKING:
    from toolkit.copying import CopyResult

# Spelled out here (not imported from schemas.jobs) so that ``omm --help`` stays free of pandera.
# The jobs kind's description, read without Pandera (schemas/kinds.json), so --help stays fast.
STATUSES = get_kind("jobs").column("Status").enum  # type: ignore[union-attr]


@click.group("jobs", invoke_without_command=True)
@click.option("--tenant", "-t", "tenant_id", metavar="TENANT", help="Only this tenant's jobs (default: every tenant).")
@click.option("--status", type=click.Choice(STATUSES, case_sensitive=False), help="Only jobs in this state.")
@format_option(("text", "json"))
@click.pass_context
def group(ctx: click.Context, tenant_id: str | None, status: str | None, fmt: str) -> None:
    """The job log (jobs/jobs.tsv of each tenant): every import, export, publish, sync and copy,
    with its state, row counts and result manifest.

    A job shown InProgress while no process holds the tenant's writer lock was killed or crashed:
    it is shown Interrupted (and recorded so by the next command that changes the tenant).
    `jobs show ID` shows one job and lists its files (input, plan, result) under jobs/<id>/.

    \b
    Examples:
      omm jobs
      omm jobs --tenant contoso-dev --status Failed
      omm jobs --tenant contoso-dev --format json
      omm jobs show 20261122T102233Z-1a2b3c --tenant contoso-dev
    """
    if ctx.invoked_subcommand is not None:
        return
    from toolkit import jobs
    from toolkit.render import jobs as render

    found = jobs.list_jobs(workspace_dir(), tenant_id, status)
    data(render.job_list(found, fmt))
    if not found and fmt == "text":
        note("no jobs" + (f" with status {status}" if status else "") + (f" in tenant {tenant_id}" if tenant_id else ""))


@group.command("show")
@click.argument("job_id", metavar="ID")
@click.option("--tenant", "-t", "tenant_id", metavar="TENANT", help="The tenant of the job (default: searched in every tenant).")
@format_option(("text", "json"))
def show(job_id: str, tenant_id: str | None, fmt: str) -> None:
    """Show one job: its row of jobs/jobs.tsv and the files under jobs/<id>/.

    \b
    Examples:
      omm jobs show 20261122T102233Z-1a2b3c
      omm jobs show 20261122T102233Z-1a2b3c --tenant contoso-dev --format json
    """
    from toolkit import jobs
    from toolkit.render import jobs as render

    data(render.job_show(jobs.show_job(workspace_dir(), job_id, tenant_id), fmt))


@group.command("retry")
@click.argument("job_id", metavar="ID")
@click.option("--tenant", "-t", "tenant_id", metavar="TENANT", help="The tenant of the job (default: searched in every tenant).")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="When another command is changing the tenant, wait this long for it (0: fail at once).")
@format_option(("text", "json"))
def retry(job_id: str, tenant_id: str | None, wait: float, fmt: str) -> None:
    """Retry a Failed, Interrupted, Cancelled or CompletedWithErrors import or copy job.

    An import: imports again, as a new job, the rows of the job's result manifest that did not
    succeed (with the ids the first run filled in), or its whole saved input when it never
    finished, with the options of the first run; exit codes as for omm import. A copy: copies
    again, as a new job, with the options and the channel and locale mapping the job saved
    (a copy is all or nothing: one that did not finish changed nothing); no confirmation asked.

    \b
    Examples:
      omm jobs retry 20261122T102233.123456Z-1a2b3c
      omm jobs retry 20261122T102233.123456Z-1a2b3c --tenant contoso-dev --format json
    """
    from toolkit.cli.importing import render_import
    from toolkit.copying import CopyResult
    from toolkit.retrying import retry as run_retry

    result = run_retry(workspace_dir(), job_id, tenant_id, wait=wait)
    if isinstance(result, CopyResult):
        _render_copy(result, fmt)
    else:
        render_import(result, fmt)


def _render_copy(result: CopyResult, fmt: str) -> None:
    from toolkit.render import copying as render

    if fmt == "json":
        note(render.plan_text(result.plan).rstrip("\n"))  # as omm copy --format json: the plan on stderr
        data(render.result_json(result))
    else:
        data(render.plan_text(result.plan))
    note(render.summary(result))
