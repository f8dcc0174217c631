"""``omm publish`` and ``omm group create|add|schedule|publish|run-due|list`` (SPEC §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.tenant import workspace_dir

if TYPE_CHECKING:
    from toolkit.publishing.model import GroupChange, PublishResult
    from toolkit.workspace import Tenant


def _after_publish(t: Tenant, wait: float) -> None:
    """The step after a publish that changed tenant ``t``, unless --no-sync: SPEC §6 says publish
    "then runs sync" — CMS → HQ → CSU and search, as its own Sync job (so the publish stands even
    if the sync is refused, and `omm sync` can finish it). Called by ``omm publish``,
    ``omm group publish`` and ``omm group run-due`` after their result is printed, only when a
    publish job ran and changed something."""
    from toolkit.render.resolution import sync_message
    from toolkit.resolution import sync

    note(sync_message(sync(t, wait=wait)))


def _tenant(tenant_id: str) -> Tenant:
    from toolkit.workspace import tenant

    return tenant(workspace_dir(), tenant_id)


def _common(func: click.decorators.FC) -> click.decorators.FC:  # type: ignore[name-defined]
    func = format_option(("text", "json"))(func)
    func = click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
                        help="When another command is changing the tenant, wait this long for it (0: fail at once).")(func)
    func = click.option("--user", metavar="USER", help="Who runs it (the job's CreatedBy; default: the login name).")(func)
    return click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant.")(func)


def _publishing(func: click.decorators.FC) -> click.decorators.FC:  # type: ignore[name-defined]
    func = click.option("--plan", "plan_only", is_flag=True, help="Print what would be published; change nothing.")(func)
    func = click.option("--no-sync", is_flag=True, help="Do not run sync after publishing.")(func)
    return click.option("--publish-dependencies", is_flag=True,
                        help="Also publish the drafts of the unpublished media the sets use.")(func)


def _show(result: PublishResult, t: Tenant, fmt: str, no_sync: bool, wait: float) -> None:
    """Print the result; sync unless --no-sync; exit 3 when rows failed (groups that could not be published)."""
    from toolkit.render import publishing as render

    data(render.publish_result(result, fmt))
    note(render.publish_message(result))
    if result.job is not None and result.changes and not no_sync:
        _after_publish(t, wait)
    if result.rows.failed:
        click.get_current_context().exit(3)


@click.command("publish")
@click.option("--product", "products", multiple=True, metavar="P[,P…]",
              help="A product: its own (master or standalone), variant, dimension-matrix and swatch sets. "
                   "Repeat it or separate with commas.")
@click.option("--category", "categories", multiple=True, metavar="C[,C…]",
              help="A category's sets. Repeat it or separate with commas.")
@click.option("--group", "group_name", metavar="GROUP", help="The drafts of a publish group, published whole.")
@click.option("--all", "all_drafts", is_flag=True, help="Every checked-in draft of the tenant.")
@_publishing
@_common
def publish_command(products: tuple[str, ...], categories: tuple[str, ...], group_name: str | None, all_drafts: bool,
                    publish_dependencies: bool, no_sync: bool, plan_only: bool, tenant_id: str, user: str | None,
                    wait: float, fmt: str) -> None:
    """Publish checked-in drafts: each draft set becomes the published version.

    Takes the Draft rows of the sets chosen by --product/--category (together or alone), --group
    or --all. A set's checked-in draft becomes its published version (EntityPublishedOn now,
    version kept); the published rows it replaces go to cms/history/assignments.tsv. Skipped:
    drafts checked out by someone, and drafts staged in a Scheduled publish group (they publish
    with the group). If every draft of the named products or categories is skipped, nothing is
    published (exit 2); --all then just lists them (exit 0). A group is published whole (any
    problem refuses it) and becomes Published.

    Media the drafts use that is not published (InternalMediaId, swatch image ids) refuses the
    publish, listing the ids (exit 2), unless --publish-dependencies: then those asset drafts are
    published in the same job with MediaPublishedURL {CmsBaseUrl}/{id}/{locale}/{version}.
    Runs as a Publish job with a result manifest (jobs/<id>/result.tsv); nothing to publish: no
    job, exit 0. Then runs sync unless --no-sync. --plan prints the same lines and changes nothing.
    Refused while the tenant's OmnichannelContent setting is off.

    \b
    Examples:
      omm publish --tenant contoso-dev --product 93039 --plan
      omm publish --tenant contoso-dev --product 81120 --publish-dependencies --user alice
      omm publish --tenant contoso-dev --category C110,C120 --no-sync
      omm publish --tenant contoso-dev --all --format json
    """
    from toolkit.publishing import publish, selection

    t = _tenant(tenant_id)
    chosen = selection(products, categories, group_name, all_drafts)
    result = publish(t, chosen, publish_dependencies=publish_dependencies, user=user, wait=wait, plan_only=plan_only)
    _show(result, t, fmt, no_sync, wait)


@click.group("group")
def group() -> None:
    """Publish groups: stage drafts in a named group, schedule it, publish it whole.

    cms/publish_groups.tsv holds each group's Description, ScheduledOn and Status (Open,
    Scheduled, Published). A group holds at most 2,000 assignment sets, as in Commerce. Every
    change is recorded as a Publish job named "group ACTION NAME".

    \b
    Examples:
      omm group create autumn-2025 --tenant contoso-dev --description "Autumn launch"
      omm group add autumn-2025 93039 category:C110 --tenant contoso-dev
      omm group schedule autumn-2025 --at 2025-09-01T06:00:00Z --tenant contoso-dev
      omm group run-due --tenant contoso-dev        # from cron
    """


def _changed(change: GroupChange, fmt: str) -> None:
    from toolkit.render import publishing as render

    data(render.group_change(change, fmt))
    note(render.group_message(change))


@group.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the group is for.")
@_common
def create_command(name: str, description: str, tenant_id: str, user: str | None, wait: float, fmt: str) -> None:
    """Create the publish group NAME (Status Open).

    \b
    Examples:
      omm group create autumn-2025 --tenant contoso-dev --description "Autumn launch"
    """
    from toolkit.publishing import create

    _changed(create(_tenant(tenant_id), name, description, user=user, wait=wait), fmt)


@group.command("add")
@click.argument("name")
@click.argument("entities", nargs=-1, required=True, metavar="ENTITY...")
@_common
def add_command(name: str, entities: tuple[str, ...], tenant_id: str, user: str | None, wait: float, fmt: str) -> None:
    """Stage the checked-in draft sets of each ENTITY in publish group NAME.

    ENTITY is a product number (its own, variant, dimension-matrix and swatch sets) or
    category:ID. Refused, changing nothing (exit 2): a Published group, an entity without
    drafts, a draft checked out by someone (check it in first), a draft already in another
    group, or more than 2,000 sets in the group. Adding to a Scheduled group validates it again.
    Prints the sets staged.

    \b
    Examples:
      omm group add autumn-2025 93039 70050 --tenant contoso-dev
      omm group add autumn-2025 category:C110 --tenant contoso-dev --format json
    """
    from toolkit.publishing import add

    _changed(add(_tenant(tenant_id), name, entities, user=user, wait=wait), fmt)


@group.command("schedule")
@click.argument("name")
@click.option("--at", "at", required=True, metavar="TIMESTAMP",
              help="When the group publishes (ISO 8601; without an offset, UTC).")
@click.option("--publish-dependencies", is_flag=True,
              help="Accept unpublished media: the group's publish will publish it.")
@_common
def schedule_command(name: str, at: str, publish_dependencies: bool, tenant_id: str, user: str | None, wait: float,
                     fmt: str) -> None:
    """Validate publish group NAME and schedule it (Status Scheduled, ScheduledOn TIMESTAMP).

    The group must hold drafts, all checked in, using only published media (or give
    --publish-dependencies, which is recorded so that the publish publishes that media);
    otherwise nothing changes and every problem is named (exit 2). `omm group run-due`
    publishes it once its time has come. Scheduling again moves the time.

    \b
    Examples:
      omm group schedule autumn-2025 --at 2025-09-01T06:00:00Z --tenant contoso-dev
      omm group schedule spring-2025 --at "2025-04-01 08:00+02:00" --publish-dependencies -t contoso-dev
    """
    from toolkit.publishing import schedule

    _changed(schedule(_tenant(tenant_id), name, at, publish_dependencies=publish_dependencies, user=user, wait=wait),
             fmt)


@group.command("publish")
@click.argument("name")
@_publishing
@_common
def publish_group_command(name: str, publish_dependencies: bool, no_sync: bool, plan_only: bool, tenant_id: str,
                          user: str | None, wait: float, fmt: str) -> None:
    """Publish the drafts of publish group NAME whole, now; the group becomes Published.

    Any draft checked out, or unpublished media without --publish-dependencies (or the flag
    recorded by schedule), refuses the whole group (exit 2). Same output as omm publish.

    \b
    Examples:
      omm group publish spring-2025 --tenant contoso-dev --publish-dependencies
      omm group publish autumn-2025 --tenant contoso-dev --plan
    """
    from toolkit.publishing import publish_group

    t = _tenant(tenant_id)
    result = publish_group(t, name, publish_dependencies=publish_dependencies, user=user, wait=wait,
                           plan_only=plan_only)
    _show(result, t, fmt, no_sync, wait)


@group.command("run-due")
@click.option("--now", metavar="TIMESTAMP", help="Publish the groups due by this time (default: now).")
@_publishing
@_common
def run_due_command(now: str | None, publish_dependencies: bool, no_sync: bool, plan_only: bool, tenant_id: str,
                    user: str | None, wait: float, fmt: str) -> None:
    """Publish every Scheduled group whose ScheduledOn has come, in one job (for cron).

    Each due group is published whole and becomes Published (an empty one too: its time has
    come). A group that cannot be published whole (a draft checked out, unpublished media) stays
    Scheduled and its rows are Failed in the result manifest: exit 3. No group due: exit 0, no job.

    \b
    Examples:
      omm group run-due --tenant contoso-dev
      */5 * * * *  omm --workspace /srv/omm --quiet group run-due --tenant contoso-prod --wait 60
      omm group run-due --tenant contoso-dev --now 2025-06-01T07:00:00Z --plan
    """
    from toolkit.publishing import run_due

    t = _tenant(tenant_id)
    result = run_due(t, now=now, publish_dependencies=publish_dependencies, user=user, wait=wait, plan_only=plan_only)
    _show(result, t, fmt, no_sync, wait)


@group.command("list")
@click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant.")
@format_option(("text", "json"))
def list_command(tenant_id: str, fmt: str) -> None:
    """List the publish groups: name, status, ScheduledOn, draft sets staged, description.

    \b
    Examples:
      omm group list --tenant contoso-dev
      omm group list --tenant contoso-dev --format json
    """
    from toolkit.publishing import list_groups
    from toolkit.render import publishing as render

    data(render.group_list(list_groups(_tenant(tenant_id)), fmt))


commands = (publish_command, group)
