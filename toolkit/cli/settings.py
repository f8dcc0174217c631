"""``omm settings``."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.tenant import workspace_dir


@click.command("settings")
@click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant whose settings to show or change.")
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="When another command is changing the tenant, wait this long for it (0: fail at once).")
@format_option(("text", "json"))
def command(tenant_id: str, name: str | None, value: str | None, wait: float, fmt: str) -> None:
    """Show or change the settings of a tenant (settings.tsv).

    Without NAME: every setting. With NAME: its value (a feature flag the file does not set shows
    its default, true). With NAME VALUE: set it, under the tenant's writer lock and as one
    all-or-nothing change. Known settings are checked: OmnichannelContent and CsuMediaLocations
    are true or false (yes/no, on/off, 1/0 are accepted and written true/false); CmsBaseUrl is an
    http(s) URL. Other names are allowed, since deployments add their own, with a warning in case
    of a typo. With OmnichannelContent off, assignment authoring refuses; with CsuMediaLocations
    off, sync stops at HQ.

    \b
    Examples:
      omm settings --tenant contoso-dev
      omm settings --tenant contoso-dev CsuMediaLocations
      omm settings --tenant contoso-dev OmnichannelContent off
      omm settings --tenant contoso-dev CmsBaseUrl https://cms.contoso.com/media --format json
    """
    from toolkit import tenants
    from toolkit.render import tenant as render
    from toolkit.workspace import tenant

    t = tenant(workspace_dir(), tenant_id)
    if name is None:
        data(render.settings(tenants.read_settings(t), fmt))
    elif value is None:
        data(render.setting_value(tenants.get_setting(t, name), fmt))
    else:
        change = tenants.set_setting(t, name, value, wait=wait, command=f"omm settings {name}")
        if not change.known:  # allowed (deployments add their own), but a typo of a known name is likely
            note(f"warning: {name} is not a setting omm knows ({', '.join(tenants.KNOWN_SETTINGS)}); set anyway")
        data(render.setting_change(change, fmt))
        note(render.change_message(change))
