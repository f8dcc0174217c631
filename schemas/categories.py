"""categories — the category tree (``hq/categories.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.rules.categories import RULES

KEY = ["CategoryID"]


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
    no_parent_cycle = f.rule_check("no_parent_cycle", RULES)
