"""``omm preview`` (SPEC §6): a product's gallery in one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.output import note
from toolkit.cli.tenant import workspace_dir


@click.command("preview")
@click.argument("product", metavar="PRODUCT")
@click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant to look in.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The HTML file to write (e.g. gallery.html).")
@click.option("--tier", type=click.Choice(("cms", "draft")), default="cms", show_default=True,
              help="cms: published sets; draft: as if every draft were published.")
@click.option("--channel", metavar="OUN", help="Channel the page opens on (default: Omnichannel).")
@click.option("--locale", metavar="LOCALE", help="Locale the page opens on (default: Neutral, system_neutral).")
def command(product: str, tenant_id: str, output: Path, tier: str, channel: str | None, locale: str | None) -> None:
    """Write PRODUCT's gallery as Commerce's preview shows it, to one self-contained HTML file.

    PRODUCT is a master, a variant (the page opens on it) or a standalone product. The page
    has pickers for the variant dimensions (Color, Size, Style, Configuration, or master),
    the channel (Omnichannel or a channel) and the locale (Neutral or one the channel
    lists); it shows the gallery (Primary, then Additional, by display order) with the
    default image marked, the master's swatches, and which set won and why. Every answer
    was computed by the resolution engine when the page was written, so the page shows
    exactly what omm resolve shows; the selection is kept in the URL
    (#product=…&channel=…&locale=…).

    No network: images are embedded from cms/blobs (up to 2 MiB each, 24 MiB in all);
    videos, files and missing or too big binaries show as a tile with the id and the reason.
    The same tenant gives the same bytes. A summary goes to stderr.

    \b
    Examples:
      omm preview --tenant contoso-dev 93039 -o gallery.html
      omm preview -t contoso-dev 93039-001 --channel OUN00001 --locale en-us -o jeans.html
      omm preview -t contoso-dev 81120 --tier draft -o tshirt-draft.html
    """
    from toolkit.preview import write_preview
    from toolkit.render.preview import summary
    from toolkit.workspace import tenant

    note(summary(write_preview(tenant(workspace_dir(), tenant_id), product, output, tier, channel, locale)))
