"""Apply decided asset rows to ``cms/media.tsv``: new versions, removed rows, history, outcomes.

Each asset row (id + locale) has at most one Published and one Draft row. Draft writes replace
the draft; PublishNow replaces both with one Published row; Unpublish removes the Published row
(its content becomes the draft when there is none); UnpublishAndDelete removes both. Every
Published row that leaves the store — and a deleted or published-over draft — is appended to
``cms/history/media.tsv`` with SupersededOn and SupersededBy (the job), so nothing is lost.
A Draft row's MediaPublished, MediaPublishedOn and MediaPublishedURL are those of the Published
row beside it (``false`` and empty when there is none, or once it leaves).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.importing.asset_content import content_columns, latest_rows
from toolkit.importing.asset_rules import ID, LOC, STATE, TARGET
from toolkit.importing.rows import ROW
from toolkit.importing.values import prune_columns, timestamp

HISTORY = "cms/history/media.tsv"
_SKIPS = {
    "skip_exists": (None, pl.format("asset {} exists; kept it (MediaSourceIfExistsAction UseExisting)", pl.col(TARGET))),
    "skip_older": (None, pl.format("asset {} was last modified {}, not before this row; kept it (TakeLatest)",
                                   pl.col(TARGET), pl.col("__modified"))),
    "skip_stale": ("VersionMismatch", pl.format(
        "MediaVersion {} is not the stored version {} of asset {}; kept the stored asset (MediaVersionMismatchAction "
        "UseExisting; Overwrite replaces it)", pl.col("MediaVersion"), pl.col("__version"), pl.col(TARGET))),
    "skip_held": ("CheckedOut", pl.format(
        "the draft of asset {} is checked out by {}; kept it (MediaCheckedOutAction UseExisting; Overwrite replaces "
        "it)", pl.col(TARGET), pl.col("__holder"))),
    "skip_deleted": (None, pl.format("asset {} is not in the tenant (already deleted); nothing to delete",
                                     pl.col(TARGET))),
    "skip_unpublished": (None, pl.format("asset {} is not published; nothing to unpublish", pl.col(TARGET))),
    "skip_unchanged": (None, pl.format("asset {} already has this content; nothing changed", pl.col(TARGET))),
}
_FAILS = {
    "fail_unknown": ("UnknownAsset", pl.lit("no asset of the tenant matches this row; nothing to unpublish")),
    "fail_in_use": ("AssetInUse", pl.format("asset {} is used by assignment sets; remove it from them before "
                                            "UnpublishAndDelete", pl.col(TARGET))),
}


@dataclass(frozen=True)
class Options:
    user: str
    checkout: bool
    now: str
    job: str
    base_url: str | None


@dataclass(frozen=True)
class Applied:
    store: pl.DataFrame       # the new cms/media.tsv
    history: pl.DataFrame     # rows leaving the store (to append to cms/history/media.tsv)
    outcomes: pl.DataFrame    # __row, Result, ErrorCode, ResultDescription, __id, __new_version


def mark_unchanged(content: pl.DataFrame, store: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    cols = [c for c in content_columns(columns) if c not in (ID, LOC)]
    old = latest_rows(store).select(pl.col(ID).alias(TARGET), LOC, pl.lit(True).alias("__exists"),
                                    *[pl.col(c).alias(f"{c}__was") for c in cols])
    joined = content.join(old, on=[TARGET, LOC], how="left")
    same = pl.col("__exists").fill_null(False) & pl.all_horizontal(
        [pl.col(c).eq_missing(pl.col(f"{c}__was")) for c in cols])
    publish = pl.col("__action") == "PublishNow"
    still = same & (~publish | ~pl.col("__has_draft").fill_null(False))
    return joined.with_columns(pl.when(still).then(pl.lit("skip_unchanged")).otherwise(pl.col("__op")).alias("__op")
                               ).drop([f"{c}__was" for c in cols] + ["__exists"])


def _published(store: pl.DataFrame) -> pl.DataFrame:
    """When and where each stored (id, locale) was published: a draft beside it says the same."""
    return store.filter(pl.col(STATE).eq_missing("Published")).select(
        pl.col(ID).alias(TARGET), LOC, __pub_on=pl.col("MediaPublishedOn"), __pub_url=pl.col("MediaPublishedURL"))


def _modified(opts: Options, stamped: bool) -> pl.Expr:
    """The row's MediaLastModifiedOn when it is later than the stored one (the source's own time, so
    TakeLatest compares with it next time); else now — an edit of an exported row changes the asset now."""
    if not stamped:
        return pl.lit(opts.now)
    row_time, stored_time = timestamp("MediaLastModifiedOn"), timestamp(pl.col("__modified"))
    later = row_time.is_not_null() & (stored_time.is_null() | (row_time > stored_time))
    return pl.when(later).then(pl.col("MediaLastModifiedOn")).otherwise(pl.lit(opts.now))


def _new_rows(content: pl.DataFrame, columns: list[str], opts: Options, stamped: bool) -> pl.DataFrame:
    version = (pl.col("__version").fill_null(0) + 1).cast(pl.String)
    publish = pl.col("__action") == "PublishNow"
    created = pl.col("__op").is_in(["create", "keep_both"])
    url = (pl.format("{}/{}/{}/{}", pl.lit(opts.base_url), pl.col(TARGET), pl.col(LOC), version)
           if opts.base_url else pl.lit(None, pl.String))
    return content.with_columns(
        MediaVersion=version,
        MediaCreatedOn=pl.when(created | pl.col("MediaCreatedOn").is_null()).then(pl.lit(opts.now))
        .otherwise(pl.col("MediaCreatedOn")),
        MediaLastModifiedOn=_modified(opts, stamped),
        MediaState=pl.when(publish).then(pl.lit("Published")).otherwise(pl.lit("Draft")),
        MediaPublished=pl.when(publish | pl.col("__has_pub").fill_null(False)).then(pl.lit("true"))
        .otherwise(pl.lit("false")),
        MediaPublishedOn=pl.when(publish).then(pl.lit(opts.now)).otherwise(pl.col("__pub_on")),
        MediaPublishedURL=pl.when(publish).then(url).otherwise(pl.col("__pub_url")),
        CheckedOutBy=pl.when(~publish & pl.lit(opts.checkout)).then(pl.lit(opts.user)).otherwise(None),
    ).select(columns)


def _goes(writes: pl.DataFrame, others: pl.DataFrame) -> pl.DataFrame:
    """Per acted-on (id, locale): whether its Published (``__pub``) and Draft (``__draft``) rows leave."""
    acting = pl.concat([f.select(TARGET, LOC, "__op", "__action") for f in (writes, others)])
    op = pl.col("__op")
    return acting.select(pl.col(TARGET).alias(ID), LOC,
                         __pub=op.is_in(["unpublish", "delete"]) | (pl.col("__action") == "PublishNow"),
                         __draft=op.is_in(["delete", "create", "keep_both", "overwrite"]))


def _not_published(cond: pl.Expr) -> list[pl.Expr]:
    return [pl.when(cond).then(pl.lit("false")).otherwise(pl.col("MediaPublished")).alias("MediaPublished"),
            *(pl.when(cond).then(None).otherwise(pl.col(c)).alias(c) for c in ("MediaPublishedOn", "MediaPublishedURL"))]


def apply(m: pl.DataFrame, content: pl.DataFrame, store: pl.DataFrame, columns: list[str], opts: Options,
          stamped: bool, original: list[str]) -> Applied:
    """``m``: every decided row (``__op``); ``content``: the written rows that passed their checks."""
    writes = content.filter(~pl.col("__op").eq("skip_unchanged")).join(_published(store), on=[TARGET, LOC],
                                                                       how="left")
    others = m.filter(pl.col("__op").is_in(["unpublish", "delete"]))
    is_pub = pl.col(STATE).eq_missing("Published")
    marked = store.join(_goes(writes, others), on=[ID, LOC], how="left")
    removed = (is_pub & pl.col("__pub").fill_null(False)) | (~is_pub & pl.col("__draft").fill_null(False))
    leaving = marked.filter(removed)
    # A draft that stays while its published row leaves no longer has a published version.
    kept = marked.filter(~removed).with_columns(_not_published(pl.col("__pub").fill_null(False))).select(store.columns)
    # Unpublish without a draft: the published content stays, as the draft.
    demoted = (leaving.filter(is_pub).join(others.filter(pl.col("__op") == "unpublish").filter(
        ~pl.col("__has_draft").fill_null(False)).select(pl.col(TARGET).alias(ID), LOC), on=[ID, LOC], how="semi")
        .with_columns(*_not_published(pl.lit(True)), MediaState=pl.lit("Draft"), CheckedOutBy=None)
        .select(store.columns))
    new = _new_rows(writes, columns, opts, stamped)
    gone = leaving.filter(is_pub | (pl.col("__draft") & pl.col("__pub"))).select(store.columns)
    # Only the columns the store has or the rows fill: not every schema column, empty.
    history = prune_columns(gone, original).with_columns(SupersededOn=pl.lit(opts.now), SupersededBy=pl.lit(opts.job))
    result = pl.concat([kept, demoted, new], how="diagonal_relaxed")
    return Applied(prune_columns(result, original), history, _outcomes(m, content))


def _outcomes(m: pl.DataFrame, content: pl.DataFrame) -> pl.DataFrame:
    ops = m.select(ROW, TARGET, "__op", "__action", "__version", "__modified", "__holder", "MediaVersion")
    ops = ops.update(content.select(ROW, TARGET, "__op"), on=ROW, how="left")
    versions = content.select(ROW, __new_version=(pl.col("__version").fill_null(0) + 1).cast(pl.String),
                              __name=pl.when(pl.col("__op") == "keep_both").then(pl.col("MediaDisplayName")))
    ops = ops.join(versions, on=ROW, how="left")
    state = pl.when(pl.col("__action") == "PublishNow").then(pl.lit("Published")).otherwise(pl.lit("Draft"))
    done = {
        "create": pl.format("created asset {} version 1 as {}", pl.col(TARGET), state),
        "keep_both": pl.format("created asset {} beside the existing one (KeepBoth) as {}", pl.col(TARGET), state),
        "overwrite": pl.format("updated asset {} to version {} as {}", pl.col(TARGET), pl.col("__new_version"), state),
        "unpublish": pl.format("unpublished asset {}", pl.col(TARGET)),
        "delete": pl.format("unpublished and deleted asset {}", pl.col(TARGET)),
    }
    result, code, text = pl.lit(None, pl.String), pl.lit(None, pl.String), pl.lit(None, pl.String)
    for op, desc in done.items():
        hit = pl.col("__op") == op
        result, text = pl.when(hit).then(pl.lit("Succeeded")).otherwise(result), pl.when(hit).then(desc).otherwise(text)
    for table, outcome in ((_SKIPS, "Skipped"), (_FAILS, "Failed")):
        for op, (c, desc) in table.items():
            hit = pl.col("__op") == op
            result = pl.when(hit).then(pl.lit(outcome)).otherwise(result)
            code = pl.when(hit).then(pl.lit(c)).otherwise(code)
            text = pl.when(hit).then(desc).otherwise(text)
    op = pl.col("__op")
    # A VersionMismatch skip (and a delete) keeps the row's own version: the result imported again
    # must meet the same mismatch, not pass it with the stored version filled in.
    version = (pl.when(op.is_in(["create", "keep_both", "overwrite"])).then(pl.col("__new_version"))
               .when(op.is_in(["skip_stale", "delete"])).then(None).otherwise(pl.col("__version").cast(pl.String)))
    # A KeepBoth asset's result row names it as stored (suffixed), so the row can be edited and re-imported.
    return ops.select(ROW, Result=result, ErrorCode=code, ResultDescription=text, __id=pl.col(TARGET),
                      __stored_version=version, __fill_MediaDisplayName=pl.col("__name"))
