"""Applying a decided publish to the store: drafts become the published version, the superseded
published rows go to history, and (``--publish-dependencies``) the asset drafts they need are
published with their MediaPublishedURL."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.errors import UsageError
from toolkit.importing.set_rules import SET
from toolkit.importing.set_store import SetOptions, publish_media
from toolkit.publishing.engine import DRAFT, set_label
from toolkit.publishing.model import GROUP, HOLDER, MEDIA_COLUMNS, STATE
from toolkit.publishing.store import Frames

_RESULT = {"publish": "Succeeded", "skip": "Skipped", "fail": "Failed"}


@dataclass(frozen=True)
class Applied:
    """The store after a publish (``store`` keeps the ``__set`` column), what goes to history,
    the new ``cms/media.tsv`` (None when no asset is published), and the rows for the job's files."""

    store: pl.DataFrame
    history: pl.DataFrame
    media: pl.DataFrame | None
    media_history: pl.DataFrame
    media_rows: pl.DataFrame  # the asset rows published, as stored
    result: pl.DataFrame      # the result manifest: the drafts taken, with Result … ResultDescription


def _stamp(frame: pl.DataFrame, now: str, job: str) -> pl.DataFrame:
    return frame.with_columns(SupersededOn=pl.lit(now), SupersededBy=pl.lit(job))


def _media(frames: Frames, ids: pl.Series, now: str, job: str, user: str) -> tuple[pl.DataFrame | None, ...]:
    if ids.len() == 0:
        empty = frames.media.clear()
        return None, empty, empty
    if not frames.base_url:
        raise UsageError(f"tenant {frames.tenant.id} has no CmsBaseUrl setting, so the media it would publish "
                         "gets no MediaPublishedURL; nothing was published",
                         f"set it with: omm settings --tenant {frames.tenant.id} CmsBaseUrl https://…")
    media, history = publish_media(frames.media, ids, SetOptions(user, False, True, now, job, frames.base_url))
    published = media.filter(pl.col("InternalMediaId").is_in(ids.implode())
                             & pl.col("MediaState").eq_missing("Published"))
    return media, history, published


def published_media(applied: Applied) -> pl.DataFrame:
    return applied.media_rows.select(MEDIA_COLUMNS).sort("InternalMediaId", "MediaLocale")


def _result(promoted: pl.DataFrame, drafts: pl.DataFrame, decided: pl.DataFrame, now: str) -> pl.DataFrame:
    kept = drafts.join(decided.filter(pl.col("outcome") != "publish").select(SET), on=SET, how="semi")
    rows = pl.concat([promoted, kept], how="vertical_relaxed").join(
        decided.select(SET, "outcome", "__version", __code="ErrorCode", __reason="reason"), on=SET, how="left")
    done = pl.col("outcome") == "publish"
    return rows.with_columns(
        Result=pl.col("outcome").replace_strict(_RESULT, return_dtype=pl.String), ResultTime=pl.lit(now),
        ErrorCode=pl.col("__code"),
        ResultDescription=pl.when(done).then(pl.format("set {} published as version {}", set_label(), "__version"))
        .otherwise(pl.format("set {} not published: {}", set_label(), "__reason")),
    ).drop("outcome", "__version", "__code", "__reason", SET)


def apply(frames: Frames, drafts: pl.DataFrame, decided: pl.DataFrame, *, now: str, job: str,
          user: str) -> Applied:
    """Publish the sets ``decided`` says publish (``drafts``: the Draft rows of the selection)."""
    go = decided.filter(pl.col("outcome") == "publish")
    marked = frames.assignments.join(go.select(SET, __go=pl.lit(True)), on=SET, how="left")
    hit = pl.col("__go").fill_null(False)
    superseded = marked.filter(hit & ~DRAFT).drop("__go", SET)
    promoted = marked.filter(hit & DRAFT).drop("__go").with_columns(
        pl.lit("Published").alias(STATE), EntityPublishedOn=pl.lit(now), **{HOLDER: pl.lit(None, pl.String),
                                                                           GROUP: pl.lit(None, pl.String)})
    store = pl.concat([marked.filter(~hit).drop("__go"), promoted], how="vertical_relaxed")
    ids = go.get_column("__missing").explode().drop_nulls().unique().sort()
    media, media_history, media_rows = _media(frames, ids, now, job, user)
    assert media_history is not None and media_rows is not None
    return Applied(store, _stamp(superseded, now, job), media, media_history, media_rows,
                   _result(promoted, drafts, decided, now))
