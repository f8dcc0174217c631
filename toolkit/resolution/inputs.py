"""What resolution reads from a tenant (SPEC §2, §5): catalog, channels, the assignment rows of a
tier and the published assets, as frames of canonical strings with every column it uses present.

Tiers of the CMS: ``cms`` is the published rows only (what sync flattens); ``draft`` is what an
editor would see after publishing everything — the draft rows of a set that has a draft, else its
published rows. Swatch sets (SwatchValue is the reference, not a gallery item) and
catalog-specific sets (a non-empty CatalogNumber: the flattened kind has no catalog column) take
no part in resolution.

A reader may pass the :class:`toolkit.store.Transaction` of the job it runs in: a file staged
there is read in its new content (so ``omm publish`` can sync what it is about to commit).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from schemas.patterns import ASSIGNMENT_STATE, DIMENSIONS, NEUTRAL
from toolkit.errors import UsageError, WorkspaceError
from toolkit.resolution.ladder import SWATCH

if TYPE_CHECKING:
    from toolkit.store import Transaction
    from toolkit.workspace import Tenant

CMS_TIERS = ("draft", "cms")
SET_KEY = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"]
ROW_COLUMNS = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "MediaGroup", "MediaDisplayOrder",
               "InternalMediaId", "MediaLocale", "MediaType", "MediaPurpose", "ImageAltText", "EntityVersion"]
PRODUCT_COLUMNS = ["ProductNumber", "ProductType", "MasterProductNumber", *DIMENSIONS]
MEDIA_COLUMNS = ["InternalMediaId", "MediaLocale", "MediaType", "MediaPublishedURL", "ImageAltText"]


@dataclass(frozen=True)
class Inputs:
    """A tenant's resolution inputs for one CMS tier. ``rows``: the tier's assignment rows (Omnichannel
    as ``""``); ``media``: published asset rows, one per (InternalMediaId, MediaLocale)."""

    tenant: str
    tier: str
    products: pl.DataFrame
    categories: pl.DataFrame
    channels: pl.DataFrame
    rows: pl.DataFrame
    media: pl.DataFrame


def source_path(t: Tenant, rel: str, txn: Transaction | None = None) -> Path | None:
    """Where the current content of ``rel`` is: staged in ``txn``, else in the tenant (None: absent)."""
    if txn is not None:
        staged = txn.staged_path(rel)
        if staged is not None:
            return staged
        if any(op.path == rel and op.action == "delete" for op in txn.operations):
            return None
    path = t.path(rel)
    return path if path.is_file() else None


def read_frame(t: Tenant, rel: str, kind: str, columns: list[str], txn: Transaction | None = None, *,
               required: bool = True) -> pl.DataFrame:
    """The manifest ``rel`` with ``columns`` (absent ones as nulls); an absent optional file is empty."""
    from toolkit.tsv import read_manifest

    path = source_path(t, rel, txn)
    if path is None:
        if required:
            raise WorkspaceError(f"tenant {t.id} has no {rel}",
                                 "restore it from version control, or create it with omm import")
        return pl.DataFrame(schema={c: pl.String for c in columns})
    frame = read_manifest(path, kind, canonical=columns).frame  # only the columns used need respelling
    missing = [pl.lit(None, pl.String).alias(c) for c in columns if c not in frame.columns]
    return frame.with_columns(missing).select(columns)


def check_tier(tier: str, allowed: tuple[str, ...] = CMS_TIERS) -> str:
    if tier not in allowed:
        raise UsageError(f"unknown tier {tier!r}", f"use one of: {', '.join(allowed)}")
    return tier


def tier_rows(frame: pl.DataFrame, tier: str) -> pl.DataFrame:
    """The assignment rows a tier resolves from (module doc)."""
    state = pl.col(ASSIGNMENT_STATE).fill_null("Published")
    published = state == "Published"
    if tier == "draft":
        has_draft = (state == "Draft").any().over(SET_KEY)
        keep = pl.when(has_draft).then(state == "Draft").otherwise(published)
    else:
        keep = published
    gallery = (pl.col("EntityType") != SWATCH) & pl.col("CatalogNumber").fill_null("").eq("")
    return (frame.filter(keep & gallery)
            .with_columns(pl.col("EntityChannel").fill_null(""), pl.col("EntityLocale").fill_null(NEUTRAL),
                          pl.col("MediaLocale").fill_null(NEUTRAL))
            .select(ROW_COLUMNS))


def published_media(frame: pl.DataFrame) -> pl.DataFrame:
    """One published row per (InternalMediaId, MediaLocale): where each item's URL and alt text come from."""
    published = pl.col("MediaState").fill_null("Published") == "Published"
    rows = frame.filter(published).with_columns(pl.col("MediaLocale").fill_null(NEUTRAL)).select(MEDIA_COLUMNS)
    key = pl.struct("InternalMediaId", "MediaLocale")
    # A valid library has one published row per key: asking is a quarter of the cost of an
    # order-keeping unique (2.2M rows: 0.23 s against 1.0 s), which only an invalid one needs.
    if not rows.select(key.is_duplicated().any()).item():
        return rows
    return rows.unique(["InternalMediaId", "MediaLocale"], keep="first", maintain_order=True)


def load(t: Tenant, tier: str = "cms", txn: Transaction | None = None) -> Inputs:
    """Read everything resolution needs from tenant ``t`` for a CMS tier."""
    check_tier(tier)
    assignment_cols = [*ROW_COLUMNS, "CatalogNumber", ASSIGNMENT_STATE]
    # The files are read side by side: Polars parses without the GIL, and the byte checks of one
    # file overlap the parsing of another.
    with ThreadPoolExecutor(3) as pool:
        reads = [pool.submit(read_frame, t, "cms/assignments.tsv", "assignments", assignment_cols, txn),
                 pool.submit(read_frame, t, "cms/media.tsv", "assets", [*MEDIA_COLUMNS, "MediaState"], txn),
                 pool.submit(read_frame, t, "hq/products.tsv", "products", PRODUCT_COLUMNS, txn)]
        categories = read_frame(t, "hq/categories.tsv", "categories", ["CategoryID"], txn, required=False)
        channels = read_frame(t, "channels.tsv", "channels", ["ChannelId", "Locales"], txn)
        assignments, media, products = (r.result() for r in reads)
    return Inputs(t.id, tier, products.filter(pl.col("ProductNumber").is_not_null()),
                  categories.filter(pl.col("CategoryID").is_not_null()),
                  channels.filter(pl.col("ChannelId").is_not_null()), tier_rows(assignments, tier),
                  published_media(media))
