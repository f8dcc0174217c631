"""``omm resolve`` (SPEC §5, §6): one product's effective gallery in one channel and locale, with
the ladder walked to find it.

Tiers: ``cms`` resolves from the published sets, ``draft`` from what publishing every draft would
give (see ``inputs``) — both walk the ladder with the same tables as ``flatten``. ``hq`` and
``csu`` read what sync flattened (``hq/media_assignments.tsv``, ``csu/<OUN>/media_assignments.tsv``):
there is no ladder to walk there, only the provenance columns saying which set won; after a sync
they agree with ``cms`` (a test checks every product, channel and locale).

The channel defaults to Omnichannel and the locale to Neutral (``system_neutral``); the pair
must be one that sync flattens (a channel of ``channels.tsv`` and a locale it lists, or Neutral;
Omnichannel with any listed locale). PRODUCT is a product number of ``hq/products.tsv`` or
``category:<CategoryID>`` (categories have no Omnichannel: give ``--channel``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from schemas.patterns import NEUTRAL
from toolkit.errors import UsageError, WorkspaceError
from toolkit.resolution.engine import FLATTENED, GROUP_RANK, Index, build_index
from toolkit.resolution.inputs import check_tier, load, read_frame, source_path
from toolkit.resolution.ladder import CATEGORY_PREFIX, OMNICHANNEL, level_name, rungs, targets
from toolkit.resolution.outputs import HQ, csu_file

if TYPE_CHECKING:
    from toolkit.workspace import Tenant

TIERS = ("cms", "draft", "hq", "csu")


@dataclass(frozen=True)
class Rung:
    """One place the ladder looked: an entity level and a (channel, locale); ``found`` when a set is there."""

    level: str  # product, variant, dimension matrix, master or category
    entity_type: str
    entity_key_value: str
    channel: str  # "" is Omnichannel
    locale: str
    found: bool

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "EntityType": self.entity_type, "EntityKeyValue": self.entity_key_value,
                "EntityChannel": self.channel, "EntityLocale": self.locale, "found": self.found}


@dataclass(frozen=True)
class Source:
    """The set that won (the flattened kind's provenance columns)."""

    entity_type: str
    entity_key_value: str
    channel: str
    locale: str
    version: str | None

    def to_dict(self) -> dict[str, str]:
        return {"EntityType": self.entity_type, "EntityKeyValue": self.entity_key_value,
                "EntityChannel": self.channel, "EntityLocale": self.locale}


@dataclass(frozen=True)
class Item:
    group: str
    display_order: int | None
    media_id: str
    media_type: str | None
    purpose: str | None
    url: str | None
    alt_text: str | None
    is_default: bool

    def to_dict(self) -> dict[str, Any]:
        return {"MediaGroup": self.group, "MediaDisplayOrder": self.display_order, "InternalMediaId": self.media_id,
                "MediaType": self.media_type, "MediaPurpose": self.purpose}


@dataclass(frozen=True)
class Resolution:
    """What ``resolve`` found. ``ladder``: every rung tried, in order, up to the one that won (all of
    them when none did; empty for the hq and csu tiers, which hold only the answer)."""

    tenant: str
    product: str
    channel: str
    locale: str
    tier: str
    ladder: tuple[Rung, ...]
    source: Source | None
    default_image: str | None
    items: tuple[Item, ...]

    def to_dict(self) -> dict[str, Any]:
        """Exactly SPEC §6's resolve JSON."""
        return {"product": self.product, "channel": self.channel, "locale": self.locale,
                "source": None if self.source is None else self.source.to_dict(),
                "default_image": self.default_image, "items": [i.to_dict() for i in self.items]}


def canonical_channel(value: str | None) -> str:
    """``OUN00001``, ``1``, ``oun00001`` → ``OUN00001``; None, empty or ``Omnichannel`` → ``""``."""
    text = (value or "").strip()
    if text.lower() in ("", "omnichannel"):
        return OMNICHANNEL
    if text.isdigit():
        return f"OUN{text}"
    if text[:3].lower() == "oun" and text[3:].isdigit():
        return text.upper()
    raise UsageError(f"--channel {value!r} is not a channel", "use a channel id like OUN00001, or Omnichannel")


def _locale(value: str | None) -> str:
    from toolkit.export import canonical_locale

    return NEUTRAL if value is None else canonical_locale(value)


@dataclass(frozen=True)
class Resolver:
    """One read of a tenant for one tier, to resolve many products (``resolve`` makes one per call).
    ``index`` for the CMS tiers; ``flattened`` (path → frame) for hq and csu."""

    tenant: str
    tier: str
    channels: pl.DataFrame
    products: frozenset[str]
    categories: frozenset[str]
    index: Index | None = None
    flattened: dict[str, pl.DataFrame] = field(default_factory=dict)

    def resolve(self, product: str, channel: str | None = None, locale: str | None = None) -> Resolution:
        """Resolve ``product`` in ``channel`` (None: Omnichannel) and ``locale`` (None: Neutral)."""
        name, tc, tl = product.strip(), canonical_channel(channel), _locale(locale)
        self._check(name, tc, tl)
        if self.index is None:
            ladder: tuple[Rung, ...] = ()
            source, frame = self._read(name, tc, tl)
        else:
            ladder, source, frame = _walk(self.index, name, tc, tl)
        items = _items(frame) if frame.height else ()
        default = next((i.media_id for i in items if i.is_default), None)
        return Resolution(self.tenant, name, tc, tl, self.tier, ladder, source, default, items)

    def _check(self, name: str, tc: str, tl: str) -> None:
        is_category = name.startswith(CATEGORY_PREFIX)
        known, where = (self.categories, "hq/categories.tsv") if is_category else (self.products, "hq/products.tsv")
        if (name[len(CATEGORY_PREFIX):] if is_category else name) not in known:
            raise UsageError(f"{name} is not in {where} of tenant {self.tenant}",
                             "name a product number of the catalog, or category:<CategoryID>")
        if is_category and tc == OMNICHANNEL:
            raise UsageError(f"{name} has no Omnichannel gallery: category sets are channel-specific",
                             "give --channel, e.g. --channel OUN00001")
        if self.tier == "csu" and tc == OMNICHANNEL:
            raise UsageError("the CSU tier is per channel", "give --channel, e.g. --channel OUN00001")
        _check_target(self.tenant, self.channels, tc, tl)

    def _read(self, name: str, tc: str, tl: str) -> tuple[Source | None, pl.DataFrame]:
        frame = self.flattened[HQ if self.tier == "hq" else csu_file(tc)]
        mine = frame.filter((pl.col("ProductNumber") == name) & pl.col("EntityChannel").fill_null("").eq(tc)
                            & (pl.col("EntityLocale") == tl))
        if mine.height == 0:
            return None, mine
        first = mine.row(0, named=True)
        return Source(first["SourceEntityType"], first["SourceEntityKeyValue"], first["SourceChannel"] or "",
                      first["SourceLocale"], first["SourceVersion"]), mine


def _check_target(tenant: str, channels: pl.DataFrame, tc: str, tl: str) -> None:
    known = targets(channels)
    if tc and tc not in known.get_column("tc").to_list():
        listed = ", ".join(sorted(set(known.get_column("tc").to_list()) - {OMNICHANNEL}))
        raise UsageError(f"channel {tc} is not configured in tenant {tenant}", f"use one of: {listed}")
    locales = known.filter(pl.col("tc") == tc).get_column("tl").sort().to_list()
    if tl not in locales:
        raise UsageError(f"{tc or 'Omnichannel'} does not serve locale {tl} in tenant {tenant}",
                         f"use one of: {', '.join(locales)}")


def _items(frame: pl.DataFrame) -> tuple[Item, ...]:
    """Gallery order: Primary before Additional, then display order, then id (one product's gallery)."""
    group = pl.col("MediaGroup").replace_strict(GROUP_RANK, default=len(GROUP_RANK), return_dtype=pl.Int8)
    order = pl.col("MediaDisplayOrder").cast(pl.Int64, strict=False)
    ordered = frame.with_columns(order=order).sort(group, "order", "InternalMediaId", nulls_last=True)
    return tuple(Item(r["MediaGroup"], r["order"], r["InternalMediaId"], r["MediaType"], r["MediaPurpose"] or None,
                      r["MediaPublishedURL"], r["ImageAltText"], r["IsDefaultImage"] == "true")
                 for r in ordered.iter_rows(named=True))


def _walk(index: Index, name: str, tc: str, tl: str) -> tuple[tuple[Rung, ...], Source | None, pl.DataFrame]:
    """Walk the ladder in the CMS (tier cms or draft): the rungs tried, the winner, its items."""
    steps = (rungs(index.inputs.channels, categories=name.startswith(CATEGORY_PREFIX))
             .filter((pl.col("tc") == tc) & (pl.col("tl") == tl)).select("rc", "rl", "rung"))
    places = index.sets.select("set_id", "EntityType", "EntityKeyValue", rc="EntityChannel", rl="EntityLocale",
                               version="SourceVersion")
    walk = (index.candidates.join(index.entities.filter(pl.col("ProductNumber") == name), on="pid")
            .join(steps, how="cross").sort("order", "EntityKeyValue", "rung")
            .join(places, on=["EntityType", "EntityKeyValue", "rc", "rl"], how="left", maintain_order="left"))
    ladder: list[Rung] = []
    for r in walk.iter_rows(named=True):  # at most 3 entity levels × 4 rungs
        ladder.append(Rung(level_name(r["order"], r["EntityType"]), r["EntityType"], r["EntityKeyValue"], r["rc"],
                           r["rl"], r["set_id"] is not None))
        if r["set_id"] is not None:
            source = Source(r["EntityType"], r["EntityKeyValue"], r["rc"], r["rl"], r["version"])
            return tuple(ladder), source, index.items.filter(pl.col("set_id") == r["set_id"])
    return tuple(ladder), None, index.items.clear()


def _read_flattened(path: Path, only: str | None) -> pl.DataFrame:
    """A file sync wrote. With ``only`` (one product), a streamed scan keeps that product's rows, so
    resolving against a multi-gigabyte HQ file holds one gallery, not the file. Sync writes these
    files with every quote inside a quoted field, which the scan reads as the exact reader does; a
    file that is not plain TSV (UTF-16, broken rows) makes the scan fail and is read by the exact
    reader instead. (A hand edit that leaves a literal quote inside an unquoted field can be read
    otherwise by the scan; sync notices the edit and rewrites the file on its next run.)"""
    from toolkit.kinds import get_kind
    from toolkit.tokens import canonicalize
    from toolkit.tsv import read_manifest

    with path.open("rb") as fh:
        utf16 = fh.read(2) in (b"\xff\xfe", b"\xfe\xff")
    if only is not None and not utf16:
        try:
            rows = pl.scan_csv(path, separator="\t", infer_schema=False).filter(pl.col("ProductNumber") == only)
            return canonicalize(rows.collect(), get_kind("flattened"))[0]
        except (pl.exceptions.PolarsError, OSError):
            pass
    return read_manifest(path, "flattened").frame


def _flattened(t: Tenant, tier: str, channels: pl.DataFrame, only: str | None) -> dict[str, pl.DataFrame]:
    """The files sync wrote for the tier (hq: the HQ file; csu: every channel's file that exists)."""
    rels = [HQ] if tier == "hq" else [csu_file(c) for c in channels.get_column("ChannelId").to_list()]
    found = {rel: path for rel in rels if (path := source_path(t, rel)) is not None}
    if not found:
        what = HQ if tier == "hq" else "csu/<OUN>/media_assignments.tsv"
        raise WorkspaceError(f"tenant {t.id} has no {what}", f"run: omm sync --tenant {t.id}")
    empty = pl.DataFrame(schema={c: pl.String for c in FLATTENED})
    return {rel: _read_flattened(found[rel], only) if rel in found else empty for rel in rels}


def resolver(t: Tenant, tier: str = "cms", *, only: str | None = None) -> Resolver:
    """Read tenant ``t`` once for ``tier`` (cms, draft, hq, csu); ``only``: the one product that will
    be asked about (the hq and csu tiers then read only its rows)."""
    check_tier(tier, TIERS)
    channels = read_frame(t, "channels.tsv", "channels", ["ChannelId", "Locales"]).filter(
        pl.col("ChannelId").is_not_null())
    products = read_frame(t, "hq/products.tsv", "products", ["ProductNumber"]).get_column("ProductNumber")
    categories = read_frame(t, "hq/categories.tsv", "categories", ["CategoryID"], required=False)
    names = (frozenset(products.drop_nulls().to_list()),
             frozenset(categories.get_column("CategoryID").drop_nulls().to_list()))
    if tier in ("hq", "csu"):
        return Resolver(t.id, tier, channels, *names, flattened=_flattened(t, tier, channels, only))
    return Resolver(t.id, tier, channels, *names, index=build_index(load(t, tier)))


def resolve(t: Tenant, product: str, channel: str | None = None, locale: str | None = None,
            tier: str = "cms") -> Resolution:
    """Resolve ``product`` in ``channel`` (None: Omnichannel) and ``locale`` (None: Neutral) — module doc.
    A CSU tier without a file for the channel (never synced there) resolves to nothing."""
    return resolver(t, tier, only=product.strip()).resolve(product, channel, locale)
