"""What a migration needs to know about the tenant, read once: catalog, categories, channels,
the asset names in use, and the dimensions of existing dimension-matrix cells."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas.patterns import DIMENSIONS
from toolkit.errors import UsageError, WorkspaceError
from toolkit.kinds import get_kind
from toolkit.tokens import canonical_expr
from toolkit.tsv import read_manifest
from toolkit.workspace import Tenant

PRODUCT_COLUMNS = ("ProductNumber", "ProductName", "ProductType", "MasterProductNumber", *DIMENSIONS)


@dataclass(frozen=True)
class TenantData:
    products: pl.DataFrame  # PRODUCT_COLUMNS
    categories: pl.DataFrame  # CategoryID, CategoryName
    channels: pl.DataFrame  # EntityChannel, Served (list of locales)
    media: pl.DataFrame  # MediaDisplayName, MediaSourceProvider, MediaSourceId, MediaLocale
    cells: pl.DataFrame  # Master, Dims ("Color|Style"): dimensions of the master's existing matrix cells

    def locales(self) -> pl.Series:
        """Every locale some channel serves (an Omnichannel set may use only those)."""
        return self.channels.get_column("Served").explode().drop_nulls().unique().sort()


def _read(t: Tenant, rel: str, kind: str, columns: tuple[str, ...]) -> pl.DataFrame:
    path = t.path(rel)
    if not path.is_file():
        raise WorkspaceError(f"tenant {t.id!r} has no {rel}", f"a migration needs it; import a {kind} manifest")
    frame = read_manifest(path, kind, canonical=columns).frame  # only the columns used are spelled canonically
    return frame.select(pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in columns)


def _cells(assignments: pl.DataFrame) -> pl.DataFrame:
    key = pl.col("EntityKeyValue")
    cells = assignments.filter(pl.col("EntityType") == "Product|DimensionMatrix").select(
        Master=key.str.extract(r"^([^|]*)", 1), Dims=key.str.replace(r"^[^|]*\|", "").str.replace_all(r":[^|]*", ""))
    return cells.unique().sort("Master", "Dims")


def load(t: Tenant) -> TenantData:
    products = _read(t, "hq/products.tsv", "products", PRODUCT_COLUMNS)
    categories = _read(t, "hq/categories.tsv", "categories", ("CategoryID", "CategoryName"))
    channels = _read(t, "channels.tsv", "channels", ("ChannelId", "Locales")).select(
        EntityChannel="ChannelId", Served=pl.col("Locales").str.split(","))
    media = _read(t, "cms/media.tsv", "assets",
                  ("MediaDisplayName", "MediaSourceProvider", "MediaSourceId", "MediaLocale", "MediaState"))
    cells = _cells(_read(t, "cms/assignments.tsv", "assignments", ("EntityType", "EntityKeyValue")))
    return TenantData(products, categories, channels, media, cells)


def canonical_channels(given: tuple[str, ...], data: TenantData, tenant_id: str) -> tuple[str, ...]:
    """``--category-channel`` values (repeatable, comma separated, ``OUN00001`` or bare digits),
    canonical, checked against channels.tsv."""
    raw = [c.strip() for v in given for c in v.split(",") if c.strip()]
    column = get_kind("assignments").column("EntityChannel")
    expr = canonical_expr(column, {"EntityChannel"}) if column is not None else pl.col("EntityChannel")
    spelled = pl.DataFrame({"EntityChannel": raw}, schema={"EntityChannel": pl.String}).select(expr).to_series()
    known = data.channels.get_column("EntityChannel")
    unknown = [r for r, s in zip(raw, spelled, strict=True) if s not in known]
    if unknown:
        raise UsageError(f"--category-channel {', '.join(unknown)}: not a channel of tenant {tenant_id!r}",
                         f"use one of: {', '.join(known.sort())}")
    return tuple(sorted(set(spelled)))
