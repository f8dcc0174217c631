"""Which variants each variant picture name serves, and the dimension-matrix collapse.

A *pattern* (see :mod:`toolkit.migration.match`) names the variants of its master whose values
equal its non-empty values; an empty value serves every value of that dimension. A variant takes
the pictures of the most specific pattern that names it (most values given; among equals, the
one giving the earliest dimension of Color, Size, Style, Configuration), per locale — as a variant set severs inheritance from its matrix cell.

Collapse: when the patterns give several variants of a master the same pictures, one
dimension-matrix cell per combination of the dimensions that vary the pictures replaces their
variant sets. For every master the dimensions ``D`` (a non-empty subset of the dimensions its
variants use, and the dimensions of the master's existing cells if it has any, since all cells
of a master share one set) are chosen that need the fewest sets:

- a cell ``D = values`` is made when every variant with those values has pictures and at least two
  of them share one pattern (the cell gets that pattern; the others keep variant sets, which win
  over the cell); a group with a variant without pictures gets no cell, so that variant keeps
  falling back to its master, as before the migration;
- the collapse is taken only when it needs fewer sets than one variant set per variant.

All of it is joins and group-bys over every master at once (the 15 subsets as a cross join).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import polars as pl

from schemas.patterns import DIMENSIONS
from toolkit.migration.grammar import dim

KEYS = [f"K_{d}" for d in DIMENSIONS]
GROUP = ["Dims", "Entity", "Locale", *KEYS]
_SUBSETS = pl.DataFrame(
    [("|".join(c), len(c), rank, *(d in c for d in DIMENSIONS))
     for rank, c in enumerate(c for n in range(1, len(DIMENSIONS) + 1) for c in combinations(DIMENSIONS, n))],
    schema={"Dims": pl.String, "Size": pl.Int64, "Rank": pl.Int64, **{f"U_{d}": pl.Boolean for d in DIMENSIONS}},
    orient="row")


@dataclass(frozen=True)
class VariantPlan:
    """``sets``: EntityType, EntityKey, EntityKeyValue, Locale, Pattern — one row per set a pattern
    fills; ``no_variant`` / ``overridden``: (Pattern, Locale) of patterns that serve no variant;
    ``collapsed``: Entity, Dims, Cells (list), MatrixSets, VariantSets per collapsed master."""

    sets: pl.DataFrame
    no_variant: pl.DataFrame
    overridden: pl.DataFrame
    collapsed: pl.DataFrame


def variants(products: pl.DataFrame) -> pl.DataFrame:
    return products.filter(pl.col("ProductType") == "Variant").select(
        Variant="ProductNumber", Entity="MasterProductNumber", **{f"V_{d}": d for d in DIMENSIONS})


def expand(patterns: pl.DataFrame, catalog: pl.DataFrame) -> pl.DataFrame:
    """(Pattern, Locale, Entity, Variant, V_*, Rank) for every variant a pattern names; the lower
    ``Rank``, the more specific the pattern (see :func:`winners`)."""
    lower = [pl.col(dim(d)).str.to_lowercase().alias(f"__p{d}") for d in DIMENSIONS]
    fits = pl.all_horizontal(pl.col(f"__p{d}").is_null() | (pl.col(f"__p{d}") == pl.col(f"__v{d}"))
                             for d in DIMENSIONS)
    # Specificity first (more values given), then which values: Color before Size, Style, Configuration.
    rank = pl.sum_horizontal(pl.col(dim(d)).is_null().cast(pl.Int64) * (16 + 2 ** (3 - i))
                             for i, d in enumerate(DIMENSIONS))
    keyed = catalog.with_columns(pl.col(f"V_{d}").str.to_lowercase().alias(f"__v{d}") for d in DIMENSIONS)
    joined = patterns.with_columns(lower).join(keyed, on="Entity", how="inner").filter(fits)
    return joined.with_columns(Rank=rank).drop(pl.selectors.starts_with("__"))


def winners(expanded: pl.DataFrame) -> pl.DataFrame:
    """Per (variant, locale): the pattern that gives it its pictures — the most specific; among
    equally specific ones, the one giving the earliest dimension of Color, Size, Style, Configuration."""
    best = pl.col("Rank") == pl.col("Rank").min().over("Variant", "Locale")
    top = expanded.filter(best)
    first = top.filter(pl.col("Pattern") == pl.col("Pattern").min().over("Variant", "Locale"))
    return first.drop("Rank", *[dim(d) for d in DIMENSIONS])


def _grid(won: pl.DataFrame, catalog: pl.DataFrame) -> pl.DataFrame:
    """Every variant of every master that has patterns, per locale, with its pattern or null."""
    present = won.select("Entity", "Locale").unique()
    return present.join(catalog, on="Entity").join(won.select("Variant", "Locale", "Pattern"),
                                                   on=["Variant", "Locale"], how="left")


def _keys() -> list[pl.Expr]:
    return [pl.when(pl.col(f"U_{d}")).then(pl.col(f"V_{d}")).alias(f"K_{d}") for d in DIMENSIONS]


def _candidates(grid: pl.DataFrame, catalog: pl.DataFrame, cells: pl.DataFrame) -> pl.DataFrame:
    """The grid under every subset of dimensions the master may use for its cells."""
    has = catalog.group_by("Entity").agg(pl.col(f"V_{d}").is_not_null().any().alias(f"H_{d}") for d in DIMENSIONS)
    existing = cells.group_by(Entity="Master").agg(Existing=pl.col("Dims").first())
    allowed = pl.all_horizontal(~pl.col(f"U_{d}") | pl.col(f"H_{d}") for d in DIMENSIONS)
    return (grid.join(has, on="Entity").join(_SUBSETS, how="cross").filter(allowed)
            .join(existing, on="Entity", how="left").filter(pl.col("Existing").is_null()
                                                            | (pl.col("Existing") == pl.col("Dims")))
            .with_columns(_keys()))


def groups(candidates: pl.DataFrame) -> pl.DataFrame:
    """Per subset, master, locale and cell values: whether a cell is made, its pattern and the
    sets the group needs."""
    open_key = pl.any_horizontal(pl.col(f"U_{d}") & pl.col(f"V_{d}").is_null() for d in DIMENSIONS)
    sized = candidates.group_by(GROUP).agg(N=pl.len(), Covered=pl.col("Pattern").is_not_null().sum(),
                                           Open=open_key.any(), Size=pl.col("Size").first(),
                                           Rank=pl.col("Rank").first())
    counts = candidates.drop_nulls("Pattern").group_by([*GROUP, "Pattern"]).agg(Top=pl.len())
    top = counts.sort(["Top", "Pattern"], descending=[True, False]).unique(GROUP, keep="first", maintain_order=True)
    joined = sized.join(top, on=GROUP, how="left", nulls_equal=True).with_columns(pl.col("Top").fill_null(0))
    cell = (pl.col("N") == pl.col("Covered")) & (pl.col("Top") >= 2) & ~pl.col("Open")
    return joined.with_columns(Cell=cell, Sets=pl.when(cell).then(1 + pl.col("Covered") - pl.col("Top"))
                               .otherwise(pl.col("Covered")))


def choose(grouped: pl.DataFrame) -> pl.DataFrame:
    """Per master, the subset with the fewest sets, when it needs fewer than no collapse."""
    totals = grouped.group_by("Dims", "Entity").agg(Total=pl.col("Sets").sum(), Baseline=pl.col("Covered").sum(),
                                                    Size=pl.col("Size").first(), Rank=pl.col("Rank").first())
    better = totals.filter(pl.col("Total") < pl.col("Baseline")).sort("Entity", "Total", "Size", "Rank")
    return better.unique("Entity", keep="first", maintain_order=True).select("Entity", "Dims")


def cell_key() -> pl.Expr:
    """``93039|Color:Black|Style:Slim``: the master, then the cell's values in canonical order."""
    pairs = [pl.when(pl.col(f"K_{d}").is_not_null()).then(pl.format(f"{d}:{{}}", pl.col(f"K_{d}")))
             for d in DIMENSIONS]
    return pl.concat_str([pl.col("Entity"), *pairs], separator="|", ignore_nulls=True)


def assign(won: pl.DataFrame, grouped: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """Each (variant, locale) with its pattern, and the cell it falls in (null: a variant set)."""
    picked = grouped.join(chosen, on=["Entity", "Dims"], how="semi").filter("Cell")
    subset = chosen.join(_SUBSETS, on="Dims")
    placed = won.join(subset, on="Entity", how="left").with_columns(_keys())
    placed = placed.join(picked.select(*GROUP, CellPattern="Pattern"), on=GROUP, how="left", nulls_equal=True)
    in_cell = pl.col("CellPattern").is_not_null() & (pl.col("CellPattern") == pl.col("Pattern"))
    return placed.with_columns(Cell=pl.when(in_cell).then(cell_key()))


def _sets(placed: pl.DataFrame) -> pl.DataFrame:
    cells = placed.filter(pl.col("Cell").is_not_null()).select(
        EntityType=pl.lit("Product|DimensionMatrix"), EntityKey=pl.lit("EntityId|DimensionMatrix"),
        EntityKeyValue="Cell", Locale="Locale", Pattern="Pattern").unique()
    own = placed.filter(pl.col("Cell").is_null()).select(
        EntityType=pl.lit("Product|Variant"), EntityKey=pl.lit("EntityId"), EntityKeyValue="Variant",
        Locale="Locale", Pattern="Pattern")
    return pl.concat([cells, own]).sort("EntityType", "EntityKeyValue", "Locale")


def _collapsed(placed: pl.DataFrame) -> pl.DataFrame:
    in_cells = placed.filter(pl.col("Cell").is_not_null())
    return in_cells.group_by("Entity").agg(
        Dims=pl.col("Dims").first(), Cells=pl.col("Cell").unique().sort(),
        MatrixSets=pl.struct("Cell", "Locale").n_unique(), VariantSets=pl.len()).sort("Entity")


def plan(patterns: pl.DataFrame, products: pl.DataFrame, cells: pl.DataFrame) -> VariantPlan:
    """``patterns``: one row per (Pattern, Locale) with Entity and the D_* values."""
    catalog = variants(products)
    expanded = expand(patterns, catalog)
    won = winners(expanded)
    served = expanded.select("Pattern", "Locale").unique()
    no_variant = patterns.select("Pattern", "Locale").join(served, on=["Pattern", "Locale"], how="anti")
    overridden = served.join(won.select("Pattern", "Locale").unique(), on=["Pattern", "Locale"], how="anti")
    grouped = groups(_candidates(_grid(won, catalog), catalog, cells))
    placed = assign(won, grouped, choose(grouped))
    return VariantPlan(_sets(placed), no_variant, overridden, _collapsed(placed))
