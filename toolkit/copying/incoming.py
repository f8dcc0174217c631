"""The source's rows as the destination would receive them: versions chosen, mapped, made local.

- ``--versions published`` keeps the Published rows; ``all`` the Published and the Draft rows
  (the store holds at most one of each per asset and per set row). History is never read.
- The mapping rewrites MediaChannel and MediaLocale of assets, and EntityChannel, EntityLocale and
  MediaLocale of assignment rows, all with the same two tables, so a set still names the asset
  rows it named. A unit (an asset: id + locale; an assignment set) with a removed channel or locale
  — or a set naming media in a removed locale — is dropped whole, with the reason in ``__drop``.
- Copied rows arrive checked in and outside any publish group (``CheckedOutBy`` and
  ``PublishGroup`` emptied: locks and groups belong to the tenant that made them), and a
  MediaPublishedURL minted by the source's CMS (``{CmsBaseUrl}/{id}/{locale}/{version}``) is
  minted again with the destination's CmsBaseUrl and the mapped locale. Ids, versions, states and
  LastModifiedOn are kept.
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import ASSIGNMENT_STATE
from toolkit.copying.mapping import Mapping
from toolkit.copying.snapshot import Snapshot

DROP = "__drop"  # why the unit is not copied (null: it is)
SRC_CHANNEL = "__src_channel"  # the channel and locale before mapping
SRC_LOCALE = "__src_locale"
HELPERS = (DROP, SRC_CHANNEL, SRC_LOCALE)
SET_COLUMNS = ("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber")
ASSET_SOURCE_KEY = ("InternalMediaId", SRC_LOCALE)
SET_SOURCE_KEY = ("EntityType", "EntityKeyValue", SRC_CHANNEL, SRC_LOCALE, "CatalogNumber")
ASSET_KEY = ("InternalMediaId", "MediaLocale")
_ASSET_COLUMNS = (*ASSET_KEY, "MediaChannel")
_SET_ROW_COLUMNS = (*SET_COLUMNS, "MediaLocale")


def with_columns(frame: pl.DataFrame, names: tuple[str, ...]) -> pl.DataFrame:
    """``frame`` with every column of ``names`` present (an absent one empty)."""
    missing = [pl.lit(None, pl.String).alias(c) for c in names if c not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def _without_added(frame: pl.DataFrame, source: pl.DataFrame, added: tuple[str, ...], keep: tuple[str, ...]
                   ) -> pl.DataFrame:
    """Drop the columns of ``added`` that the source does not have (a copy adds no empty column),
    except the unit key ``keep``."""
    return frame.drop([c for c in added if c not in source.columns and c not in keep])


def _selected(frame: pl.DataFrame, state: str, versions: str) -> pl.DataFrame:
    if versions == "all":
        return frame
    return frame.filter(pl.col(state).fill_null("Published") == "Published")


def _mapped(column: str, renamed: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace(renamed) if renamed else pl.col(column)


def _removed(column: str, removed: list[str], why: str) -> pl.Expr:
    return pl.when(pl.col(column).is_in(removed)).then(pl.format(why, pl.col(column)))


def unit_reason(frame: pl.DataFrame, reason: pl.Expr, key: tuple[str, ...]) -> pl.DataFrame:
    """Set ``__drop`` of every row of a unit to its first row's reason (a unit is dropped whole);
    an earlier ``__drop`` wins."""
    frame = frame.with_columns(pl.coalesce(pl.col(DROP), reason).alias(DROP)) if DROP in frame.columns \
        else frame.with_columns(reason.alias(DROP))
    if frame.get_column(DROP).null_count() == frame.height:
        return frame  # the usual case: nothing dropped, no window needed
    return frame.with_columns(pl.col(DROP).drop_nulls().first().over(list(key)).alias(DROP))


def _no_holders(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    present = [c for c in columns if c in frame.columns]
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in present) if present else frame


def _reminted_url(src_base: str | None, dst_base: str | None, locales_renamed: bool) -> pl.Expr | None:
    if not src_base or not dst_base or (src_base == dst_base and not locales_renamed):
        return None  # nothing to mint again (the same base URL and locales give the same URL)
    url, ident = pl.col("MediaPublishedURL"), pl.col("InternalMediaId")
    prefix = pl.concat_str([pl.lit(src_base + "/"), ident, pl.lit("/"), pl.col(SRC_LOCALE), pl.lit("/")])
    fresh = pl.concat_str([pl.lit(dst_base + "/"), ident, pl.lit("/"), pl.col("MediaLocale"), pl.lit("/"),
                           url.str.slice(prefix.str.len_chars())])
    return pl.when(url.str.starts_with(prefix)).then(fresh).otherwise(url).alias("MediaPublishedURL")


def incoming_media(src: Snapshot, versions: str, mapping: Mapping, dst_base: str | None) -> pl.DataFrame:
    """The source's asset rows to copy, mapped, with ``__drop``, ``__src_channel`` and ``__src_locale``."""
    frame = with_columns(_selected(src.media, "MediaState", versions), _ASSET_COLUMNS).with_columns(
        pl.col("MediaChannel").alias(SRC_CHANNEL), pl.col("MediaLocale").alias(SRC_LOCALE))
    reason = pl.coalesce(_removed("MediaChannel", mapping.removed("channel"), "channel {} removed"),
                         _removed("MediaLocale", mapping.removed("locale"), "locale {} removed"))
    frame = unit_reason(frame, reason, ASSET_SOURCE_KEY).with_columns(
        _mapped("MediaChannel", mapping.renamed("channel")), _mapped("MediaLocale", mapping.renamed("locale")))
    url = _reminted_url(src.base_url, dst_base, bool(mapping.renamed("locale"))) \
        if "MediaPublishedURL" in frame.columns else None
    frame = frame.with_columns(url) if url is not None else frame
    return _without_added(_no_holders(frame, ("CheckedOutBy",)), src.media, _ASSET_COLUMNS, ASSET_KEY)


def incoming_sets(src: Snapshot, versions: str, mapping: Mapping) -> pl.DataFrame:
    """The source's assignment rows to copy, mapped, with the same helper columns (per set)."""
    frame = with_columns(_selected(src.sets, ASSIGNMENT_STATE, versions), _SET_ROW_COLUMNS).with_columns(
        pl.col("EntityChannel").alias(SRC_CHANNEL), pl.col("EntityLocale").alias(SRC_LOCALE))
    locales = mapping.removed("locale")
    reason = pl.coalesce(_removed("EntityChannel", mapping.removed("channel"), "channel {} removed"),
                         _removed("EntityLocale", locales, "locale {} removed"),
                         _removed("MediaLocale", locales, "names media in removed locale {}"))
    renamed = mapping.renamed("locale")
    frame = unit_reason(frame, reason, SET_SOURCE_KEY).with_columns(
        _mapped("EntityChannel", mapping.renamed("channel")), _mapped("EntityLocale", renamed),
        _mapped("MediaLocale", renamed))
    return _without_added(_no_holders(frame, ("CheckedOutBy", "PublishGroup")), src.sets, _SET_ROW_COLUMNS,
                          SET_COLUMNS)


def _unknown(rows: pl.DataFrame, column: str, known: pl.DataFrame, message: str) -> pl.DataFrame:
    """(``__row``, ``__why``) of the ``rows`` whose ``column`` is none of the ids ``known`` has:
    an anti join (much cheaper than a membership test against a million ids)."""
    return (rows.join(known.select(pl.col("InternalMediaId").alias(column)), on=column, how="anti")
            .select("__row", __why=pl.format(message, pl.col(column))))


def dangling(sets: pl.DataFrame, media: pl.DataFrame) -> pl.Series:
    """Per row of ``sets``: why its set cannot be written — it names an asset (or a swatch image)
    the destination will not have after the copy (``media``: its asset rows then); null when it can."""
    from schemas.patterns import UUID

    media = with_columns(media, ("InternalMediaId", "MediaType")).select("InternalMediaId", "MediaType")
    rows = with_columns(sets, ("InternalMediaId", "SwatchValue")).select(
        "InternalMediaId", "SwatchValue").with_row_index("__row")
    swatch = pl.col("SwatchValue")
    found = [  # the first reason of a row wins
        _unknown(rows.select("__row", "InternalMediaId").filter(pl.col("InternalMediaId").is_not_null()),
                 "InternalMediaId", media, "names media {} that the destination will not have"),
        _unknown(rows.select("__row", "SwatchValue").filter(swatch.str.contains(UUID)), "SwatchValue",
                 media.filter(pl.col("MediaType") == "Image"), "swatch names image {} that the destination will not have"),
    ]
    why = pl.concat(found).unique("__row", keep="first", maintain_order=True)
    if why.height == 0:
        return pl.repeat(None, sets.height, dtype=pl.String, eager=True).alias("__why")
    return rows.select("__row").join(why, on="__row", how="left", maintain_order="left").get_column("__why")


def drop_sets(sets: pl.DataFrame, bad: pl.DataFrame, reason: pl.Series) -> pl.DataFrame:
    """``sets`` (incoming) with the sets whose mapped key is in ``bad`` dropped, each for the first
    ``reason`` (one per row of ``sets``) of its rows."""
    marked = sets.with_columns(__why=reason).join(
        bad.select(SET_COLUMNS).unique().with_columns(__bad=pl.lit(True)), on=list(SET_COLUMNS), how="left",
        nulls_equal=True, maintain_order="left")
    return unit_reason(marked, pl.when(pl.col("__bad")).then(pl.col("__why")), SET_SOURCE_KEY).drop("__bad", "__why")
