"""``omm import`` (SPEC §6)."""

from __future__ import annotations

from contextlib import nullcontext

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.progress import progress_bars
from toolkit.cli.tenant import workspace_dir

KINDS = ("assets", "assignments", "products", "categories", "channels")


def render_import(result, fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Print an import's result and exit 3 when rows failed (SPEC §6 exit codes)."""
    from toolkit.render import importing as render

    data(render.result(result, fmt))
    note(render.summary(result))
    if result.rows.failed:
        click.get_current_context().exit(3)


@click.command("import")
@click.argument("manifest", type=click.Path(dir_okay=False))
@click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant to import into.")
@click.option("--media-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Directory that MediaImportPath values are relative to (nothing outside it is read).")
@click.option("--name", default="", help="Name of the job in the job log (default: the file name).")
@click.option("--user", metavar="USER", help="Who imports (CreatedBy, CheckedOutBy; default: the login name).")
@click.option("--checkout", is_flag=True, help="Leave the drafts the import writes checked out by USER.")
@click.option("--publish-dependencies", is_flag=True,
              help="PublishNow of a set also publishes the drafts of the media it uses.")
@click.option("--replace", is_flag=True, help="products/categories/channels: swap the whole file, not upsert.")
@click.option("--kind", type=click.Choice(KINDS), help="Manifest kind, when the header does not tell.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="When another command is changing the tenant, wait this long for it (0: fail at once).")
@format_option(("text", "json"))
def command(manifest: str, tenant_id: str, media_dir: str | None, name: str, user: str | None, checkout: bool,
            publish_dependencies: bool, replace: bool, kind: str | None, wait: float, fmt: str) -> None:
    """Import an assets, assignments, products, categories or channels MANIFEST into a tenant.

    Assets and assignments are imported row by row (one bad row never stops the others), as
    one job: MediaSourceIfExistsAction (UseExisting, Overwrite, TakeLatest, KeepBoth),
    MediaAction / EntityAssignmentAction (PublishNow, Draft, Unpublish, UnpublishAndDelete;
    default Draft), the CheckedOut and VersionMismatch actions (default UseExisting: skip).
    Assignment rows are whole sets. Binaries come from --media-dir or http(s) URLs and are
    stored once by SHA-256. Catalog manifests are validated whole, then upserted by key.

    The result manifest (jobs/<id>/result.tsv: the input with Result, ErrorCode,
    ResultDescription and the ids filled) can be fixed and imported again without creating
    duplicates; `omm jobs retry ID` re-runs the rows that did not succeed. The README lists
    every ErrorCode. Exit 0: all rows succeeded or were skipped; 3: some rows failed; 2: the
    input or the call is wrong (nothing imported).

    \b
    Examples:
      omm import fixtures/manifests/import-assets.tsv --tenant contoso-dev --media-dir fixtures/media
      omm import fixtures/manifests/import-assignments.tsv -t contoso-dev --publish-dependencies
      omm import products.tsv -t contoso-dev --replace --format json
    """
    from toolkit.importing.job import ImportOptions, import_manifest
    from toolkit.workspace import tenant

    opts = ImportOptions(media_dir=media_dir, user=user, checkout=checkout, publish_dependencies=publish_dependencies,
                         replace=replace, kind=kind, name=name)
    bars = progress_bars()
    with bars if bars is not None else nullcontext():
        result = import_manifest(tenant(workspace_dir(), tenant_id), manifest, opts, wait=wait, on_progress=bars)
    render_import(result, fmt)
