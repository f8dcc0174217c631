"""products — the product catalog (``hq/products.tsv``), as an ERP export gives it."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.typing.polars import Series

from schemas import fields as f

PRODUCT_TYPES = ("Standalone", "Master", "Variant")
KEY = ["ProductNumber"]
_variant = pl.col("ProductType").eq_missing("Variant")
_dims = [pl.col(d) for d in f.DIMENSIONS]

RULES = {
    "variant_has_master": f.rule(
        "MasterProductNumber", ["ProductNumber", "ProductType", "MasterProductNumber"],
        "a Variant needs MasterProductNumber naming a Master of this file",
        ~_variant | pl.col("MasterProductNumber").is_in(
            pl.col("ProductNumber").filter(pl.col("ProductType").eq_missing("Master")).implode()).fill_null(False),
    ),
    "only_variants_have_master": f.rule("MasterProductNumber", ["ProductType", "MasterProductNumber"],
                                        "only a Variant has a MasterProductNumber",
                                        _variant | pl.col("MasterProductNumber").is_null()),
    "variant_has_dimension": f.rule("ProductType", ["ProductType", *f.DIMENSIONS],
                                    "a Variant needs at least one of Color, Size, Style, Configuration",
                                    ~_variant | pl.any_horizontal(d.is_not_null() for d in _dims)),
}


class ProductsSchema(pa.DataFrameModel):
    ProductNumber: Series[str] = f.pattern(r"^[^|\s]([^|]*[^|\s])?$", "Product number.", required=True, nullable=False,
                                           expect="a product number without `|` and without surrounding spaces")
    ProductName: Series[str] = f.text("Name of the product.")
    ProductType: Series[str] = f.enum(PRODUCT_TYPES, "Standalone, Master or Variant.", required=True, nullable=False)
    MasterProductNumber: Series[str] = f.text("The master of a variant.")
    Color: Series[str] = f.text("Color dimension value of a variant.")
    Size: Series[str] = f.text("Size dimension value of a variant.")
    Style: Series[str] = f.text("Style dimension value of a variant.")
    Configuration: Series[str] = f.text("Configuration dimension value of a variant.")

    class Config:
        strict = False
        name = "products"
        unique = KEY
        metadata = f.table("products", KEY, "hq/products.tsv", rules=RULES)

    variant_has_master = f.rule_check("variant_has_master", RULES)
    only_variants_have_master = f.rule_check("only_variants_have_master", RULES)
    variant_has_dimension = f.rule_check("variant_has_dimension", RULES)
