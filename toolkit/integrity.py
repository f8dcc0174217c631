"""Cross-manifest integrity of one tenant: what no single file can tell.

Each check is a Polars anti-join (or join) between manifests, giving the rows that name
something the tenant does not have; rows become findings at their own file and line.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from schemas.patterns import NEUTRAL, UUID
from toolkit.findings import Finding, findings_from
from toolkit.tsv import Manifest

Check = Callable[[dict[str, Manifest]], list[Finding]]
_EMPTY = pl.DataFrame(schema={"v": pl.String})


def _rows(m: Manifest) -> pl.DataFrame:
    return m.frame.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))


def _col(m: Manifest | None, name: str) -> pl.Series:
    if m is None or name not in m.frame.columns:
        return pl.Series(name, [], pl.String)
    return m.frame.get_column(name)


def _report(m: Manifest, bad: pl.DataFrame, column: str, rule: str, message: str) -> list[Finding]:
    rows = bad.select("row", column=pl.lit(column), rule=pl.lit(rule), value=pl.col(column),
                      message=pl.lit(message), order=pl.lit(3, pl.Int64))
    return findings_from(m, rows)


def _present(m: Manifest, *cols: str) -> bool:
    return all(c in m.frame.columns for c in cols)


def unknown_assets(ms: dict[str, Manifest]) -> list[Finding]:
    a, media = ms.get("assignments"), ms.get("assets")
    if a is None or media is None or not _present(a, "InternalMediaId"):
        return []
    known = pl.DataFrame({"InternalMediaId": _col(media, "InternalMediaId").unique()})
    rows = _rows(a).filter(pl.col("InternalMediaId").is_not_null())
    bad = rows.join(known, on="InternalMediaId", how="anti")
    out = _report(a, bad, "InternalMediaId", "unknown_asset", "assignment names an asset that is not in cms/media.tsv")
    if _present(a, "MediaType") and _present(media, "MediaType"):
        types = media.frame.select("InternalMediaId", AssetType="MediaType").unique("InternalMediaId")
        clash = rows.join(types, on="InternalMediaId").filter(
            pl.col("MediaType").is_not_null() & (pl.col("MediaType") != pl.col("AssetType")))
        out += _report(a, clash, "MediaType", "asset_type_mismatch", "MediaType differs from the asset's MediaType")
    return out


def _channel_findings(m: Manifest, chan_col: str, loc_col: str, channels: pl.DataFrame) -> list[Finding]:
    if not _present(m, chan_col):
        return []
    rows = _rows(m)
    bad = rows.filter(pl.col(chan_col).is_not_null()).join(channels.select(pl.col("ChannelId").alias(chan_col)),
                                                           on=chan_col, how="anti")
    out = _report(m, bad, chan_col, "unknown_channel", "channel is not configured in channels.tsv")
    if not _present(m, loc_col):
        return out
    served = channels.select(pl.col("ChannelId").alias(chan_col), pl.col("Locales").str.split(",").alias("served"))
    every = pl.Series(channels.get_column("Locales").str.split(",").explode().unique()).implode()
    with_loc = rows.filter(pl.col(loc_col).is_not_null() & (pl.col(loc_col) != NEUTRAL))
    joined = with_loc.join(served, on=chan_col, how="left")
    unknown = joined.filter(
        pl.when(pl.col(chan_col).is_null()).then(~pl.col(loc_col).is_in(every))
        .otherwise(pl.col("served").is_not_null() & ~pl.col("served").list.contains(pl.col(loc_col)))
    )
    return out + _report(m, unknown, loc_col, "unknown_locale",
                         "locale is not configured for this channel in channels.tsv")


def unconfigured_channels(ms: dict[str, Manifest]) -> list[Finding]:
    ch = ms.get("channels")
    if ch is None or not _present(ch, "ChannelId", "Locales"):
        return []
    channels = ch.frame.select("ChannelId", "Locales").drop_nulls("ChannelId")
    out: list[Finding] = []
    if (a := ms.get("assignments")) is not None:
        out += _channel_findings(a, "EntityChannel", "EntityLocale", channels)
    if (media := ms.get("assets")) is not None:
        out += _channel_findings(media, "MediaChannel", "MediaLocale", channels)
    return out


def missing_entities(ms: dict[str, Manifest]) -> list[Finding]:
    a, products, categories = ms.get("assignments"), ms.get("products"), ms.get("categories")
    if a is None or not _present(a, "EntityType", "EntityKeyValue"):
        return []
    rows = _rows(a)
    if "EntityKey" in a.frame.columns:  # a RecordId is not a product number: nothing to look up
        rows = rows.filter(pl.col("EntityKey").ne_missing("RecordId"))
    out: list[Finding] = []
    if products is not None and _present(products, "ProductNumber", "ProductType"):
        catalog = products.frame.select("ProductNumber", "ProductType")
        wanted = rows.filter(pl.col("EntityType").str.starts_with("Product|")).with_columns(
            ProductNumber=pl.when(pl.col("EntityType").is_in(["Product|DimensionMatrix", "Product|Master|Swatch"]))
            .then(pl.col("EntityKeyValue").str.extract(r"^([^|]*)", 1)).otherwise(pl.col("EntityKeyValue")),
            need=pl.when(pl.col("EntityType") == "Product|Variant").then(pl.lit(["Variant"]))
            .when(pl.col("EntityType") == "Product|DimensionMatrix").then(pl.lit(["Master"]))
            .otherwise(pl.lit(["Master", "Standalone"])),
        )
        found = wanted.join(catalog, on="ProductNumber", how="left")
        bad = found.filter(pl.col("ProductType").is_null() | ~pl.col("need").list.contains(pl.col("ProductType")))
        out += _report(a, bad, "EntityKeyValue", "missing_product",
                       "no product of the right type (master, variant or standalone) in hq/products.tsv")
    if categories is not None and _present(categories, "CategoryID"):
        cats = categories.frame.select(EntityKeyValue="CategoryID")
        bad = rows.filter(pl.col("EntityType") == "Category").join(cats, on="EntityKeyValue", how="anti")
        out += _report(a, bad, "EntityKeyValue", "missing_category", "category is not in hq/categories.tsv")
    return out


def bad_swatches(ms: dict[str, Manifest]) -> list[Finding]:
    a, media = ms.get("assignments"), ms.get("assets")
    if a is None or media is None or not _present(a, "SwatchValue") or not _present(media, "MediaType"):
        return []
    images = media.frame.filter(pl.col("MediaType") == "Image").select(SwatchValue="InternalMediaId").unique()
    ids = _rows(a).filter(pl.col("SwatchValue").str.contains(UUID))
    bad = ids.join(images, on="SwatchValue", how="anti")
    return _report(a, bad, "SwatchValue", "swatch_not_image",
                   "SwatchValue is neither a #rrggbb color nor the InternalMediaId of an image asset")


def unknown_publish_groups(ms: dict[str, Manifest]) -> list[Finding]:
    a, groups = ms.get("assignments"), ms.get("publish_groups")
    if a is None or not _present(a, "PublishGroup"):
        return []
    known = groups.frame.select("PublishGroup") if groups is not None else _EMPTY.rename({"v": "PublishGroup"})
    bad = _rows(a).filter(pl.col("PublishGroup").is_not_null()).join(known, on="PublishGroup", how="anti")
    return _report(a, bad, "PublishGroup", "unknown_publish_group", "publish group is not in cms/publish_groups.tsv")


CHECKS: tuple[Check, ...] = (unknown_assets, unconfigured_channels, missing_entities, bad_swatches,
                             unknown_publish_groups)


def tenant_findings(manifests: dict[str, Manifest]) -> list[Finding]:
    """Every cross-manifest finding of a tenant's manifests (keyed by kind)."""
    return [f for check in CHECKS for f in check(manifests)]
