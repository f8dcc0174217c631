"""categories — the category tree (``hq/categories.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.typing.polars import Series

from schemas import fields as f

KEY = ["CategoryID"]

_parent = pl.col("ParentCategoryID")
RULES = {
    "parent_exists": f.rule("ParentCategoryID", ["ParentCategoryID"], "ParentCategoryID names no CategoryID of this file",
                            _parent.is_null() | _parent.is_in(pl.col("CategoryID").implode())),
    "not_own_parent": f.rule("ParentCategoryID", ["CategoryID", "ParentCategoryID"],
                             "a category cannot be its own parent", _parent.ne_missing(pl.col("CategoryID"))),
}


class CategoriesSchema(pa.DataFrameModel):
    CategoryID: Series[str] = f.identifier("Category id.", required=True, nullable=False)
    CategoryName: Series[str] = f.text("Name of the category.", required=True, nullable=False)
    ParentCategoryID: Series[str] = f.text("Parent category; empty for a root.")

    class Config:
        strict = False
        name = "categories"
        unique = KEY
        metadata = f.table("categories", KEY, "hq/categories.tsv", rules=RULES)

    parent_exists = f.rule_check("parent_exists", RULES)
    not_own_parent = f.rule_check("not_own_parent", RULES)
