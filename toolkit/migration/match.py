"""Parsed legacy paths matched against the tenant: locales, products, categories (joins only).

After :func:`match` every path that the grammar and the catalog accept has a ``Target``:

- ``product``: the named product's own set (``Product|Master``; standalone products too);
- ``pattern``: pictures for the variants of master ``Entity`` whose values equal the ``D_*``
  columns (null = any value); ``{VariantNumber}_000_{NNN}`` becomes the pattern of that
  variant's own values, so it means the same as the variant's dimension name;
- ``category``: the category ``Entity`` (a CategoryID).

A path the tenant refuses gets ``Reason`` and ``Detail``; see :data:`toolkit.migration.REASONS`.
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import DIMENSIONS, NEUTRAL
from toolkit.migration.grammar import dim
from toolkit.migration.tenant_data import TenantData


def flag(frame: pl.DataFrame, cond: pl.Expr, code: str, detail: pl.Expr) -> pl.DataFrame:
    """Give ``Reason``/``Detail`` to the rows that have none yet and meet ``cond``."""
    hit = pl.col("Reason").is_null() & cond.fill_null(False)
    return frame.with_columns(Reason=pl.when(hit).then(pl.lit(code)).otherwise(pl.col("Reason")),
                              Detail=pl.when(hit).then(detail).otherwise(pl.col("Detail")))


def _locales(frame: pl.DataFrame, data: TenantData) -> pl.DataFrame:
    served = data.locales().implode()
    return flag(frame, (pl.col("Locale") != NEUTRAL) & ~pl.col("Locale").is_in(served), "unknown_locale",
                pl.format("no channel of the tenant serves locale {} (channels.tsv)", pl.col("Locale")))


def _products(frame: pl.DataFrame, data: TenantData) -> pl.DataFrame:
    catalog = data.products.select(
        __num=pl.col("ProductNumber").str.to_lowercase(), ProductNumber="ProductNumber", ProductName="ProductName",
        ProductType="ProductType", Master="MasterProductNumber", **{f"C_{d}": d for d in DIMENSIONS})
    joined = frame.with_columns(__num=pl.col("Number").str.to_lowercase()).join(
        catalog.unique("__num", keep="first"), on="__num", how="left")
    shape, kind = pl.col("Shape"), pl.col("ProductType")
    joined = flag(joined, shape.is_in(["product", "variant", "configuration"]) & kind.is_null(), "unknown_product",
                  pl.format("product {} is not in hq/products.tsv", pl.col("Number")))
    joined = flag(joined, shape.is_in(["variant", "configuration"]) & (kind != "Master"), "not_a_master",
                  pl.format("{} is a {} product; variant pictures are named after their master", pl.col("ProductNumber"),
                            kind))
    own_variant = (shape == "product") & (kind == "Variant")
    return joined.with_columns(
        Target=pl.when(own_variant | shape.is_in(["variant", "configuration"])).then(pl.lit("pattern"))
        .when(shape == "product").then(pl.lit("product")),
        Entity=pl.when(own_variant).then(pl.col("Master")).otherwise(pl.col("ProductNumber")),
        **{dim(d): pl.when(own_variant).then(pl.col(f"C_{d}")).otherwise(pl.col(dim(d))) for d in DIMENSIONS},
    ).drop("__num", "Master", *[f"C_{d}" for d in DIMENSIONS])


def _categories(frame: pl.DataFrame, data: TenantData) -> pl.DataFrame:
    names = data.categories.group_by(__cat=pl.col("CategoryName").str.strip_chars().str.to_lowercase()).agg(
        __ids=pl.col("CategoryID").sort(), CategoryName=pl.col("CategoryName").first())
    joined = frame.with_columns(__cat=pl.col("Category").str.to_lowercase()).join(names, on="__cat", how="left")
    is_cat = pl.col("Shape") == "category"
    joined = flag(joined, is_cat & pl.col("__ids").is_null(), "unknown_category",
                  pl.format("no category named {} in hq/categories.tsv", pl.col("Category")))
    joined = flag(joined, is_cat & (pl.col("__ids").list.len() > 1), "ambiguous_category",
                  pl.format("categories {} share the name {}; rename all but one in hq/categories.tsv",
                            pl.col("__ids").list.join(", "), pl.col("Category")))
    return joined.with_columns(
        Target=pl.when(is_cat).then(pl.lit("category")).otherwise(pl.col("Target")),
        Entity=pl.when(is_cat).then(pl.col("__ids").list.first()).otherwise(pl.col("Entity")),
    ).drop("__cat", "__ids")


def pattern_key() -> pl.Expr:
    """``93039|color=black|size=|…``: which variants a pattern names, in any spelling of the values."""
    values = [pl.format(f"{d.lower()}={{}}", pl.col(dim(d)).str.to_lowercase().fill_null("")) for d in DIMENSIONS]
    return pl.concat_str([pl.col("Entity"), *values], separator="|")


def match(parsed: pl.DataFrame, data: TenantData) -> pl.DataFrame:
    """``parsed`` (see :func:`toolkit.migration.grammar.parse`) joined with the tenant."""
    frame = _categories(_products(_locales(parsed, data), data), data)
    frame = frame.with_columns(Target=pl.when(pl.col("Reason").is_null()).then(pl.col("Target")))
    return frame.with_columns(Pattern=pl.when(pl.col("Target") == "pattern").then(pattern_key()))
