"""Deciding a publish, for all assignment sets at once (Polars expressions, no per-row loop).

Per set of the selection that has a draft, the first rule that applies decides:

=================================================  ==========================================
set                                                outcome (ErrorCode)
=================================================  ==========================================
staged in a Scheduled group (not publishing it)    skip (Scheduled): it publishes with its group
draft checked out by someone                       skip (CheckedOut)
uses media that is not published                   refused (UnpublishedMedia), unless
                                                   --publish-dependencies can publish it
otherwise                                          publish
=================================================  ==========================================

Publishing by group (``--group``, ``group publish``, ``group run-due``) takes each group whole:
a held draft or unpublished media anywhere in it fails the whole group (fail, with the reasons).
"""

from __future__ import annotations

import polars as pl

from toolkit.importing.set_rules import SET, unpublished_media
from toolkit.importing.values import as_int
from toolkit.publishing.model import DEPENDENCIES, GROUP, HOLDER, SET_COLUMNS, STATE

DRAFT = pl.col(STATE).eq_missing("Draft")
DRAFT_MEDIA = pl.col("MediaState").eq_missing("Draft")


def set_label() -> pl.Expr:
    """``Product|Master 93039 (Omnichannel/system_neutral)`` for each row, as messages name a set."""
    catalog = pl.when(pl.col("CatalogNumber").is_not_null()).then(pl.lit("/") + pl.col("CatalogNumber"))
    return pl.format("{} {} ({}/{}{})", pl.col("EntityType"), pl.col("EntityKeyValue"),
                     pl.col("EntityChannel").fill_null("Omnichannel"), pl.col("EntityLocale").fill_null("system_neutral"),
                     catalog.fill_null(""))


def summarize(drafts: pl.DataFrame) -> pl.DataFrame:
    """One row per set of ``drafts`` (Draft rows): its key, holder, version, row count and group."""
    return drafts.group_by(SET).agg(
        *[pl.col(c).first() for c in SET_COLUMNS],
        __holder=pl.col(HOLDER).drop_nulls().first(), __version=as_int("EntityVersion").max().cast(pl.String),
        __rows=pl.len().cast(pl.Int64), __group=pl.col(GROUP).drop_nulls().first())


def dependencies(drafts: pl.DataFrame, media: pl.DataFrame) -> pl.DataFrame:
    """Per set: the unpublished assets its drafts use (``__missing``, InternalMediaId and SwatchValue
    ids), ``__labels`` (each id, with why --publish-dependencies cannot publish it when it cannot)
    and ``__blocked`` (some cannot be published: not in cms/media.tsv, or its draft is checked out)."""
    missing = unpublished_media(drafts, media)
    assets = media.group_by("InternalMediaId").agg(
        __has_draft=DRAFT_MEDIA.any(), __asset_holder=pl.col(HOLDER).filter(DRAFT_MEDIA).drop_nulls().first())
    each = missing.explode("__missing").join(assets, left_on="__missing", right_on="InternalMediaId", how="left")
    why = (pl.when(~pl.col("__has_draft").fill_null(False)).then(pl.lit(" (not in cms/media.tsv)"))
           .when(pl.col("__asset_holder").is_not_null()).then(pl.format(" (its draft is checked out by {})",
                                                                          pl.col("__asset_holder"))))
    per_set = each.group_by(SET).agg(__labels=(pl.col("__missing") + why.fill_null("")).sort(),
                                     __blocked=why.is_not_null().any())
    return missing.join(per_set, on=SET, how="left")



def _problems(deps: bool, by_group: bool) -> tuple[pl.Expr, pl.Expr]:
    """(ErrorCode, reason) of a set that cannot be published, null for one that can."""
    use_deps = pl.lit(deps) | (pl.lit(by_group) & pl.col("__deps").fill_null(False))
    missing = pl.col("__missing").list.len().fill_null(0) > 0
    media = missing & (~use_deps | pl.col("__blocked").fill_null(False))
    held = pl.col("__holder").is_not_null()
    code = pl.when(held).then(pl.lit("CheckedOut")).when(media).then(pl.lit("UnpublishedMedia"))
    reason = (pl.when(held).then(pl.format("checked out by {}", pl.col("__holder")))
              .when(media).then(pl.format("uses unpublished media {}", pl.col("__labels").list.join(", "))))
    return code, reason


def _by_group(sets: pl.DataFrame, code: pl.Expr, reason: pl.Expr) -> pl.DataFrame:
    problem = pl.format("{} {}", set_label(), reason)
    units = sets.with_columns(__code=code, __problem=problem).sort(SET).group_by("__group").agg(
        __unit_code=pl.col("__code").min(), __unit=pl.col("__problem").drop_nulls().str.join("; "))
    failed = pl.col("__unit_code").is_not_null()
    return sets.join(units, on="__group", how="left").with_columns(
        outcome=pl.when(failed).then(pl.lit("fail")).otherwise(pl.lit("publish")),
        ErrorCode=pl.col("__unit_code"),
        reason=pl.when(failed).then(pl.format("group {} cannot be published: {}", pl.col("__group"), pl.col("__unit"))))


def decide(drafts: pl.DataFrame, media: pl.DataFrame, groups: pl.DataFrame, *, deps: bool,
           by_group: bool) -> pl.DataFrame:
    """One row per set that has a draft: ``outcome`` publish, skip, fail (a group that cannot be
    published whole) or refuse (unpublished media: the command stops), ``ErrorCode``, ``reason``."""
    g = groups.select(__group="PublishGroup", __status="Status", __at="ScheduledOn",
                      __deps=pl.col(DEPENDENCIES).eq_missing("true"))
    sets = summarize(drafts).join(dependencies(drafts, media), on=SET, how="left").join(g, on="__group", how="left")
    code, reason = _problems(deps, by_group)
    if by_group:
        return _by_group(sets, code, reason)
    scheduled = pl.col("__status").eq_missing("Scheduled")
    return sets.with_columns(
        outcome=pl.when(scheduled | pl.col("__holder").is_not_null()).then(pl.lit("skip"))
        .when(code.is_not_null()).then(pl.lit("refuse")).otherwise(pl.lit("publish")),
        ErrorCode=pl.when(scheduled).then(pl.lit("Scheduled")).otherwise(code),
        reason=pl.when(scheduled).then(pl.format("scheduled in publish group {} for {}", "__group", "__at"))
        .otherwise(reason))


def outcomes(decided: pl.DataFrame) -> pl.DataFrame:
    """The sets as ``PublishResult.sets`` shows them, in set-key order."""
    return decided.select(*[pl.col(c).fill_null("") for c in SET_COLUMNS], EntityVersion="__version", rows="__rows", PublishGroup="__group",
                          outcome="outcome", ErrorCode="ErrorCode", reason="reason").sort(
        list(SET_COLUMNS), nulls_last=False)
