"""``omm copy`` (SPEC §6): copy assets, assignment sets and their binaries between tenants."""

from __future__ import annotations

from contextlib import nullcontext

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.progress import progress_bars
from toolkit.cli.tenant import workspace_dir
from toolkit.copying.options import POLICIES, VERSIONS, CopyOptions
from toolkit.errors import UsageError


def _confirm(destination: str) -> bool:
    try:
        return click.confirm(f"copy into {destination}?", default=False, err=True)
    except click.exceptions.Abort:
        click.echo(err=True)  # end the prompt's line
        raise UsageError("the copy was not confirmed (no answer: standard input is not a terminal); nothing was "
                         "copied", "pass --yes to copy from a script, or --plan to only see the plan") from None


def _save_plan(opts: CopyOptions, wait: float, fmt: str) -> None:
    from toolkit.copying import save_plan
    from toolkit.render import copying as render

    bars = progress_bars()
    with bars if bars is not None else nullcontext():
        result = save_plan(workspace_dir(), opts, wait=wait, on_progress=bars)
    data(render.plan_json(result.plan) if fmt == "json" else render.plan_text(result.plan))
    note(render.summary(result))


def _copy(opts: CopyOptions, yes: bool, wait: float, fmt: str) -> None:
    from toolkit.copying import plan_copy, run_copy
    from toolkit.render import copying as render

    bars = progress_bars()
    with bars if bars is not None else nullcontext():
        plan = plan_copy(workspace_dir(), opts, wait=wait, on_progress=bars)
    if fmt == "json":
        note(render.plan_text(plan).rstrip("\n"))
    else:
        data(render.plan_text(plan))
    if plan.changes and not yes and not _confirm(opts.destination):
        note("not confirmed; nothing was copied")
        click.get_current_context().exit(1)
    bars = progress_bars()
    with bars if bars is not None else nullcontext():
        result = run_copy(workspace_dir(), opts, plan, exact=not yes, wait=wait, on_progress=bars)
    if fmt == "json":
        data(render.result_json(result))
    note(render.summary(result))


@click.command("copy")
@click.option("--from", "source", required=True, metavar="SRC", help="The tenant to copy from.")
@click.option("--to", "destination", required=True, metavar="DST", help="The tenant to copy into (the job is recorded there).")
@click.option("--on-conflict", type=click.Choice(POLICIES), required=True,
              help="An asset or set both have: keep DST's, replace it, or take the later LastModifiedOn (a tie keeps DST's).")
@click.option("--versions", type=click.Choice(VERSIONS), required=True,
              help="published: the published versions; all: the published versions and the drafts.")
@click.option("--channel-map", "channel_maps", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="A maps manifest (Source, Destination; empty Destination = leave out) for channels.")
@click.option("--map-channel", multiple=True, metavar="A=B", help="Map channel A to B; A= leaves A out. Repeatable.")
@click.option("--locale-map", "locale_maps", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="A maps manifest for locales.")
@click.option("--map-locale", multiple=True, metavar="A=B", help="Map locale A to B; A= leaves A out. Repeatable.")
@click.option("--plan", "plan_only", is_flag=True, help="Save and print the plan; copy nothing.")
@click.option("--yes", "-y", is_flag=True, help="Copy without asking (for scripts).")
@click.option("--user", metavar="USER", help="Who runs the copy (the job's CreatedBy; default: the login name).")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="When another command is changing a tenant, wait this long for it (0: fail at once).")
@format_option(("text", "json"))
def command(source: str, destination: str, on_conflict: str, versions: str, channel_maps: tuple[str, ...],
            map_channel: tuple[str, ...], locale_maps: tuple[str, ...], map_locale: tuple[str, ...], plan_only: bool,
            yes: bool, user: str | None, wait: float, fmt: str) -> None:
    """Copy assets, assignment sets and their binaries from tenant SRC to tenant DST.

    Each asset (id + locale) and each assignment set is judged whole against DST's: created when
    DST lacks it, kept when identical, else the --on-conflict policy decides. Every SRC channel
    and locale must map to one of DST's or be left out: the same id maps to itself, Omnichannel
    and Neutral always do; anything unmapped stops the copy before it starts (exit 2), as do
    sets that two SRC channels/locales would merge and rows DST's channels or catalog cannot
    take. Ids, versions and LastModifiedOn are kept; copied drafts arrive checked in and outside
    any publish group; DST rows that are replaced go to DST's cms/history/.

    The plan (created, replaced, kept, dropped per manifest) is printed, then confirmed (--yes
    for scripts), then applied as one Copy job in DST, all or nothing: its plan is saved as
    jobs/<id>/plan.tsv. --plan saves and prints the plan as a plan-only Copy job and changes
    nothing else. When nothing would be written no job runs, so copying twice changes nothing.
    --format json prints SPEC's JSON (the plan with --plan, else the job).

    \b
    Examples:
      omm copy --from contoso-dev --to contoso-prod --on-conflict latest --versions published \\
        --channel-map fixtures/manifests/channel-map-dev-to-prod.tsv \\
        --locale-map fixtures/manifests/locale-map-dev-to-prod.tsv --plan
      omm copy --from dev --to uat --on-conflict replace --versions all --map-channel OUN00002= --yes
    """
    if plan_only and yes:
        raise UsageError("--plan and --yes contradict each other", "--plan only looks; --yes copies without asking")
    opts = CopyOptions(source, destination, on_conflict, versions, channel_maps, locale_maps, map_channel, map_locale,
                       user).checked()
    if plan_only:
        _save_plan(opts, wait, fmt)
    else:
        _copy(opts, yes, wait, fmt)
