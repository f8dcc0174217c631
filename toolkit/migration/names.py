"""Readable, unique names and alt texts for migrated assets (Polars expressions).

- product pictures: ``Contoso Denim Jeans 93039 Black 002`` (product name, the product number
  the file names, the dimension values the file gives in Color, Size, Style, Configuration order,
  the image number), ``(fr-fr)`` appended for a language folder;
- category pictures: ``Womenswear category`` (+ locale).

A name another asset of the tenant already has (one that is not this very legacy file), or that
two files of the migration would share, gets the path appended: ``… 001 (Products/x.png)``. A file
migrated and imported before keeps the name the tenant stores for it, so running the migration
again names the same assets.
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import DIMENSIONS, NEUTRAL
from toolkit.migration.grammar import dim

PROVIDER = "legacy"


def _values(separator: str) -> pl.Expr:
    return pl.concat_str([pl.col(dim(d)) for d in DIMENSIONS], separator=separator, ignore_nulls=True)


def _product_name() -> pl.Expr:
    return pl.coalesce(pl.col("ProductName"), pl.col("ProductNumber"))


def base_name() -> pl.Expr:
    suffix = pl.when(pl.col("Locale") != NEUTRAL).then(pl.format(" ({})", pl.col("Locale"))).otherwise(pl.lit(""))
    values = _values(" ")
    product = pl.concat_str([_product_name(), pl.col("ProductNumber"), pl.when(values != "").then(values),
                             pl.col("Seq").cast(pl.String).str.zfill(3)], separator=" ", ignore_nulls=True)
    category = pl.format("{} category", pl.col("CategoryName"))
    return pl.when(pl.col("Target") == "category").then(category).otherwise(product) + suffix


def alt_text() -> pl.Expr:
    """What the picture shows: the product (and the values the file gives), or the category."""
    values = _values(", ")
    product = pl.when(values != "").then(pl.format("{}, {}", _product_name(), values)).otherwise(_product_name())
    return pl.when(pl.col("Target") == "category").then(pl.col("CategoryName")).otherwise(product)


def display_names(files: pl.DataFrame, media: pl.DataFrame) -> pl.DataFrame:
    """``files`` with ``MediaDisplayName`` (see the module doc)."""
    named = files.with_columns(__name=base_name())
    stored = (media.filter(pl.col("MediaSourceProvider") == PROVIDER).drop_nulls("MediaDisplayName")
              .sort(pl.col("MediaState").eq_missing("Draft"))
              .unique(["MediaSourceId", "MediaLocale"], keep="first", maintain_order=True)
              .select(Path="MediaSourceId", Locale="MediaLocale", __stored="MediaDisplayName"))
    owners = media.drop_nulls("MediaDisplayName").select(
        __name="MediaDisplayName", __owner=pl.when(pl.col("MediaSourceProvider") == PROVIDER)
        .then(pl.col("MediaSourceId"))).unique()
    foreign = named.join(owners, on="__name", how="inner").filter(pl.col("__owner").ne_missing(pl.col("Path")))
    clash = pl.col("Path").is_in(foreign.get_column("Path").implode()) | (pl.len().over("__name") > 1)
    named = named.join(stored, on=["Path", "Locale"], how="left")
    fallback = pl.when(clash).then(pl.format("{} ({})", pl.col("__name"), pl.col("Path"))).otherwise(pl.col("__name"))
    return named.with_columns(MediaDisplayName=pl.coalesce("__stored", fallback)).drop("__name", "__stored")
