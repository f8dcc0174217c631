"""products — the product catalog (``hq/products.tsv``), as an ERP export gives it."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.rules.products import RULES

PRODUCT_TYPES = ("Standalone", "Master", "Variant")
KEY = ["ProductNumber"]


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
