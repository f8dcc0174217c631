"""``omm sync`` (SPEC §5, §6): CMS → HQ → CSU and search, as a job."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.tenant import workspace_dir


@click.command("sync")
@click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant to sync.")
@click.option("--to", "to", type=click.Choice(("all", "hq", "csu", "search")), default="all", show_default=True,
              help="hq: flatten the published sets; csu, search: split from HQ; all: the three, together.")
@click.option("--full", is_flag=True, help="Recompute every product, not only those whose inputs changed.")
@click.option("--user", metavar="USER", help="Who runs the sync (job log CreatedBy; default: the login name).")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="When another command is changing the tenant, wait this long for it (0: fail at once).")
@format_option(("text", "json"))
def command(tenant_id: str, to: str, full: bool, user: str | None, wait: float, fmt: str) -> None:
    """Flatten the published assignments of a tenant: CMS → HQ → each channel's CSU, and search.

    For every catalog product (and category), every channel and Omnichannel, every locale the
    channel lists and Neutral, the ladder of SPEC §5 picks the winning published set, whole
    (see omm resolve): hq/media_assignments.tsv holds those rows with the set that won;
    csu/<OUN>/media_assignments.tsv the rows of that channel (complete: Omnichannel content
    the channel inherits is already in them; Omnichannel rows go to no CSU); and
    search/default_images.tsv the default image of each. Category rows are named
    category:<CategoryID>. CSU files of channels no longer configured are deleted.

    Runs as a Sync job; all files are committed together, and a file whose bytes would not
    change is not rewritten, so a second sync changes only the job log. Incremental by
    default: only products whose sets, assets or catalog rows changed since the last sync
    (hq/.sync-state) are recomputed, the rest is copied; --full recomputes all, with the same
    result. With the CsuMediaLocations setting off, sync stops at HQ: --to all writes HQ only
    and leaves csu/ and search/ untouched, --to csu|search refuses (exit 2). OmnichannelContent
    off does not stop sync (it switches off authoring, not the outputs of what is published).

    \b
    Examples:
      omm sync --tenant contoso-dev
      omm sync --tenant contoso-dev --to hq --full --format json
    """
    from toolkit.render import resolution as render
    from toolkit.resolution.sync import sync
    from toolkit.workspace import tenant

    result = sync(tenant(workspace_dir(), tenant_id), to=to, full=full, wait=wait, user=user)
    data(render.sync_result(result, fmt))
    note(render.sync_message(result))
