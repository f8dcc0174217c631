"""The media a preview page shows — binaries embedded as ``data:`` URIs — and the master's swatches.

**Which asset row.** An item names an asset by (InternalMediaId, MediaLocale); its row is the
published one, as resolution takes its URL and alt text from it, else (an asset not yet published,
e.g. a draft-only asset in ``--tier draft``) its draft, marked ``unpublished``. A locale-specific
item without a row of its own falls back to the asset's Neutral row.

**Embedding.** The binary is ``cms/blobs/<2 hex>/<MediaChecksum>``. Only images in a format every
browser shows (PNG, JPEG, GIF, WebP, AVIF, BMP) are embedded, each up to ``max_image_bytes``
(default 2 MiB) and all together up to ``max_total_bytes`` (default 24 MiB), in media-key order so
the page is deterministic; anything else (a video, a PDF, a missing or too big binary) becomes a
placeholder tile with the id and the reason, so the page never reaches the network.

**Swatches** (``Product|Master|Swatch`` sets, one per dimension value, SwatchValue a ``#rrggbb``
color or an image's InternalMediaId) take the tier's state rule of the gallery sets and, per
target, the channel/locale ladder of SPEC §5: the set on the most specific rung wins.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from schemas.patterns import ASSIGNMENT_STATE, NEUTRAL, UUID
from toolkit.resolution.inputs import read_frame
from toolkit.resolution.ladder import OMNICHANNEL, SWATCH, rungs

if TYPE_CHECKING:
    from toolkit.workspace import Tenant

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 24 * 1024 * 1024
ASSET_COLUMNS = ["InternalMediaId", "MediaLocale", "MediaType", "MediaState", "MediaVersion", "MediaChecksum",
                 "MediaDisplayName", "MediaTitle", "ImageWidth", "ImageHeight"]
SWATCH_COLUMNS = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber", "MediaLocale",
                  "SwatchGroup", "SwatchDimension", "SwatchValue", ASSIGNMENT_STATE]
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
          (b"GIF89a", "image/gif"), (b"BM", "image/bmp"))
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class MediaView:
    """One asset row as the page shows it: ``src`` a data: URI, or None with ``note`` saying why."""

    media_id: str
    locale: str
    media_type: str | None
    name: str | None  # MediaDisplayName, else MediaTitle
    width: int | None
    height: int | None
    src: str | None
    note: str | None
    unpublished: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.media_id, "locale": self.locale, "type": self.media_type, "name": self.name,
                "width": self.width, "height": self.height, "src": self.src, "note": self.note,
                "unpublished": self.unpublished}


@dataclass(frozen=True)
class Swatch:
    """A swatch set: the dimension (SwatchGroup), its value (SwatchDimension), and a hex color or a media key."""

    dimension: str
    value: str
    hex: str | None
    media: str | None
    channel: str
    locale: str

    def to_json(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "value": self.value, "hex": self.hex, "media": self.media,
                "channel": self.channel, "locale": self.locale}


def mime_type(head: bytes) -> str | None:
    """The image type of a binary from its first bytes (None: not one every browser shows)."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _asset_rows(t: Tenant, keys: list[str]) -> dict[str, dict[str, str | None]]:
    """The asset row of each media key (module doc: published, else draft; Neutral as a fallback)."""
    wanted = pl.DataFrame({"key": keys}, schema={"key": pl.String}).with_columns(
        pl.col("key").str.split_exact("|", 1).struct.rename_fields(["InternalMediaId", "MediaLocale"])).unnest("key")
    wanted = wanted.with_columns(key=pl.concat_str("InternalMediaId", "MediaLocale", separator="|"))
    assets = read_frame(t, "cms/media.tsv", "assets", ASSET_COLUMNS).with_columns(
        pl.col("MediaLocale").fill_null(NEUTRAL), rank=(pl.col("MediaState").fill_null("Published") != "Published"))
    best = (assets.join(wanted.select("InternalMediaId").unique(), on="InternalMediaId")
            .sort("InternalMediaId", "MediaLocale", "rank").unique(["InternalMediaId", "MediaLocale"], keep="first"))
    neutral = best.filter(pl.col("MediaLocale") == NEUTRAL).drop("MediaLocale")
    exact = wanted.join(best, on=["InternalMediaId", "MediaLocale"], how="inner")
    fallback = (wanted.join(exact.select("key"), on="key", how="anti").drop("MediaLocale")
                .join(neutral, on="InternalMediaId", how="inner"))
    found = pl.concat([exact, fallback], how="diagonal")
    return {r["key"]: r for r in found.iter_rows(named=True)}


def media_views(t: Tenant, keys: list[str], *, max_image_bytes: int | None = None,
                max_total_bytes: int | None = None) -> dict[str, MediaView]:
    """The page's view of each media key ``<InternalMediaId>|<MediaLocale>`` (module doc)."""
    per_image = MAX_IMAGE_BYTES if max_image_bytes is None else max_image_bytes
    budget = MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes
    rows = _asset_rows(t, keys)
    views: dict[str, MediaView] = {}
    for key in sorted(keys):  # one product's few media, in a fixed order (the budget is spent in it)
        media_id, locale = key.split("|", 1)
        row = rows.get(key)
        if row is None:
            views[key] = MediaView(media_id, locale, None, None, None, None, None, "no asset row in cms/media.tsv",
                                   False)
            continue
        src, note, size = _embed(t, row, per_image, budget)
        budget -= size
        views[key] = MediaView(media_id, locale, row["MediaType"], row["MediaDisplayName"] or row["MediaTitle"],
                               _int(row["ImageWidth"]), _int(row["ImageHeight"]), src, note,
                               (row["MediaState"] or "Published") != "Published")
    return views


def _embed(t: Tenant, row: dict[str, Any], per_image: int, budget: int) -> tuple[str | None, str | None, int]:
    """(data URI, None, bytes used) or (None, why not, 0)."""
    if row["MediaType"] != "Image":
        return None, f"{row['MediaType'] or 'media'}: not embedded (images only)", 0
    checksum = (row["MediaChecksum"] or "").lower()
    if not re.fullmatch(r"[0-9a-f]{64}", checksum):
        return None, "no MediaChecksum: no binary to show", 0
    path = t.path(f"cms/blobs/{checksum[:2]}/{checksum}")
    if not path.is_file():
        return None, "binary missing from cms/blobs", 0
    size = path.stat().st_size
    if size > per_image:
        return None, f"too big to embed ({_size(size)} > {_size(per_image)})", 0
    if size > budget:
        return None, "not embedded: the page's size limit is reached", 0
    body = path.read_bytes()
    mime = mime_type(body[:16])
    if mime is None:
        return None, "not an image format browsers show", 0
    return f"data:{mime};base64,{base64.b64encode(body).decode('ascii')}", None, len(body)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KiB"


def _tier_state(tier: str) -> pl.Expr:
    """Which swatch rows the tier takes: inputs.tier_rows' rule (draft: a set's draft rows when it has a draft)."""
    state = pl.col(ASSIGNMENT_STATE).fill_null("Published")
    if tier != "draft":
        return state == "Published"
    has_draft = (state == "Draft").any().over(["EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"])
    return pl.when(has_draft).then(state == "Draft").otherwise(state == "Published")


def swatches(t: Tenant, tier: str, head: str, channels: pl.DataFrame
             ) -> tuple[tuple[Swatch, ...], dict[tuple[str, str], tuple[int, ...]]]:
    """The master's swatch sets, and per target (channel, locale) the ones shown there (module doc)."""
    frame = read_frame(t, "cms/assignments.tsv", "assignments", SWATCH_COLUMNS)
    mine = (frame.filter((pl.col("EntityType") == SWATCH)
                         & (pl.col("EntityKeyValue").str.split("|").list.first() == head)
                         & pl.col("CatalogNumber").fill_null("").eq(""))
            .with_columns(pl.col("EntityChannel").fill_null(OMNICHANNEL), pl.col("EntityLocale").fill_null(NEUTRAL),
                          pl.col("MediaLocale").fill_null(NEUTRAL)))
    mine = (mine.filter(_tier_state(tier)).filter(pl.col("SwatchGroup").is_not_null()
                                                  & pl.col("SwatchDimension").is_not_null())
            .unique(["EntityKeyValue", "EntityChannel", "EntityLocale"], keep="first")
            .sort("SwatchGroup", "SwatchDimension", "EntityChannel", "EntityLocale").with_row_index("swatch"))
    won = (mine.join(rungs(channels), left_on=["EntityChannel", "EntityLocale"], right_on=["rc", "rl"])
           .sort("tc", "tl", "SwatchGroup", "SwatchDimension", "rung")
           .unique(["tc", "tl", "SwatchGroup", "SwatchDimension"], keep="first", maintain_order=True)
           .group_by("tc", "tl", maintain_order=True).agg(pl.col("swatch").sort()))
    found = tuple(Swatch(r["SwatchGroup"], r["SwatchDimension"], _hex(r["SwatchValue"]),
                         _swatch_media(r["SwatchValue"], r["MediaLocale"]), r["EntityChannel"], r["EntityLocale"])
                  for r in mine.iter_rows(named=True))
    return found, {(tc, tl): tuple(ids) for tc, tl, ids in won.iter_rows()}


def _hex(value: str | None) -> str | None:
    return value.lower() if value and _HEX.match(value) else None


def _swatch_media(value: str | None, locale: str) -> str | None:
    return f"{value.lower()}|{locale}" if value and re.match(UUID, value.lower()) else None
