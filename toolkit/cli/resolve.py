"""``omm resolve`` (SPEC §5, §6): one product's effective gallery, with the ladder walked."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option
from toolkit.cli.tenant import workspace_dir


@click.command("resolve")
@click.argument("product", metavar="PRODUCT")
@click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant to look in.")
@click.option("--channel", metavar="OUN", help="Channel id (default: Omnichannel).")
@click.option("--locale", metavar="LOCALE", help="Locale (default: Neutral, system_neutral).")
@click.option("--tier", type=click.Choice(("cms", "draft", "hq", "csu")), default="cms", show_default=True,
              help="cms: published sets; draft: as if every draft were published; hq, csu: what sync flattened.")
@format_option(("text", "json"))
def command(product: str, tenant_id: str, channel: str | None, locale: str | None, tier: str, fmt: str) -> None:
    """Show the gallery PRODUCT has in a channel and locale, and the ladder walked to find it.

    PRODUCT is a product number, or category:<CategoryID> (categories need --channel). The
    entity ladder comes first — a variant, then its dimension-matrix cell, then its master —
    and at each entity the channel/locale ladder (channel, locale) → (channel, Neutral) →
    (Omnichannel, locale) → (Omnichannel, Neutral); categories stop after (channel, Neutral).
    The first set found wins whole. Text lists every rung tried and which won, then the gallery
    (Primary, then Additional, by display order; * marks the default image: the first Primary
    Image). --tier hq|csu read the files omm sync wrote (no ladder there, only the set that won).
    The JSON is SPEC §6's: product, channel, locale, source, default_image, items.

    \b
    Examples:
      omm resolve 93039-001 --tenant contoso-dev --channel OUN00001 --locale en-us
      omm resolve 81120 --tenant contoso-dev --tier draft --format json
      omm resolve category:C110 --tenant contoso-dev --channel OUN00001 --tier hq
    """
    from toolkit.render import resolution as render
    from toolkit.resolution.resolve import resolve
    from toolkit.workspace import tenant

    data(render.resolution(resolve(tenant(workspace_dir(), tenant_id), product, channel, locale, tier), fmt))
