"""From matched legacy files to the three outputs: assets, assignment sets, unmatched paths.

Rules applied here, after the catalog (:mod:`toolkit.migration.match`):

- a category set needs a channel (``--category-channel``) that serves the file's locale, and holds
  exactly one Primary image, so a category file must be an image and only the first file of a
  category and locale is taken;
- two files for the same set and image number (``.png`` and ``.jpg``, or two spellings of one
  variant name): the first listed is taken;
- variant patterns that serve no variant, or only variants a more specific name serves, are
  reported (:mod:`toolkit.migration.variants`).
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import NEUTRAL
from toolkit.migration.grammar import DIM_COLUMNS
from toolkit.migration.match import flag
from toolkit.migration.names import PROVIDER, alt_text, display_names
from toolkit.migration.tenant_data import TenantData
from toolkit.migration.variants import VariantPlan, plan

OK = pl.col("Reason").is_null()
UNMATCHED_COLUMNS = ("Path", "Reason", "Detail")


def _channels(data: TenantData, channels: tuple[str, ...]) -> pl.DataFrame:
    chosen = pl.DataFrame({"EntityChannel": list(channels)}, schema={"EntityChannel": pl.String})
    return chosen.join(data.channels, on="EntityChannel", how="left")


def category_rules(files: pl.DataFrame, data: TenantData, channels: tuple[str, ...]) -> pl.DataFrame:
    is_cat = pl.col("Target") == "category"
    files = flag(files, is_cat & (pl.col("MediaType") != "Image"), "category_not_image",
                 pl.format("a category set holds one image; .{} is not an image", pl.col("Ext")))
    files = flag(files, is_cat & pl.lit(not channels), "no_category_channel",
                 pl.lit("a category set belongs to a channel; give --category-channel OUN…"))
    served = _channels(data, channels).select(pl.col("Served").explode()).to_series().drop_nulls().unique()
    return flag(files, is_cat & (pl.col("Locale") != NEUTRAL) & ~pl.col("Locale").is_in(served.implode()),
                "locale_not_in_channel", pl.format("no --category-channel serves locale {} (channels.tsv)",
                                                   pl.col("Locale")))


def duplicate_orders(files: pl.DataFrame) -> pl.DataFrame:
    """The second and later file of one set and image number (any file after the first, for a category)."""
    slot = pl.when(pl.col("Target") == "category").then(pl.lit(0)).otherwise(pl.col("Seq"))
    group = ["Target", "__owner", "Locale", "__slot"]
    ranked = (files.filter(OK & pl.col("Target").is_not_null()).sort("Order")
              .with_columns(__slot=slot, __owner=pl.coalesce("Pattern", "Entity"))
              .with_columns(__rank=pl.int_range(pl.len()).over(group), __first=pl.col("Path").first().over(group)))
    later = ranked.filter(pl.col("__rank") > 0).select("Order", "__first")
    detail = (pl.when(pl.col("Target") == "category")
              .then(pl.format("this category and locale already have {} (one image a set)", pl.col("__first")))
              .otherwise(pl.format("same set and image number as {}", pl.col("__first"))))
    flagged = flag(files.join(later, on="Order", how="left"), pl.col("__first").is_not_null(), "duplicate_order",
                   detail)
    return flagged.drop("__first")


def variant_rules(files: pl.DataFrame, data: TenantData) -> tuple[pl.DataFrame, VariantPlan]:
    patterns = files.filter(OK & (pl.col("Target") == "pattern")).select(
        "Entity", "Locale", "Pattern", *DIM_COLUMNS).unique(["Pattern", "Locale"], keep="first", maintain_order=True)
    vp = plan(patterns, data.products, data.cells)
    key = pl.struct("Pattern", "Locale")
    files = flag(files, key.is_in(vp.no_variant.select(pl.struct("Pattern", "Locale")).to_series().implode()),
                 "no_variant", pl.format("no variant of {} has these dimension values", pl.col("Entity")))
    files = flag(files, key.is_in(vp.overridden.select(pl.struct("Pattern", "Locale")).to_series().implode()),
                 "overridden", pl.lit("every variant it names takes the pictures of a more specific name"))
    return files, vp


def assets(used: pl.DataFrame, data: TenantData) -> pl.DataFrame:
    """New Draft assets, one per file, matched on re-import by MediaSourceProvider + MediaSourceId
    (rows in path order, so a listing and a walk of the same files give the same bytes)."""
    named = display_names(used, data.media).sort("Path")
    image = pl.col("MediaType") == "Image"
    return named.select(
        MediaChannel=pl.lit(None, pl.String), MediaLocale="Locale", MediaType="MediaType",
        MediaSourceProvider=pl.lit(PROVIDER), MediaSourceId="Path", MediaSourceIfExistsAction=pl.lit("UseExisting"),
        MediaAction=pl.lit("Draft"), MediaImportPath="Path", ImageAltText=pl.when(image).then(alt_text()),
        MediaSearchTags=pl.lit(PROVIDER), MediaDisplayName="MediaDisplayName",
        MediaTitle=pl.when(~image).then(alt_text()), Path="Path")


def _product_sets(used: pl.DataFrame) -> pl.DataFrame:
    return used.filter(pl.col("Target") == "product").select(
        "Path", EntityType=pl.lit("Product|Master"), EntityKey=pl.lit("EntityId"), EntityKeyValue="Entity",
        EntityChannel=pl.lit(None, pl.String), Locale="Locale", Seq="Seq")


def _pattern_sets(used: pl.DataFrame, vp: VariantPlan) -> pl.DataFrame:
    files = used.filter(pl.col("Target") == "pattern").select("Path", "Pattern", "Locale", "Seq")
    return vp.sets.join(files, on=["Pattern", "Locale"], how="inner").select(
        "Path", "EntityType", "EntityKey", "EntityKeyValue", EntityChannel=pl.lit(None, pl.String), Locale="Locale",
        Seq="Seq")


def _category_sets(used: pl.DataFrame, data: TenantData, channels: tuple[str, ...]) -> pl.DataFrame:
    files = used.filter(pl.col("Target") == "category")
    serving = files.join(_channels(data, channels), how="cross").filter(
        (pl.col("Locale") == NEUTRAL) | pl.col("Served").list.contains(pl.col("Locale")))
    return serving.select("Path", EntityType=pl.lit("Category"), EntityKey=pl.lit("CategoryID"),
                          EntityKeyValue="Entity", EntityChannel="EntityChannel", Locale="Locale",
                          Seq=pl.lit(1, pl.Int64))


def assignments(used: pl.DataFrame, asset_rows: pl.DataFrame, vp: VariantPlan, data: TenantData,
                channels: tuple[str, ...]) -> pl.DataFrame:
    """Draft sets naming their assets by MediaDisplayName, in the legacy image order."""
    rows = pl.concat([_product_sets(used), _pattern_sets(used, vp), _category_sets(used, data, channels)])
    media = asset_rows.select("Path", "MediaLocale", "MediaType", "MediaDisplayName", "ImageAltText", "MediaTitle")
    return rows.join(media, on="Path", how="left").select(
        "MediaLocale", "MediaType", "MediaDisplayName", "ImageAltText", "MediaTitle", "EntityType", "EntityKey",
        "EntityKeyValue", EntityLocale="Locale", EntityChannel="EntityChannel",
        EntityAssignmentAction=pl.lit("Draft"), MediaGroup=pl.lit("Primary"),
        MediaDisplayOrder=pl.col("Seq").cast(pl.String))


def unmatched(files: pl.DataFrame) -> pl.DataFrame:
    return files.filter(~OK).sort("Path", "Order").select(UNMATCHED_COLUMNS)


def unmatched_bytes(frame: pl.DataFrame) -> bytes:
    """``unmatched.tsv``: Path, Reason, Detail — a plain TSV, quoted only where a field needs it."""
    return frame.write_csv(separator="\t", quote_style="necessary", line_terminator="\n", null_value="",
                           include_header=True).encode("utf-8")
