"""The two ladders of SPEC §5 as small Polars tables, shared by ``flatten`` and ``resolve``.

- **Targets**: every (channel, locale) a product is flattened for — each channel with the locales
  it lists plus Neutral, and Omnichannel (``""``) with every locale any channel lists plus Neutral.
  Categories are channel-specific: only the channels' targets.
- **Rungs**: for each target, the (channel, locale) of the sets it may inherit from, in order:
  (c, l) → (c, Neutral) → (Omnichannel, l) → (Omnichannel, Neutral); categories stop after
  (c, Neutral). Rungs that name the same place twice (a Neutral or an Omnichannel target) keep
  their first position.
- **Entity candidates**: each catalog entity with the entities whose sets it may show, in ladder
  order: a variant → its dimension-matrix cell → its master; a standalone product or a master →
  itself; a category → itself (its ``ProductNumber`` is ``category:<CategoryID>``).

A candidate's ``order`` is its place on the entity ladder (0 own, 10-14 matrix cell, 20 master):
a cell with more dimensions sorts first, so that even an (invalid) master with mixed matrix
dimensions resolves deterministically.
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import DIMENSIONS, NEUTRAL

OMNICHANNEL = ""
CATEGORY_PREFIX = "category:"
MASTER, VARIANT, MATRIX, CATEGORY = "Product|Master", "Product|Variant", "Product|DimensionMatrix", "Category"
SWATCH = "Product|Master|Swatch"
OWN, CELL, PARENT = 0, 10, 20
LEVEL_NAMES = {OWN: "own", CELL: "dimension matrix", PARENT: "master"}
TARGET = ["tc", "tl"]  # target channel and locale (Omnichannel is "")
ENTITY = ["EntityType", "EntityKeyValue"]


def channel_locales(channels: pl.DataFrame) -> pl.DataFrame:
    """(ChannelId, locale): one row per locale a channel lists (canonical, de-duplicated)."""
    return (channels.select("ChannelId", locale=pl.col("Locales").fill_null("").str.split(","))
            .explode("locale").filter(pl.col("locale") != "").unique().sort("ChannelId", "locale"))


def targets(channels: pl.DataFrame) -> pl.DataFrame:
    """Every (tc, tl) a product is flattened for; ``omni`` is False for the channels' own targets."""
    listed = channel_locales(channels)
    ids = channels.select(pl.col("ChannelId").unique())
    own = pl.concat([listed.select(tc="ChannelId", tl="locale"), ids.select(tc="ChannelId", tl=pl.lit(NEUTRAL))])
    omni_locales = pl.concat([listed.select(tl="locale"), pl.DataFrame({"tl": [NEUTRAL]})]).unique()
    omni = omni_locales.select(tc=pl.lit(OMNICHANNEL), tl="tl")
    return pl.concat([own.unique(), omni]).sort(TARGET)


def rungs(channels: pl.DataFrame, *, categories: bool = False) -> pl.DataFrame:
    """(tc, tl, rc, rl, rung): the sets at (rc, rl) serve target (tc, tl) at position ``rung``."""
    t = targets(channels)
    if categories:
        t = t.filter(pl.col("tc") != OMNICHANNEL)
    omni, neutral = pl.lit(OMNICHANNEL), pl.lit(NEUTRAL)
    ladder = [(pl.col("tc"), pl.col("tl")), (pl.col("tc"), neutral), (omni, pl.col("tl")), (omni, neutral)]
    steps = ladder[:2] if categories else ladder
    frames = [t.with_columns(rc=c, rl=loc, rung=pl.lit(i, pl.Int8)) for i, (c, loc) in enumerate(steps)]
    # A place named twice (Neutral or Omnichannel targets) keeps its first, most specific rung.
    return (pl.concat(frames).group_by([*TARGET, "rc", "rl"]).agg(pl.col("rung").min())
            .sort([*TARGET, "rung"]))


def matrix_signatures(sets: pl.DataFrame) -> pl.DataFrame:
    """(master, has_<Dimension>…, ndims): the dimension sets of each master's matrix cells."""
    cells = sets.filter(pl.col("EntityType") == MATRIX).select(
        master=pl.col("EntityKeyValue").str.split("|").list.first(),
        **{f"has_{d}": pl.col("EntityKeyValue").str.contains(f"|{d}:", literal=True) for d in DIMENSIONS})
    return cells.unique().with_columns(ndims=pl.sum_horizontal(f"has_{d}" for d in DIMENSIONS).cast(pl.Int32))


def _cell_key() -> pl.Expr:
    # The variant's values on the matrix's dimensions, in canonical order; a missing value makes
    # the key null, since no cell can match a dimension the variant has no value for.
    parts = [pl.when(pl.col(f"has_{d}")).then(pl.lit(f"|{d}:") + pl.col(d)).otherwise(pl.lit(""))
             for d in DIMENSIONS]
    return pl.concat_str([pl.col("MasterProductNumber"), *parts])


def entity_candidates(products: pl.DataFrame, categories: pl.DataFrame, sets: pl.DataFrame) -> pl.DataFrame:
    """(ProductNumber, order, EntityType, EntityKeyValue): the entity ladder of every catalog entity."""
    kind = pl.col("ProductType").fill_null("Standalone")
    variants = products.filter(kind == "Variant")
    others = products.filter(kind != "Variant")
    cols = ["ProductNumber", "order", *ENTITY]
    own = others.select("ProductNumber", order=pl.lit(OWN), EntityType=pl.lit(MASTER),
                        EntityKeyValue="ProductNumber")
    variant_own = variants.select("ProductNumber", order=pl.lit(OWN), EntityType=pl.lit(VARIANT),
                                  EntityKeyValue="ProductNumber")
    parent = variants.filter(pl.col("MasterProductNumber").is_not_null()).select(
        "ProductNumber", order=pl.lit(PARENT), EntityType=pl.lit(MASTER), EntityKeyValue="MasterProductNumber")
    cells = (variants.join(matrix_signatures(sets), left_on="MasterProductNumber", right_on="master")
             .select("ProductNumber", order=pl.lit(CELL) + 4 - pl.col("ndims"), EntityType=pl.lit(MATRIX),
                     EntityKeyValue=_cell_key())
             .filter(pl.col("EntityKeyValue").is_not_null()))
    category = categories.select(ProductNumber=pl.lit(CATEGORY_PREFIX) + pl.col("CategoryID"), order=pl.lit(OWN),
                                 EntityType=pl.lit(CATEGORY), EntityKeyValue="CategoryID")
    frames = [f.select(cols).with_columns(pl.col("order").cast(pl.Int32)) for f in
              (own, variant_own, cells, parent, category)]
    # Only a catalog row given twice (an invalid catalog) repeats a candidate: asking first costs a
    # tenth of the order-keeping unique (2M candidates: 0.36 s).
    repeated = (products.get_column("ProductNumber").is_duplicated().any()
                or categories.get_column("CategoryID").is_duplicated().any())
    return pl.concat(frames).unique(maintain_order=True) if repeated else pl.concat(frames)


def level_name(order: int, entity_type: str) -> str:
    """How the text output names a rung's entity level."""
    if entity_type == CATEGORY:
        return "category"
    if order == OWN:
        return "variant" if entity_type == VARIANT else "product"
    return LEVEL_NAMES[PARENT if order >= PARENT else CELL]
