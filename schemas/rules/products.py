"""The cross-column rules of products manifests, as plain Polars (no Pandera): ``schemas/products.py``
wires them into its model as ``@dataframe_check``s, and screening asks them directly."""

from __future__ import annotations

import polars as pl

from schemas.patterns import DIMENSIONS
from schemas.rules import rule

_variant = pl.col("ProductType").eq_missing("Variant")
_dims = [pl.col(d) for d in DIMENSIONS]

RULES = {
    "variant_has_master": rule(
        "MasterProductNumber", ["ProductNumber", "ProductType", "MasterProductNumber"],
        "a Variant needs MasterProductNumber naming a Master of this file",
        ~_variant | pl.col("MasterProductNumber").is_in(
            pl.col("ProductNumber").filter(pl.col("ProductType").eq_missing("Master")).implode()).fill_null(False),
    ),
    "only_variants_have_master": rule("MasterProductNumber", ["ProductType", "MasterProductNumber"],
                                      "only a Variant has a MasterProductNumber",
                                      _variant | pl.col("MasterProductNumber").is_null()),
    "variant_has_dimension": rule("ProductType", ["ProductType", *DIMENSIONS],
                                  "a Variant needs at least one of Color, Size, Style, Configuration",
                                  ~_variant | pl.any_horizontal(d.is_not_null() for d in _dims)),
}
