"""Apply decided assignment sets to ``cms/assignments.tsv`` (and, with --publish-dependencies,
publish the drafts of the media they need in ``cms/media.tsv``).

A written set's rows replace its draft (Draft) or both its versions (PublishNow), as one new
version; Unpublish removes the published rows (they become the draft when there is none);
UnpublishAndDelete removes the set. Removed published rows — and the rows of a deleted set — are
appended to ``cms/history/assignments.tsv``; superseded published media rows to
``cms/history/media.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.importing.set_rules import SET, STATE

HISTORY = "cms/history/assignments.tsv"
MEDIA_HISTORY = "cms/history/media.tsv"


@dataclass(frozen=True)
class SetOptions:
    user: str
    checkout: bool
    publish_dependencies: bool
    now: str
    job: str
    base_url: str | None


def new_rows(rows: pl.DataFrame, columns: list[str], opts: SetOptions, *, keep_group: bool) -> pl.DataFrame:
    """The rows of written sets (joined with their set's ``__op``/``__action``/stored state) as stored rows.
    ``keep_group``: the manifest has no PublishGroup column, so a new draft stays in the publish group
    its set's draft was staged in (editing a staged draft does not unstage it)."""
    publish = pl.col("__action") == "PublishNow"
    return rows.with_columns(
        PublishGroup=pl.when(~publish & pl.lit(keep_group)).then(pl.col("__group")).otherwise(pl.col("PublishGroup")),
        EntityAssignmentCurrentPublishState=pl.when(publish).then(pl.lit("Published")).otherwise(pl.lit("Draft")),
        EntityVersion=(pl.col("__version").fill_null(0) + 1).cast(pl.String),
        EntityCreatedOn=pl.col("__created").fill_null(pl.lit(opts.now)),
        EntityLastModifiedOn=pl.lit(opts.now),
        EntityPublishedOn=pl.when(publish).then(pl.lit(opts.now)).otherwise(pl.col("__published_on")),
        CheckedOutBy=pl.when(~publish & pl.lit(opts.checkout)).then(pl.lit(opts.user)).otherwise(None),
    ).select([c for c in columns if c in rows.columns or c in (
        STATE, "EntityVersion", "EntityCreatedOn", "EntityLastModifiedOn", "EntityPublishedOn", "CheckedOutBy",
        "PublishGroup")])


@dataclass(frozen=True)
class SetsApplied:
    store: pl.DataFrame
    history: pl.DataFrame


def apply_sets(store: pl.DataFrame, sets: pl.DataFrame, written: pl.DataFrame, opts: SetOptions) -> SetsApplied:
    """``sets``: one row per decided set (``__op``, ``__action``, ``__has_draft``); ``written``:
    the new stored rows of the sets that write."""
    publish = pl.col("__action") == "PublishNow"
    goes = sets.filter(pl.col("__op").is_in(["write", "unpublish", "delete"])).select(
        SET, __pub=(pl.col("__op") != "write") | publish,
        __draft=(pl.col("__op") == "delete") | (pl.col("__op") == "write"))
    is_pub = pl.col(STATE).eq_missing("Published")
    marked = store.join(goes, on=SET, how="left")
    removed = (is_pub & pl.col("__pub").fill_null(False)) | (~is_pub & pl.col("__draft").fill_null(False))
    leaving = marked.filter(removed)
    demote = sets.filter((pl.col("__op") == "unpublish") & ~pl.col("__has_draft").fill_null(False)).select(SET)
    demoted = (leaving.filter(is_pub).join(demote, on=SET, how="semi")
               .with_columns(pl.lit("Draft").alias(STATE), CheckedOutBy=None).select(store.columns))
    kept = marked.filter(~removed).select(store.columns)
    history = leaving.filter(is_pub | pl.col("__pub")).select(store.columns).with_columns(
        SupersededOn=pl.lit(opts.now), SupersededBy=pl.lit(opts.job))
    result = pl.concat([kept, demoted, written], how="diagonal_relaxed")
    return SetsApplied(result.drop(SET, strict=False), history.drop(SET, strict=False))


def publish_media(media: pl.DataFrame, ids: pl.Series, opts: SetOptions) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Publish the drafts of the assets ``ids`` (for --publish-dependencies): each draft row
    becomes the published row, the one it replaces goes to history."""
    draft = pl.col("MediaState").eq_missing("Draft")
    wanted = pl.col("InternalMediaId").is_in(ids.implode())
    drafts = media.filter(wanted & draft).select("InternalMediaId", "MediaLocale").with_columns(__go=pl.lit(True))
    marked = media.join(drafts, on=["InternalMediaId", "MediaLocale"], how="left")
    touched = pl.col("__go").fill_null(False)
    superseded = marked.filter(touched & ~draft).drop("__go")
    url = (pl.format("{}/{}/{}/{}", pl.lit(opts.base_url), pl.col("InternalMediaId"), pl.col("MediaLocale"),
                     pl.col("MediaVersion")) if opts.base_url else pl.lit(None, pl.String))
    promoted = marked.filter(touched & draft).drop("__go").with_columns(
        MediaState=pl.lit("Published"), MediaPublished=pl.lit("true"), MediaPublishedOn=pl.lit(opts.now),
        MediaPublishedURL=url, CheckedOutBy=pl.lit(None, pl.String))
    out = pl.concat([marked.filter(~touched).drop("__go"), promoted], how="diagonal_relaxed")
    history = superseded.with_columns(SupersededOn=pl.lit(opts.now), SupersededBy=pl.lit(opts.job))
    return out, history
