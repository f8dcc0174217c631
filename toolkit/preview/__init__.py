"""``omm preview`` (SPEC §6): a product's gallery as Commerce's preview shows it, in one
self-contained HTML file — pickers for the variant dimensions, channel and locale, the default
image marked, the swatches, and which set won ("why this image").

::

    from toolkit.preview import page_data, preview, render_page

    html = preview(t, "93039", tier="cms")                      # the whole page, as text
    w = write_preview(t, "93039", Path("gallery.html"))         # written atomically; w.data, w.size
    d = page_data(t, "93039-001", channel="OUN00001")           # what it embeds; opens on 93039-001
    d.resolution("93039-001", "OUN00001", "en-us")              # == resolve(...).to_dict()
    render_page(d)                                              # == preview(...) for the same arguments

Modules: ``data`` (the answers, from one ``flatten`` of the product's family), ``media`` (asset
rows, embedded binaries, swatches), ``page`` (the HTML), ``script`` (its inline CSS and JS).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import UsageError
from toolkit.preview.data import Channel, Gallery, PreviewData, Tile, Variant, page_data
from toolkit.preview.media import MediaView, Swatch
from toolkit.preview.page import render_page

if TYPE_CHECKING:
    from toolkit.workspace import Tenant

__all__ = ["Channel", "Gallery", "MediaView", "PreviewData", "Swatch", "Tile", "Variant", "Written", "page_data",
           "preview", "render_page", "write_preview"]


def preview(t: Tenant, product: str, tier: str = "cms", channel: str | None = None, locale: str | None = None,
            ) -> str:
    """The preview page of ``product`` in tenant ``t`` (see :func:`page_data` for the arguments)."""
    return render_page(page_data(t, product, tier, channel, locale))


@dataclass(frozen=True)
class Written:
    """What :func:`write_preview` wrote: the page's data, where, and how many bytes."""

    data: PreviewData
    path: str
    size: int


def write_preview(t: Tenant, product: str, output: Path, tier: str = "cms", channel: str | None = None,
                  locale: str | None = None) -> Written:
    """Write the preview page to ``output`` atomically (never into the tenant: tenants change only through jobs)."""
    from toolkit.tsv import atomic_write

    if output.resolve().is_relative_to(t.root.resolve()):
        raise UsageError(f"refusing to write into tenant {t.id!r} itself ({output})", "write the page outside tenants/")
    if output.is_dir():
        raise UsageError(f"{output} is a directory", "give a file name with -o")
    data = page_data(t, product, tier, channel, locale)
    body = render_page(data).encode("utf-8")
    atomic_write(output, body)
    return Written(data, str(output), len(body))
