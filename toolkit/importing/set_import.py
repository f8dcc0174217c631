"""Import of an assignment manifest, set by set and column-wise (see :mod:`set_rules`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from schemas.patterns import NEUTRAL
from toolkit.importing.rows import RESULT_COLUMNS, ROW, Input, first_failure
from toolkit.importing.set_rules import (
    CONTENT,
    SET,
    STATE,
    decide,
    reject_sets,
    resolve_media,
    set_id,
    stored_sets,
    unpublished_media,
)
from toolkit.importing.set_store import SetOptions, apply_sets, new_rows, publish_media
from toolkit.importing.tenant_data import TenantData
from toolkit.importing.values import prune_columns
from toolkit.kinds import get_kind
from toolkit.tokens import absent_value

ACTIONS = ("EntityAssignmentAction", "EntityCheckedOutAction", "EntityVersionMismatchAction")
_SET_FIELDS = (*ACTIONS, "EntityVersion")
_STATE_COLS = ("__op", "__action", "__version", "__created", "__published_on", "__holder", "__group", "__missing")


@dataclass(frozen=True)
class SetImport:
    store: pl.DataFrame
    history: pl.DataFrame
    media: pl.DataFrame | None         # the new cms/media.tsv when --publish-dependencies published media
    media_history: pl.DataFrame
    outcomes: pl.DataFrame
    failures: pl.DataFrame


def _content_hash() -> pl.Expr:
    return pl.concat_str([pl.col(c).fill_null("") for c in CONTENT], separator="\x1f").hash()


def _mark_unchanged(sets: pl.DataFrame, live: pl.DataFrame, store: pl.DataFrame) -> pl.DataFrame:
    """Sets whose rows equal what they would replace become ``skip_unchanged``."""
    mine = live.group_by(SET).agg(__mine=_content_hash().sort())
    stored = store.with_columns(__h=_content_hash()).group_by(SET).agg(
        __pub_h=pl.col("__h").filter(pl.col(STATE).eq_missing("Published")).sort(),
        __draft_h=pl.col("__h").filter(pl.col(STATE).eq_missing("Draft")).sort())
    j = sets.join(mine, on=SET, how="left").join(stored, on=SET, how="left")
    has_draft = pl.col("__has_draft").fill_null(False)
    target = (pl.when(pl.col("__action") == "PublishNow").then(pl.when(~has_draft).then(pl.col("__pub_h")))
              .otherwise(pl.when(has_draft).then(pl.col("__draft_h")).otherwise(pl.col("__pub_h"))))
    same = (pl.col("__op") == "write") & target.is_not_null() & (pl.col("__mine") == target).fill_null(False)
    return j.with_columns(pl.when(same).then(pl.lit("skip_unchanged")).otherwise(pl.col("__op")).alias("__op")
                          ).drop("__mine", "__pub_h", "__draft_h")


def _columns(store: pl.DataFrame, manifest_columns: list[str]) -> list[str]:
    kind = get_kind("assignments")
    dropped = set(ACTIONS) | set(RESULT_COLUMNS)
    extra = [c for c in [*store.columns, *manifest_columns] if c not in kind.column_names and not c.startswith("__")]
    return [c for c in kind.column_names if c not in dropped] + list(dict.fromkeys(extra))


def _as_read(frame: pl.DataFrame, present: Collection[str], library: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every schema column there, an absent one as what its absence means when read (a locale:
    Neutral, as an empty cell reads), so a manifest without EntityLocale names the Neutral sets;
    ``library`` columns stay empty for :func:`resolve_media` to fill from the asset."""
    kind = get_kind("assignments")
    return frame.with_columns(pl.lit(None if c.name in library else absent_value(c), pl.String).alias(c.name)
                              for c in kind.columns if c.name not in present)


def _frames(inp: Input, data: TenantData) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The store and the manifest's rows with their set ids (media filled in), and the rows naming unknown media."""
    stored = data.manifests["assignments"].frame
    store = _as_read(stored, stored.columns).with_columns(set_id())
    named = _as_read(inp.frame, inp.frame.columns, library=("MediaLocale",))
    frame, unknown = resolve_media(named, data.frame("assets"))
    return store, frame.with_columns(pl.col("MediaLocale").fill_null(NEUTRAL), set_id()), unknown


def import_sets(inp: Input, data: TenantData, opts: SetOptions) -> SetImport:
    media = data.frame("assets")
    original = data.manifests["assignments"].frame.columns
    store, frame, unknown = _frames(inp, data)
    failed = first_failure(inp.failures, unknown)
    failed = first_failure(failed, reject_sets(frame, failed, inp.manifest.line_numbers()))
    live = frame.filter(~pl.col(ROW).is_in(failed.get_column(ROW).implode()))
    sets = live.sort(ROW).group_by(SET, maintain_order=True).agg(pl.col(c).drop_nulls().first() for c in _SET_FIELDS)
    sets = (sets.join(stored_sets(store), on=SET, how="left")
            .join(unpublished_media(live, media), on=SET, how="left"))
    sets = _mark_unchanged(decide(sets, opts.user, opts.publish_dependencies), live, store)
    rows = live.drop(_SET_FIELDS[-1]).join(sets.select(SET, *_STATE_COLS, "EntityVersion"), on=SET, how="left")
    columns = _columns(store, list(inp.manifest.header))
    written = new_rows(rows.filter(pl.col("__op") == "write"), columns, opts,
                       keep_group="PublishGroup" not in inp.manifest.header)
    applied = apply_sets(store, sets, written, opts)
    new_media, media_history = None, pl.DataFrame()
    if opts.publish_dependencies:
        needed = sets.filter((pl.col("__op") == "write") & (pl.col("__action") == "PublishNow")).get_column(
            "__missing").explode().drop_nulls()
        if needed.len():
            published, media_history = publish_media(media, needed, opts)
            new_media = prune_columns(published, data.manifests["assets"].frame.columns)
    return SetImport(prune_columns(applied.store, original), applied.history, new_media, media_history,
                     outcomes(rows), failed)


def _label() -> pl.Expr:
    return pl.format("set {} {} ({}/{})", pl.col("EntityType"), pl.col("EntityKeyValue"),
                     pl.col("EntityChannel").fill_null("Omnichannel"), pl.col("EntityLocale").fill_null(""))


def outcomes(rows: pl.DataFrame) -> pl.DataFrame:
    state = pl.when(pl.col("__action") == "PublishNow").then(pl.lit("Published")).otherwise(pl.lit("Draft"))
    new_version = (pl.col("__version").fill_null(0) + 1).cast(pl.String)
    table = {
        "write": ("Succeeded", None, pl.format("{} saved as {} version {}", _label(), state, new_version)),
        "unpublish": ("Succeeded", None, pl.format("{} unpublished", _label())),
        "delete": ("Succeeded", None, pl.format("{} unpublished and deleted", _label())),
        "skip_missing": ("Skipped", None, pl.format("{} does not exist; nothing to unpublish", _label())),
        "skip_unpublished": ("Skipped", None, pl.format("{} is not published; nothing to unpublish", _label())),
        "skip_unchanged": ("Skipped", None, pl.format("{} already holds these rows; nothing changed", _label())),
        "skip_held": ("Skipped", "CheckedOut", pl.format(
            "the draft of {} is checked out by {}; kept it (EntityCheckedOutAction UseExisting; Overwrite replaces "
            "it)", _label(), pl.col("__holder"))),
        "skip_stale": ("Skipped", "VersionMismatch", pl.format(
            "EntityVersion {} is not the stored version {} of {}; kept the stored set (EntityVersionMismatchAction "
            "UseExisting; Overwrite replaces it)", pl.col("EntityVersion"), pl.col("__version"), _label())),
        "fail_media": ("Failed", "UnpublishedMedia", pl.format(
            "{} uses unpublished media {}; publish them first or import with --publish-dependencies", _label(),
            pl.col("__missing").list.join(", "))),
    }
    result, code, text = pl.lit(None, pl.String), pl.lit(None, pl.String), pl.lit(None, pl.String)
    for op, (r, c, d) in table.items():
        hit = pl.col("__op") == op
        result = pl.when(hit).then(pl.lit(r)).otherwise(result)
        code = pl.when(hit).then(pl.lit(c, pl.String)).otherwise(code)
        text = pl.when(hit).then(d).otherwise(text)
    # A set skipped for a conflict (or failed) keeps the version its rows were made against: filling in
    # the stored one would let a re-import of the result manifest (or omm jobs retry) overwrite the
    # change the conflict kept.
    conflict = pl.col("__op").is_in(["skip_held", "skip_stale", "fail_media"])
    version = (pl.when(pl.col("__op") == "write").then(new_version)
               .when(conflict).then(pl.coalesce(pl.col("EntityVersion"), pl.col("__version").cast(pl.String)))
               .otherwise(pl.col("__version").cast(pl.String)))
    return rows.select(ROW, Result=result, ErrorCode=code, ResultDescription=text, __id=pl.col("InternalMediaId"),
                       __stored_version=version)
