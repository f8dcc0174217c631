"""What each row of an asset manifest asks for, decided for all rows at once (SPEC §6 import).

Matching: MediaSourceProvider + MediaSourceId (+ MediaLocale) when the row has both, else
InternalMediaId + MediaChannel + MediaLocale. Then, in this order, the first rule that applies
decides the row's operation (``__op``):

=================================  ======================================================
row                                operation
=================================  ======================================================
failed validation or matching      ``fail``
UnpublishAndDelete of an unknown   ``skip`` (already deleted: its result re-imports cleanly)
InternalMediaId
Unpublish / UnpublishAndDelete     ``fail`` UnknownAsset when nothing matched;
                                   Unpublish of an unpublished asset is ``skip``;
                                   UnpublishAndDelete of an asset sets use is ``fail`` AssetInUse
matched, UseExisting (default)     ``skip`` (the stored asset is kept; its id is filled in)
matched, KeepBoth                  ``create`` a new asset (display name gets the new id's prefix);
                                   a row that names its asset by id *is* that asset: ``skip``
matched, TakeLatest                ``skip`` unless the row's MediaLastModifiedOn is later
matched, version differs           ``skip`` VersionMismatch unless MediaVersionMismatchAction Overwrite
matched, draft held by another     ``skip`` CheckedOut unless MediaCheckedOutAction Overwrite
matched otherwise                  ``overwrite``
not matched                        ``create``
=================================  ======================================================
"""

from __future__ import annotations

import polars as pl

from toolkit.importing.rows import ROW
from toolkit.importing.values import as_int, timestamp

ID, LOC, CHAN = "InternalMediaId", "MediaLocale", "MediaChannel"
STATE, HOLDER = "MediaState", "CheckedOutBy"
PROVIDER, SOURCE = "MediaSourceProvider", "MediaSourceId"
TARGET = "__id"  # the id the row ends up with (matched, given or new)


def stored_state(store: pl.DataFrame) -> pl.DataFrame:
    """Per stored (id, locale): published/draft present, the draft's holder, the latest version
    and the latest row's modification time."""
    draft = pl.col(STATE).eq_missing("Draft")
    latest_first = store.sort([ID, LOC, draft], descending=[False, False, True])
    return latest_first.group_by([ID, LOC], maintain_order=True).agg(
        __has_pub=(~draft).any(), __has_draft=draft.any(),
        __holder=pl.col(HOLDER).filter(draft).first(),
        __version=as_int("MediaVersion").max(),
        __modified=pl.col("MediaLastModifiedOn").first(),
    )


def _source_index(store: pl.DataFrame) -> pl.DataFrame:
    known = store.filter(pl.col(PROVIDER).is_not_null() & pl.col(SOURCE).is_not_null())
    return known.group_by([PROVIDER, SOURCE, LOC]).agg(__source_ids=pl.col(ID).unique().sort())


def match(frame: pl.DataFrame, store: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the matching columns: ``__id``, ``__matched``, ``__match_error`` and the
    stored state of the matched asset row."""
    by_source = frame.join(_source_index(store), on=[PROVIDER, SOURCE, LOC], how="left", nulls_equal=False)
    ids = by_source.get_column("__source_ids")
    n = ids.list.len().fill_null(0)
    given = pl.col(ID)
    named = (given.is_not_null() & pl.col("__source_ids").list.contains(given)).fill_null(False)
    picked = (pl.when(named).then(given).when(pl.col("__n") == 1).then(pl.col("__source_ids").list.first())
              .otherwise(given))
    out = by_source.with_columns(__n=n).with_columns(__id=picked)
    exists = store.select(pl.col(ID).alias(TARGET), __id_channel=pl.col(CHAN)).unique(TARGET, keep="first")
    out = out.join(stored_state(store).rename({ID: TARGET}), on=[TARGET, LOC], how="left")
    out = out.join(exists, on=TARGET, how="left")
    matched = pl.col("__has_pub").fill_null(False) | pl.col("__has_draft").fill_null(False)
    known = pl.col(TARGET).is_in(store.get_column(ID).unique().implode()) if store.height else pl.lit(False)
    err = (pl.when((pl.col("__n") >= 1) & ~named & ((pl.col("__n") > 1) | given.is_not_null()))
           .then(pl.lit("AmbiguousMatch"))
           .when(given.is_not_null() & ~pl.col("__known") & ~_deleting()).then(pl.lit("UnknownAsset"))
           .when(pl.col("__known") & pl.col("__id_channel").ne_missing(pl.col(CHAN))).then(pl.lit("AssetIdInUse")))
    return out.with_columns(__matched=matched, __known=known).with_columns(__match_error=err)


def match_failures(m: pl.DataFrame) -> pl.DataFrame:
    desc = {
        # Several assets for one source, or one that is not the asset the row names.
        "AmbiguousMatch": pl.when(pl.col(ID).is_null()).then(pl.format(
            "{} {} {} matches assets {}; name the asset with InternalMediaId", pl.col(PROVIDER), pl.col(SOURCE),
            pl.col(LOC), pl.col("__source_ids").list.join(", "))).otherwise(pl.format(
            "{} {} {} matches asset(s) {}, not InternalMediaId {}; correct the id or the source",
            pl.col(PROVIDER), pl.col(SOURCE), pl.col(LOC), pl.col("__source_ids").list.join(", "), pl.col(ID))),
        "UnknownAsset": pl.format("InternalMediaId {} is not an asset of this tenant; leave it empty to create "
                                  "a new asset", pl.col(ID)),
        "AssetIdInUse": pl.format("InternalMediaId {} belongs to channel {}, not {}; leave InternalMediaId empty "
                                  "to create a new asset", pl.col(TARGET),
                                  pl.col("__id_channel").fill_null("Omnichannel"),
                                  pl.col(CHAN).fill_null("Omnichannel")),
    }
    parts = [m.filter(pl.col("__match_error") == code).select(ROW, ErrorCode=pl.lit(code), ResultDescription=d)
             for code, d in desc.items()]
    return pl.concat(parts)


def _deleting() -> pl.Expr:
    return pl.col("MediaAction").eq_missing("UnpublishAndDelete")


def _action(col: str, default: str) -> pl.Expr:
    return pl.col(col).fill_null(pl.lit(default))


def decide(m: pl.DataFrame, in_use: pl.Series, user: str) -> pl.DataFrame:
    """``__op`` and, for skips, ``__skip_code``/``__skip_text`` of each matched-or-new row
    (rows already failed are decided by the caller)."""
    action = _action("MediaAction", "Draft")
    if_exists = _action("MediaSourceIfExistsAction", "UseExisting")
    matched = pl.col("__matched")
    unpublishing = action.is_in(["Unpublish", "UnpublishAndDelete"])
    held = pl.col("__has_draft").fill_null(False) & pl.col("__holder").is_not_null() & pl.col("__holder").ne(user)
    held_skip = held & _action("MediaCheckedOutAction", "UseExisting").eq("UseExisting")
    stale = (as_int("MediaVersion").is_not_null() & as_int("MediaVersion").ne_missing(pl.col("__version"))
             & _action("MediaVersionMismatchAction", "UseExisting").eq("UseExisting"))
    row_time, stored_time = timestamp("MediaLastModifiedOn"), timestamp(pl.col("__modified"))
    not_newer = row_time.is_null() | (stored_time.is_not_null() & (row_time <= stored_time))
    by_id = pl.col(ID).is_not_null()
    # Deleting what is already gone is done: a result manifest with UnpublishAndDelete rows re-imports cleanly.
    op = (pl.when((action == "UnpublishAndDelete") & ~matched & by_id & ~pl.col("__known")).then(pl.lit("skip_deleted"))
          .when(unpublishing & ~matched).then(pl.lit("fail_unknown"))
          .when((action == "Unpublish") & ~pl.col("__has_pub").fill_null(False)).then(pl.lit("skip_unpublished"))
          .when((action == "UnpublishAndDelete") & pl.col(TARGET).is_in(in_use.implode())).then(pl.lit("fail_in_use"))
          .when(unpublishing & held_skip).then(pl.lit("skip_held"))
          .when(action == "UnpublishAndDelete").then(pl.lit("delete"))
          .when(action == "Unpublish").then(pl.lit("unpublish"))
          .when(~matched).then(pl.lit("create"))
          .when(if_exists == "UseExisting").then(pl.lit("skip_exists"))
          .when((if_exists == "KeepBoth") & by_id).then(pl.lit("skip_exists"))
          .when(if_exists == "KeepBoth").then(pl.lit("keep_both"))
          .when((if_exists == "TakeLatest") & not_newer).then(pl.lit("skip_older"))
          .when(stale).then(pl.lit("skip_stale"))
          .when(held_skip).then(pl.lit("skip_held"))
          .otherwise(pl.lit("overwrite")))
    return m.with_columns(__op=op, __action=action)
