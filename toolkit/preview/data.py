"""What the preview page shows, computed once: every answer ``omm resolve`` would give for the
product and its variants in every channel and locale sync flattens, with the media they name.

The answers come from one :func:`toolkit.resolution.flatten` of the product's family (the master
or standalone product and its variants, with only their own sets, their matrix cells and their
master's sets), so the page shows exactly what ``resolve`` and sync show. A winning set gives the
same items whatever the target, so each set becomes one :class:`Gallery` and every answer points
at one (or at none: nothing shown there).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import polars as pl

from schemas.patterns import DIMENSIONS, NEUTRAL
from toolkit.errors import UsageError
from toolkit.preview.media import MediaView, Swatch, media_views, swatches
from toolkit.resolution import Source, flatten, load
from toolkit.resolution.engine import GROUP_RANK
from toolkit.resolution.inputs import read_frame
from toolkit.resolution.ladder import CATEGORY_PREFIX, MASTER, MATRIX, OMNICHANNEL, VARIANT, targets
from toolkit.resolution.resolve import canonical_channel

if TYPE_CHECKING:
    from toolkit.workspace import Tenant

TIERS = ("cms", "draft")
SOURCE = ["SourceEntityType", "SourceEntityKeyValue", "SourceChannel", "SourceLocale", "SourceVersion"]
TARGET = ["ProductNumber", "EntityChannel", "EntityLocale"]


@dataclass(frozen=True)
class Tile:
    """One gallery item: resolve's item fields, plus the alt text, the default mark and the media key."""

    group: str
    display_order: int | None
    media_id: str
    media_type: str | None
    purpose: str | None
    alt_text: str | None
    is_default: bool
    media: str  # key of PreviewData.media: "<InternalMediaId>|<MediaLocale>"

    def to_dict(self) -> dict[str, Any]:
        return {"MediaGroup": self.group, "MediaDisplayOrder": self.display_order, "InternalMediaId": self.media_id,
                "MediaType": self.media_type, "MediaPurpose": self.purpose}

    def to_json(self) -> dict[str, Any]:
        return {**self.to_dict(), "alt": self.alt_text, "default": self.is_default, "media": self.media}


@dataclass(frozen=True)
class Gallery:
    """The items of one winning set, in gallery order (Primary, then Additional, by display order)."""

    source: Source
    tiles: tuple[Tile, ...]

    @property
    def default_image(self) -> str | None:
        return next((t.media_id for t in self.tiles if t.is_default), None)

    def to_json(self) -> dict[str, Any]:
        return {"source": {**self.source.to_dict(), "version": self.source.version},
                "default_image": self.default_image, "items": [t.to_json() for t in self.tiles]}


@dataclass(frozen=True)
class Variant:
    product: str
    dimensions: dict[str, str]  # only the dimensions the variant has a value for


@dataclass(frozen=True)
class Channel:
    id: str  # "" is Omnichannel
    name: str
    locales: tuple[str, ...]  # Neutral first, then the others sorted


@dataclass(frozen=True)
class PreviewData:
    """Everything the page embeds. ``answers[(product, channel, locale)]`` is an index of
    ``galleries`` or None; ``swatch_answers[(channel, locale)]`` indexes ``swatches``."""

    tenant: str
    tier: str
    product: str  # the master or standalone product
    name: str
    selected: tuple[str, str, str]  # (product, channel, locale) shown when the page opens
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]
    variants: tuple[Variant, ...]
    channels: tuple[Channel, ...]
    galleries: tuple[Gallery, ...]
    answers: dict[tuple[str, str, str], int | None]
    swatches: tuple[Swatch, ...]
    swatch_answers: dict[tuple[str, str], tuple[int, ...]]
    media: dict[str, MediaView]

    def resolution(self, product: str, channel: str, locale: str) -> dict[str, Any]:
        """What the page shows for a (product, channel, locale), as ``Resolution.to_dict()`` (SPEC §6)."""
        found = self.answers[(product, channel, locale)]
        gallery = None if found is None else self.galleries[found]
        return {"product": product, "channel": channel, "locale": locale,
                "source": None if gallery is None else gallery.source.to_dict(),
                "default_image": None if gallery is None else gallery.default_image,
                "items": [] if gallery is None else [t.to_dict() for t in gallery.tiles]}

    def to_json(self) -> dict[str, Any]:
        """The JSON the page's script reads (nested dicts; the page is a function of it)."""
        answers: dict[str, dict[str, dict[str, int | None]]] = {}
        for (p, c, loc), g in self.answers.items():
            answers.setdefault(p, {}).setdefault(c, {})[loc] = g
        swatch_answers: dict[str, dict[str, list[int]]] = {}
        for (c, loc), found in self.swatch_answers.items():
            swatch_answers.setdefault(c, {})[loc] = list(found)
        product, channel, locale = self.selected
        return {"tenant": self.tenant, "tier": self.tier, "product": self.product, "name": self.name,
                "initial": {"product": product, "channel": channel, "locale": locale},
                "dimensions": [{"name": d, "values": list(v)} for d, v in self.dimensions],
                "variants": [{"product": v.product, "dims": v.dimensions} for v in self.variants],
                "channels": [{"id": c.id, "name": c.name, "locales": list(c.locales)} for c in self.channels],
                "galleries": [g.to_json() for g in self.galleries], "answers": answers,
                "swatches": [s.to_json() for s in self.swatches], "swatch_answers": swatch_answers,
                "media": {k: m.to_json() for k, m in sorted(self.media.items())}}


def _family(products: pl.DataFrame, tenant: str, product: str) -> tuple[str, pl.DataFrame]:
    """(master or standalone product number, its catalog rows: itself first, then its variants sorted)."""
    row = products.filter(pl.col("ProductNumber") == product)
    if product.startswith(CATEGORY_PREFIX) or row.height == 0:
        raise UsageError(f"{product} is not in hq/products.tsv of tenant {tenant}",
                         "name a product number of the catalog (a master, a variant or a standalone product)")
    first = row.row(0, named=True)
    head = first["MasterProductNumber"] if first["ProductType"] == "Variant" and first["MasterProductNumber"] else product
    family = products.filter((pl.col("ProductNumber") == head) | (pl.col("MasterProductNumber") == head))
    return head, family.sort(pl.col("ProductNumber") != head, "ProductNumber")


def _restricted_rows(rows: pl.DataFrame, head: str, names: list[str]) -> pl.DataFrame:
    """The assignment rows the family's resolution can use: its products' own sets and the master's matrix cells."""
    own = pl.col("EntityType").is_in([MASTER, VARIANT]) & pl.col("EntityKeyValue").is_in(names)
    cell = (pl.col("EntityType") == MATRIX) & (pl.col("EntityKeyValue").str.split("|").list.first() == head)
    return rows.filter(own | cell)


def _ordered(flat: pl.DataFrame) -> pl.DataFrame:
    """Flattened rows in gallery order within each target, as ``resolve`` lists them."""
    group = pl.col("MediaGroup").replace_strict(GROUP_RANK, default=len(GROUP_RANK), return_dtype=pl.Int8)
    order = pl.col("MediaDisplayOrder").cast(pl.Int64, strict=False)
    return (flat.with_columns(pl.col("EntityChannel", "SourceChannel").fill_null(OMNICHANNEL), order=order)
            .sort(*TARGET, group, "order", "InternalMediaId", nulls_last=True))


def _with_media_locale(flat: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Each item's MediaLocale, from the winning set's row (which asset row, hence which binary, it names)."""
    named = rows.select(SourceEntityType="EntityType", SourceEntityKeyValue="EntityKeyValue",
                        SourceChannel="EntityChannel", SourceLocale="EntityLocale", MediaGroup="MediaGroup",
                        InternalMediaId="InternalMediaId", MediaPurpose="MediaPurpose", MediaLocale="MediaLocale")
    keys = named.columns[:-1]
    return flat.join(named.unique(keys, keep="first", maintain_order=True), on=keys, how="left", nulls_equal=True,
                     maintain_order="left").with_columns(pl.col("MediaLocale").fill_null(NEUTRAL))


def _galleries(flat: pl.DataFrame) -> tuple[tuple[Gallery, ...], dict[tuple[str, str, str], int]]:
    """One gallery per winning set (in set order), and the gallery of every target that has one."""
    sets = flat.select(SOURCE).unique().sort(SOURCE, nulls_last=True).with_row_index("gallery")
    keyed = flat.join(sets, on=SOURCE, nulls_equal=True, maintain_order="left")
    target = pl.concat_str(TARGET, separator="\t")
    first = keyed.filter(target == target.first().over("gallery")).sort("gallery", maintain_order=True)
    galleries: list[Gallery] = []
    for (_,), part in first.group_by(["gallery"], maintain_order=True):  # one small frame per winning set
        s = part.row(0, named=True)
        tiles = tuple(Tile(r["MediaGroup"], r["order"], r["InternalMediaId"], r["MediaType"], r["MediaPurpose"] or None,
                           r["ImageAltText"], r["IsDefaultImage"] == "true", f"{r['InternalMediaId']}|{r['MediaLocale']}")
                      for r in part.iter_rows(named=True))
        galleries.append(Gallery(Source(s["SourceEntityType"], s["SourceEntityKeyValue"], s["SourceChannel"],
                                        s["SourceLocale"], s["SourceVersion"]), tiles))
    answers = keyed.select(*TARGET, "gallery").unique(TARGET)
    return tuple(galleries), {(p, c, loc): g for p, c, loc, g in answers.iter_rows()}


def _channels(t: Tenant) -> tuple[Channel, ...]:
    frame = read_frame(t, "channels.tsv", "channels", ["ChannelId", "ChannelName", "Locales"]).filter(
        pl.col("ChannelId").is_not_null())
    names = dict(frame.select("ChannelId", "ChannelName").iter_rows())
    found = targets(frame).group_by("tc", maintain_order=True).agg(pl.col("tl"))
    return tuple(Channel(tc, names.get(tc) or ("Omnichannel" if tc == OMNICHANNEL else tc),
                         tuple(sorted(tl, key=lambda loc: (loc != NEUTRAL, loc)))) for tc, tl in found.iter_rows())


def _variants(family: pl.DataFrame, head: str) -> tuple[tuple[Variant, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The variants with their dimension values, and each dimension's values in catalog order."""
    rows = family.filter(pl.col("ProductNumber") != head).select("ProductNumber", *DIMENSIONS)
    variants = tuple(Variant(r["ProductNumber"], {d: r[d] for d in DIMENSIONS if r[d]}) for r in rows.iter_rows(named=True))
    dims = tuple((d, tuple(values)) for d in DIMENSIONS
                 if (values := rows.get_column(d).drop_nulls().unique(maintain_order=True).to_list()))
    return variants, dims


def page_data(t: Tenant, product: str, tier: str = "cms", channel: str | None = None, locale: str | None = None,
              *, max_image_bytes: int | None = None, max_total_bytes: int | None = None) -> PreviewData:
    """The preview of ``product`` (a master, one of its variants, or a standalone product) in tenant
    ``t``: tier ``cms`` (published) or ``draft`` (as if every draft were published). The page opens
    on ``product`` in ``channel`` (None: Omnichannel) and ``locale`` (None: Neutral). Binaries are
    embedded up to ``max_image_bytes`` each and ``max_total_bytes`` in all (``media`` module)."""
    if tier not in TIERS:
        raise UsageError(f"unknown tier {tier!r}", f"use one of: {', '.join(TIERS)}")
    inputs = load(t, tier)
    name = product.strip()
    head, family = _family(inputs.products, t.id, name)
    names = family.get_column("ProductNumber").to_list()
    rows = _restricted_rows(inputs.rows, head, names)
    restricted = replace(inputs, products=family, categories=inputs.categories.clear(), rows=rows)
    flat = _with_media_locale(_ordered(flatten(restricted)), rows)
    galleries, found = _galleries(flat)
    channels = _channels(t)
    answers = {(p, c.id, loc): found.get((p, c.id, loc)) for p in names for c in channels for loc in c.locales}
    selected = (name, canonical_channel(channel), NEUTRAL if locale is None else _locale(locale))
    _check_selected(t.id, channels, selected[1], selected[2])
    swatch_list, swatch_answers = swatches(t, tier, head, inputs.channels)
    keys = sorted({tile.media for g in galleries for tile in g.tiles} | {s.media for s in swatch_list if s.media})
    media = media_views(t, keys, max_image_bytes=max_image_bytes, max_total_bytes=max_total_bytes)
    product_names = read_frame(t, "hq/products.tsv", "products", ["ProductNumber", "ProductName"])
    title = product_names.filter(pl.col("ProductNumber") == head).get_column("ProductName").to_list()
    variants, dims = _variants(family, head)
    return PreviewData(t.id, tier, head, (title[0] if title else None) or head, selected, dims, variants, channels,
                       galleries, answers, swatch_list, swatch_answers, media)


def _check_selected(tenant: str, channels: tuple[Channel, ...], channel: str, locale: str) -> None:
    """The page opens on a target sync flattens (resolve's rule), or a UsageError saying what to pick."""
    found = next((c for c in channels if c.id == channel), None)
    if found is None:
        listed = ", ".join(c.id for c in channels if c.id)
        raise UsageError(f"channel {channel} is not configured in tenant {tenant}", f"use one of: {listed}")
    if locale not in found.locales:
        raise UsageError(f"{channel or 'Omnichannel'} does not serve locale {locale} in tenant {tenant}",
                         f"use one of: {', '.join(found.locales)}")


def _locale(value: str) -> str:
    from toolkit.export import canonical_locale

    return canonical_locale(value)
