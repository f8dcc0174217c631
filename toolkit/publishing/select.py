"""Which assignment sets a publish takes: a product's sets, a category's, a group's, all, or the
groups that are due — as one Polars mask over ``cms/assignments.tsv``."""

from __future__ import annotations

import polars as pl

from toolkit.errors import UsageError
from toolkit.importing.values import timestamp
from toolkit.publishing.model import GROUP, STATE, Selection
from toolkit.publishing.store import Frames, catalog


def _category_mask(frames: Frames, categories: tuple[str, ...]) -> pl.Expr:
    known = catalog(frames.tenant, "hq/categories.tsv", "categories", "--category needs hq/categories.tsv")
    given = pl.Series("CategoryID", categories, dtype=pl.String)
    unknown = given.filter(~given.is_in(known.get_column("CategoryID").implode()))
    if unknown.len():
        raise UsageError(f"unknown categor{'ies' if unknown.len() > 1 else 'y'} {', '.join(unknown)} in tenant "
                         f"{frames.tenant.id!r}", "name categories listed in hq/categories.tsv")
    return pl.col("EntityType").eq_missing("Category") & pl.col("EntityKeyValue").is_in(given.implode())


def _product_mask(frames: Frames, products: tuple[str, ...]) -> pl.Expr:
    from toolkit.export import product_set_mask

    known = catalog(frames.tenant, "hq/products.tsv", "products", "--product needs hq/products.tsv")
    return product_set_mask(frames.assignments, known, products, frames.tenant.id)


def known_group(frames: Frames, name: str) -> dict[str, str | None]:
    """The row of publish group ``name``; an unknown group is a usage error."""
    row = frames.groups.filter(pl.col("PublishGroup") == name)
    if row.height == 0:
        raise UsageError(f"no publish group {name!r} in tenant {frames.tenant.id}",
                         f"create it with: omm group create {name} --tenant {frames.tenant.id} (omm group list "
                         "shows the groups)")
    return row.row(0, named=True)


def due_groups(frames: Frames, now: str) -> tuple[str, ...]:
    """The Scheduled groups whose ScheduledOn is at or before ``now``, by name."""
    due = frames.groups.filter(pl.col("Status").eq_missing("Scheduled")
                               & (timestamp("ScheduledOn") <= timestamp(pl.lit(now))).fill_null(False))
    return tuple(sorted(due.get_column("PublishGroup").to_list()))


def group_names(frames: Frames, selection: Selection) -> tuple[str, ...]:
    if selection.due:
        return due_groups(frames, selection.now)
    for name in selection.groups:
        known_group(frames, name)
    return selection.groups


def chosen(frames: Frames, selection: Selection, groups: tuple[str, ...]) -> pl.Expr:
    """True for the rows (either state) of the sets ``selection`` takes."""
    if selection.all:
        return pl.lit(True)
    if selection.by_group:
        in_group = pl.col(STATE).eq_missing("Draft") & pl.col(GROUP).is_in(pl.Series(groups, dtype=pl.String)
                                                                            .implode())
        return in_group.any().over("__set")
    mask = pl.lit(False)
    if selection.products:
        mask = mask | _product_mask(frames, selection.products)
    if selection.categories:
        mask = mask | _category_mask(frames, selection.categories)
    return mask
