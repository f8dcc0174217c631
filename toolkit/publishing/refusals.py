"""When a publish refuses (exit 2, nothing changed), and the message that says what to do next.

- Unpublished media used by a set that would publish (``UnpublishedMedia``), without
  ``--publish-dependencies`` — or media that flag cannot publish (not in cms/media.tsv, or an
  asset draft checked out by someone).
- A named group (``--group``, ``group publish``) that cannot be published whole.
- Products or categories whose drafts are all skipped (checked out, or scheduled in a group):
  something was asked for and nothing of it can be published. ``--all`` is a sweep, so skipped
  drafts alone are no error there (exit 0, nothing published, the skipped sets listed).
"""

from __future__ import annotations

import polars as pl

from toolkit.errors import UsageError
from toolkit.publishing.engine import set_label
from toolkit.publishing.model import Selection
from toolkit.workspace import Tenant

LIMIT = 5


def listing(values: list[str], limit: int = LIMIT) -> str:
    """``a, b, c and 4 more``."""
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


def set_labels(frame: pl.DataFrame, detail: pl.Expr | None = None) -> list[str]:
    """One label per row of ``frame`` (one row per set), with ``detail`` after a colon, in set-key order."""
    label = set_label() if detail is None else pl.format("{}: {}", set_label(), detail)
    return frame.sort("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", nulls_last=False).select(
        label).to_series().to_list()


def _unpublished(t: Tenant, selection: Selection, refused: pl.DataFrame) -> UsageError:
    ids = refused.get_column("__labels").explode().drop_nulls().unique().sort().to_list()
    blocked = refused.get_column("__blocked").fill_null(False).any()
    hint = ("import the assets that are not in cms/media.tsv and check in the asset drafts, then publish again"
            if blocked else "add --publish-dependencies to publish those assets in the same job")
    n = refused.height
    return UsageError(f"{selection.describe()} in tenant {t.id}: {n} set{'s use' if n > 1 else ' uses'} unpublished "
                      f"media {listing(ids)} ({listing(set_labels(refused))}); nothing was published", hint)


def _group_failed(t: Tenant, failed: pl.DataFrame) -> UsageError:
    reasons = failed.get_column("reason").unique().sort().to_list()
    codes = set(failed.get_column("ErrorCode").to_list())
    hints = []
    if "CheckedOut" in codes:
        hints.append(f"check the drafts in first (omm checkin ENTITY --tenant {t.id} --user USER)")
    if "UnpublishedMedia" in codes:
        hints.append("add --publish-dependencies to publish the media in the same job")
    return UsageError(f"tenant {t.id}: {'; '.join(reasons)}; nothing was published", ", or ".join(hints))


def _all_skipped(t: Tenant, selection: Selection, skipped: pl.DataFrame) -> UsageError:
    n = skipped.height
    codes = set(skipped.get_column("ErrorCode").to_list())
    hints = []
    if "CheckedOut" in codes:
        hints.append(f"check the drafts in first (omm checkin ENTITY --tenant {t.id} --user USER)")
    if "Scheduled" in codes:
        hints.append(f"a draft scheduled in a group publishes with it (now: omm group publish GROUP --tenant {t.id})")
    return UsageError(f"{selection.describe()} in tenant {t.id}: nothing can be published: {n} draft "
                      f"set{'s are' if n > 1 else ' is'} skipped: {listing(set_labels(skipped, pl.col('reason')))}",
                      "; ".join(hints))


def refuse(t: Tenant, selection: Selection, decided: pl.DataFrame) -> None:
    """Raise the UsageError of a publish that must not run (module doc); return when it may."""
    outcome = pl.col("outcome")
    refused = decided.filter(outcome == "refuse")
    if refused.height:
        raise _unpublished(t, selection, refused)
    failed = decided.filter(outcome == "fail")
    if failed.height and not selection.due:
        raise _group_failed(t, failed)
    skipped = decided.filter(outcome == "skip")
    if skipped.height and not selection.all and decided.filter(outcome == "publish").height == 0:
        raise _all_skipped(t, selection, skipped)
