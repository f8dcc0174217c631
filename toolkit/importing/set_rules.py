"""What each assignment set of a manifest asks for, decided for all sets at once (SPEC §4, §6).

An assignment manifest speaks in whole sets: the set (EntityType, EntityKeyValue, EntityChannel,
EntityLocale, CatalogNumber) is the unit that is decided, and every row of a set shares its
outcome. A row that fails rejects its whole set (SetRejected on the others). Per set, the first
rule that applies decides ``__op``:

==========================================  ============================================
set                                         operation
==========================================  ============================================
Unpublish/UnpublishAndDelete, no such set   ``skip_missing``
Unpublish of a set with nothing published   ``skip_unpublished``
draft checked out by another user           ``skip_held`` (CheckedOut) unless EntityCheckedOutAction Overwrite
EntityVersion is not the stored version     ``skip_stale`` (VersionMismatch) unless EntityVersionMismatchAction
                                            Overwrite
Unpublish / UnpublishAndDelete              ``unpublish`` / ``delete``
PublishNow with unpublished media           ``fail_media`` (UnpublishedMedia) unless --publish-dependencies
Draft / PublishNow                          ``write`` (``skip_unchanged`` when the set already holds it)
==========================================  ============================================
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import UUID
from toolkit.importing.rows import ROW, fail
from toolkit.importing.values import as_int

SET_KEY = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"]
STATE, HOLDER = "EntityAssignmentCurrentPublishState", "CheckedOutBy"
SET = "__set"
# What "the same set content" compares: which media, where, in which order (not names or times).
CONTENT = ["EntityKey", "MediaLocale", "MediaType", "MediaGroup", "InternalMediaId", "MediaPurpose",
           "MediaDisplayOrder", "SwatchGroup", "SwatchDimension", "SwatchValue"]
_MEDIA_FILL = ("MediaType", "MediaDisplayName", "ImageAltText", "MediaTitle", "MediaLocale")


def set_id() -> pl.Expr:
    return pl.concat_str([pl.col(c).fill_null("") for c in SET_KEY], separator="\x1f").alias(SET)


def _swatch() -> pl.Expr:
    return pl.col("EntityType").eq_missing("Product|Master|Swatch")


def resolve_media(frame: pl.DataFrame, media: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fill InternalMediaId from MediaDisplayName (and the asset's type, names and locale from the
    library) where the row leaves them empty; rows naming an unknown display name fail."""
    published_first = media.sort(pl.col("MediaState").eq_missing("Draft"))
    by_name = published_first.filter(pl.col("MediaDisplayName").is_not_null()).unique(
        "MediaDisplayName", keep="first").select("MediaDisplayName", __by_name=pl.col("InternalMediaId"))
    needs = pl.col("InternalMediaId").is_null() & pl.col("MediaDisplayName").is_not_null() & ~_swatch()
    named = frame.join(by_name, on="MediaDisplayName", how="left").with_columns(
        InternalMediaId=pl.when(needs).then(pl.col("__by_name")).otherwise(pl.col("InternalMediaId")))
    unknown = fail(named, needs & pl.col("__by_name").is_null(), "UnknownAsset",
                   pl.format("no asset of the tenant is named {}; import the asset first or give its "
                             "InternalMediaId", pl.col("MediaDisplayName")))
    library = published_first.unique("InternalMediaId", keep="first").select(
        "InternalMediaId", *[pl.col(c).alias(f"{c}__lib") for c in _MEDIA_FILL])
    filled = named.join(library, on="InternalMediaId", how="left").with_columns(
        pl.when(_swatch()).then(pl.col(c)).otherwise(pl.coalesce(c, f"{c}__lib")).alias(c) for c in _MEDIA_FILL)
    return filled.drop([f"{c}__lib" for c in _MEDIA_FILL] + ["__by_name"]), unknown


def reject_sets(frame: pl.DataFrame, failed: pl.DataFrame, lines: pl.Series) -> pl.DataFrame:
    """SetRejected for the other rows of every set that has a failed row."""
    # Only the set of each row is needed: the frame's own (input) ErrorCode column must not shadow the failure's.
    bad = (frame.select(ROW, SET).join(failed.select(ROW, __code="ErrorCode"), on=ROW, how="inner").sort(ROW)
           .group_by(SET).agg(__first=pl.col(ROW).first(), __code=pl.col("__code").first()))
    bad = bad.with_columns(__line=lines.gather(bad.get_column("__first")))
    others = frame.select(ROW, SET).join(bad, on=SET, how="inner").join(failed.select(ROW), on=ROW, how="anti")
    return others.select(ROW, ErrorCode=pl.lit("SetRejected"), ResultDescription=pl.format(
        "set not imported: line {} of the set failed ({}); a set is imported whole", pl.col("__line"),
        pl.col("__code")))


def stored_sets(store: pl.DataFrame) -> pl.DataFrame:
    draft = pl.col(STATE).eq_missing("Draft")
    return store.group_by(SET).agg(
        __has_pub=(~draft).any(), __has_draft=draft.any(), __holder=pl.col(HOLDER).filter(draft).drop_nulls().first(),
        __group=pl.col("PublishGroup").filter(draft).drop_nulls().first(),
        __version=as_int("EntityVersion").max(), __created=pl.col("EntityCreatedOn").min(),
        __published_on=pl.col("EntityPublishedOn").filter(~draft).max())


def unpublished_media(rows: pl.DataFrame, media: pl.DataFrame) -> pl.DataFrame:
    """Per set: the assets its rows use that have no Published row (``__missing``, sorted)."""
    published = media.filter(pl.col("MediaState").eq_missing("Published")).select(
        __asset=pl.col("InternalMediaId")).unique()
    used = rows.select(SET, __asset=pl.when(_swatch()).then(
        pl.when(pl.col("SwatchValue").str.contains(UUID)).then(pl.col("SwatchValue")))
        .otherwise(pl.col("InternalMediaId"))).drop_nulls("__asset")
    missing = used.join(published, on="__asset", how="anti").unique()
    return missing.group_by(SET).agg(__missing=pl.col("__asset").sort())


def decide(sets: pl.DataFrame, user: str, publish_dependencies: bool) -> pl.DataFrame:
    """``sets``: one row per manifest set with its action columns, stored state and ``__missing``."""
    action = pl.col("EntityAssignmentAction").fill_null("Draft")
    exists = pl.col("__has_pub").fill_null(False) | pl.col("__has_draft").fill_null(False)
    unpublishing = action.is_in(["Unpublish", "UnpublishAndDelete"])
    held = (pl.col("__has_draft").fill_null(False) & pl.col("__holder").is_not_null() & (pl.col("__holder") != user)
            & pl.col("EntityCheckedOutAction").fill_null("UseExisting").eq("UseExisting"))
    stale = (exists & as_int("EntityVersion").is_not_null() & as_int("EntityVersion").ne_missing(pl.col("__version"))
             & pl.col("EntityVersionMismatchAction").fill_null("UseExisting").eq("UseExisting"))
    missing = pl.col("__missing").list.len().fill_null(0) > 0
    op = (pl.when(unpublishing & ~exists).then(pl.lit("skip_missing"))
          .when((action == "Unpublish") & ~pl.col("__has_pub").fill_null(False)).then(pl.lit("skip_unpublished"))
          .when(held).then(pl.lit("skip_held"))
          .when(stale).then(pl.lit("skip_stale"))
          .when(action == "Unpublish").then(pl.lit("unpublish"))
          .when(action == "UnpublishAndDelete").then(pl.lit("delete"))
          .when((action == "PublishNow") & missing & pl.lit(not publish_dependencies)).then(pl.lit("fail_media"))
          .otherwise(pl.lit("write")))
    return sets.with_columns(__op=op, __action=action)
