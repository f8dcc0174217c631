"""SPEC §5 for a whole tenant, as Polars joins over integer ids: the ``flattened`` rows of every
catalog entity × channel (and Omnichannel) × locale (and Neutral).

How, without a product × target cross product over the sets:

1. **Index** (:func:`build_index`): catalog entities sorted by ProductNumber (``pid``), targets in
   canonical order (``tid``), the tier's rows grouped into sets (``set_id``, in set-key order)
   whose items are enriched from the published asset (URL, alt text, type), sorted as the
   canonical writer sorts them, with the default image marked.
2. **Entity winners**: sets joined with the rung table on their (channel, locale) give, per entity
   and target, the set on the lowest rung — once per entity, so a master's sets are ranked once,
   not once per variant.
3. **Product winners** (:func:`winners`): each entity candidate (own → matrix cell → master)
   joined with the entity winners; per (pid, tid) the candidate lowest on the entity ladder wins,
   whole. Both minimums are taken over one packed integer (position << 32 | set_id).
4. **Rows** (:func:`rows`): winners joined with the winning sets' items, in canonical order
   already (pid, tid, then the items' order), so the writer need not sort and can stream chunks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from toolkit.resolution.inputs import Inputs
from toolkit.resolution.ladder import CATEGORY, ENTITY, OMNICHANNEL, TARGET, entity_candidates, rungs, targets

PLACE = ["EntityChannel", "EntityLocale"]
SET_COLUMNS = [*ENTITY, *PLACE]
FLATTENED = ["ProductNumber", "EntityChannel", "EntityLocale", "MediaGroup", "MediaDisplayOrder", "InternalMediaId",
             "MediaType", "MediaPurpose", "MediaPublishedURL", "ImageAltText", "IsDefaultImage", "SourceEntityType",
             "SourceEntityKeyValue", "SourceChannel", "SourceLocale", "SourceVersion"]
ITEM_COLUMNS = ["MediaGroup", "MediaDisplayOrder", "InternalMediaId", "MediaType", "MediaPurpose",
                "MediaPublishedURL", "ImageAltText", "IsDefaultImage"]
GROUP_RANK = {"Primary": 0, "Additional": 1}  # the flattened kind's enumeration order


@dataclass(frozen=True)
class Index:
    """Everything :func:`winners` and :func:`rows` need, with integer ids (module doc, step 1).
    ``entities``: pid, ProductNumber; ``targets``: tid, tc, tl; ``sets``: set_id, SET_COLUMNS,
    SourceVersion; ``items``: set_id + ITEM_COLUMNS; ``candidates``: pid, order, EntityType,
    EntityKeyValue (the entity ladder of every entity, whether or not sets exist)."""

    inputs: Inputs
    entities: pl.DataFrame
    targets: pl.DataFrame
    sets: pl.DataFrame
    items: pl.DataFrame
    candidates: pl.DataFrame


def _order_int() -> pl.Expr:
    return pl.col("MediaDisplayOrder").cast(pl.Int64, strict=False)


def _with_assets(rows: pl.DataFrame, media: pl.DataFrame) -> pl.DataFrame:
    """``rows`` left-joined with their published asset on (InternalMediaId, MediaLocale). Joined on
    a 64-bit hash of the pair, which is half the cost of a join on two strings at 2M rows; every
    match is then checked on the strings, and any doubt (a collision) takes the string join."""
    key = ["InternalMediaId", "MediaLocale"]
    assets = media.with_columns(__k=media.select(key).hash_rows(), __id=pl.col(key[0]), __loc=pl.col(key[1]),
                                __m=pl.lit(True)).drop(key)
    joined = rows.with_columns(__k=rows.select(key).hash_rows()).join(assets, on="__k", how="left")
    same = (pl.col("__id") == pl.col(key[0])) & (pl.col("__loc") == pl.col(key[1]))
    if joined.height == rows.height and joined.select((pl.col("__m").is_null() | same).all()).item():
        return joined.drop("__k", "__id", "__loc", "__m")
    return rows.join(media, on=key, how="left")


def _items(inputs: Inputs, rows: pl.DataFrame) -> pl.DataFrame:
    media = inputs.media.rename({"MediaType": "AssetType", "ImageAltText": "AssetAltText"})
    items = _with_assets(rows, media).with_columns(MediaType=pl.coalesce("AssetType", "MediaType"),
                                                   ImageAltText=pl.coalesce("AssetAltText", "ImageAltText"))
    # The default image: the first Primary item by display order whose media type is Image.
    candidate = (pl.col("MediaGroup") == "Primary") & (pl.col("MediaType") == "Image")
    firsts = (items.filter(candidate).select("set_id", "InternalMediaId", order=_order_int())
              .sort("set_id", "order", "InternalMediaId", nulls_last=True))
    defaults = firsts.filter(pl.col("set_id").ne_missing(pl.col("set_id").shift())).select("set_id", default="InternalMediaId")
    is_default = (pl.col("MediaGroup") == "Primary") & (pl.col("InternalMediaId") == pl.col("default"))
    group = pl.col("MediaGroup").replace_strict(GROUP_RANK, default=len(GROUP_RANK), return_dtype=pl.Int8)
    return (items.join(defaults, on="set_id", how="left")
            .with_columns(IsDefaultImage=pl.when(is_default).then(pl.lit("true")).otherwise(pl.lit("false")))
            # the canonical writer's order of a product's rows within one channel and locale
            .sort("set_id", group, "InternalMediaId", "MediaPurpose", nulls_last=False)
            .select("set_id", *ITEM_COLUMNS))


def build_index(inputs: Inputs) -> Index:
    """The integer-keyed index of a tenant's resolution inputs (module doc, step 1)."""
    rows = _numbered_sets(inputs.rows)
    sets = (rows.group_by("set_id", maintain_order=True)
            .agg(*(pl.col(c).first() for c in SET_COLUMNS), SourceVersion=pl.col("EntityVersion").drop_nulls().first()))
    candidates = entity_candidates(inputs.products, inputs.categories, sets)
    entities = candidates.select("ProductNumber").unique().sort("ProductNumber").with_row_index("pid")
    candidates = candidates.join(entities, on="ProductNumber").select("pid", "order", *ENTITY)
    return Index(inputs, entities, targets(inputs.channels).with_row_index("tid"), sets, _items(inputs, rows),
                 candidates)


def _numbered_sets(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` in set-key order, each with its set's ``set_id`` (0, 1, … in that order): one
    stable sort and a comparison with the row before, instead of grouping and joining on strings."""
    ordered = rows.sort(SET_COLUMNS, maintain_order=True)
    starts = pl.any_horizontal(pl.int_range(pl.len()) == 0, *(pl.col(c).ne_missing(pl.col(c).shift()) for c in SET_COLUMNS))
    return ordered.with_columns(set_id=(starts.cum_sum() - 1).cast(pl.UInt32))


def _tid_rungs(index: Index, *, categories: bool) -> pl.DataFrame:
    table = rungs(index.inputs.channels, categories=categories)
    return table.join(index.targets, on=TARGET).select("rc", "rl", "tid", "rung")


def _entity_winners(index: Index, sets: pl.DataFrame) -> pl.DataFrame:
    """(eid, tid, set_id): per entity and target, the set on the lowest rung."""
    is_category = pl.col("EntityType") == CATEGORY
    ranked = [part.join(_tid_rungs(index, categories=cat), left_on=PLACE, right_on=["rc", "rl"])
              for part, cat in ((sets.filter(~is_category), False), (sets.filter(is_category), True))]
    packed = (pl.col("rung").cast(pl.UInt64) * (1 << 32)) | pl.col("set_id").cast(pl.UInt64)
    return (pl.concat(ranked).group_by("eid", "tid").agg(best=packed.min())
            .select("eid", "tid", set_id=(pl.col("best") % (1 << 32)).cast(pl.UInt32)))


def winners(index: Index, pids: pl.Series | None = None) -> pl.DataFrame:
    """(pid, tid, set_id), sorted: the winning set of every entity and target (of ``pids`` only, if given)."""
    candidates = index.candidates if pids is None else index.candidates.filter(pl.col("pid").is_in(pids.implode()))
    entity_ids = candidates.select(ENTITY).unique().with_row_index("eid")
    sets = index.sets.join(entity_ids, on=ENTITY)
    best = _entity_winners(index, sets)
    packed = (pl.col("order").cast(pl.UInt64) * (1 << 32)) | pl.col("set_id").cast(pl.UInt64)
    return (candidates.join(entity_ids, on=ENTITY).join(best, on="eid")
            .group_by("pid", "tid").agg(best=packed.min())
            .select("pid", "tid", set_id=(pl.col("best") % (1 << 32)).cast(pl.UInt32))
            .sort("pid", "tid"))


def rows(index: Index, won: pl.DataFrame) -> pl.DataFrame:
    """The flattened rows (columns FLATTENED, Omnichannel as null) of ``won`` — sorted winners —
    in canonical order."""
    out = won.join(index.items.with_columns(pl.col("set_id").cast(pl.UInt32)), on="set_id",
                   maintain_order="left_right")
    pid, tid, set_id = out.get_column("pid"), out.get_column("tid"), out.get_column("set_id")
    sets = index.sets
    empty_is_null = [pl.when(pl.col(c) == OMNICHANNEL).then(None).otherwise(pl.col(c)).alias(c)
                     for c in ("EntityChannel", "SourceChannel")]
    return out.with_columns(
        ProductNumber=index.entities.get_column("ProductNumber").gather(pid),
        EntityChannel=index.targets.get_column("tc").gather(tid),
        EntityLocale=index.targets.get_column("tl").gather(tid),
        SourceEntityType=sets.get_column("EntityType").gather(set_id),
        SourceEntityKeyValue=sets.get_column("EntityKeyValue").gather(set_id),
        SourceChannel=sets.get_column("EntityChannel").gather(set_id),
        SourceLocale=sets.get_column("EntityLocale").gather(set_id),
        SourceVersion=sets.get_column("SourceVersion").gather(set_id),
    ).with_columns(empty_is_null).select(FLATTENED)


def pids_of(index: Index, names: Collection[str]) -> pl.Series:
    """The pids of the named entities (product numbers, ``category:<CategoryID>``)."""
    return index.entities.filter(pl.col("ProductNumber").is_in(list(names))).get_column("pid")


def flatten(inputs: Inputs, only: Collection[str] | None = None) -> pl.DataFrame:
    """The ``flattened`` rows of every catalog entity (or of those named in ``only``: product
    numbers, ``category:<CategoryID>``), in canonical order (Omnichannel as null)."""
    index = build_index(inputs)
    return rows(index, winners(index, None if only is None else pids_of(index, only)))
