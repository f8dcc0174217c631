"""``omm tenant init`` and ``omm tenant list``."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.output import data, format_option, note


def workspace_dir() -> Path:
    """The workspace of this run: --workspace, else $OMM_WORKSPACE, else the current directory."""
    from toolkit.workspace import resolve_workspace

    ctx = click.get_current_context()
    return resolve_workspace((ctx.find_root().obj or {}).get("workspace"))


@click.group("tenant")
def group() -> None:
    """Create and list the tenants of a workspace (directories tenants/<id>/).

    \b
    Examples:
      omm tenant init contoso-dev
      omm --workspace ~/media tenant list --format json
    """


@group.command("init")
@click.argument("name")
def init_command(name: str) -> None:
    """Create tenant NAME with empty manifests.

    Makes tenants/NAME/ in the workspace with the layout every command expects: channels.tsv,
    settings.tsv, cms/media.tsv, cms/assignments.tsv, cms/publish_groups.tsv, cms/blobs/,
    cms/history/, hq/products.tsv, hq/categories.tsv and jobs/jobs.tsv. Manifests have a header
    only, except settings.tsv: OmnichannelContent true, CsuMediaLocations true and CmsBaseUrl
    https://cms.example.com/media (a placeholder: set yours with omm settings). The tenant appears
    whole or not at all. NAME is 1-64 characters of A-Z a-z 0-9 . _ - not starting with a dot;
    an existing tenant is never touched (exit 2).

    \b
    Examples:
      omm tenant init contoso-dev
      omm --workspace /srv/media tenant init contoso-prod
      omm settings --tenant contoso-dev CmsBaseUrl https://cms.contoso.com/media
    """
    from toolkit.tenants import init_tenant

    info = init_tenant(workspace_dir(), name)
    note(f"created tenant {info.id} at {info.path}")


@group.command("list")
@format_option(("text", "json"))
def list_command(fmt: str) -> None:
    """List the tenants of the workspace.

    For each tenant: the manifests it holds, the rows of cms/media.tsv (assets) and
    cms/assignments.tsv (assignments), and the feature flags OmnichannelContent and
    CsuMediaLocations. In text, "-" is a manifest that is missing or unreadable and "?" a flag that
    cannot be read (the reason goes to stderr). --format json gives a list of objects
    {"id", "path", "manifests", "assets", "assignments", "flags", "problems"}.

    \b
    Examples:
      omm tenant list
      omm --workspace fixtures/workspace tenant list --format json
    """
    from toolkit.render.tenant import tenant_list, tenant_problems
    from toolkit.tenants import list_tenants

    workspace = workspace_dir()
    infos = list_tenants(workspace)
    data(tenant_list(infos, fmt))
    for problem in tenant_problems(infos):
        note(problem)
    if not infos and fmt == "text":
        note(f"no tenants in {workspace} (create one with: omm tenant init NAME)")
