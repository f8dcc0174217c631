"""``omm checkout|checkin|discard`` (SPEC §6): the draft lock of D365's "Edit product media",
"Finish editing" and "Discard edits", over the assignment sets of one entity.

ENTITY is a product number or ``category:<CategoryID>``:

- a product number names the sets ``omm export --products`` names: the product's own set
  (``Product|Master`` for a master or standalone product, ``Product|Variant`` for a variant), the
  sets of its variants (``hq/products.tsv``), its dimension-matrix cells (``P|Color:…``) and its
  swatch sets (``P|Color|…``) — in every channel, locale and catalog;
- ``category:C110`` names the ``Category`` sets of that category (``hq/categories.tsv``).

An unknown product or category is a usage error (exit 2) naming it. With the tenant's
``OmnichannelContent`` flag off, all three refuse (assignment authoring is off) and say how to
turn it on.

What each does, all sets of the entity or none:

- **checkout**: a set with no Draft rows gets a copy of its Published rows as Draft rows
  (``EntityAssignmentCurrentPublishState`` Draft, ``CheckedOutBy`` the user, ``PublishGroup``
  empty; every other cell — versions and timestamps included — as published: the draft is
  unchanged until edited); a set whose draft nobody holds (checked in) gets ``CheckedOutBy`` the
  user. A draft checked out by another user refuses the whole checkout (exit 2, naming the user).
  Checking out what the user already holds changes nothing.
- **checkin**: the user's checked-out drafts get ``CheckedOutBy`` cleared; they stay Draft, ready
  for ``omm publish``.
- **discard**: the user's checked-out Draft rows are deleted; the published version stays.
  A draft that nobody holds is not the user's to discard: check it out first.

checkin and discard refuse (exit 2, naming the user) when another user holds a draft of the
entity, changing nothing. When there is nothing to do (nothing checked out by the user, no sets,
all sets already held) the command succeeds (exit 0) with a message, changes nothing and records
no job (``job`` is null), so scripts can run it twice.

A change runs as a job (``run_job``, JobType Checkout, Checkin or Discard): the tenant's writer
lock, an InProgress row, then ``cms/assignments.tsv`` and the job row committed together. The
refusals are decided before the job starts (the tenant stays byte-identical) and again under the
lock (a writer that slipped in between makes the job Failed, with the tenant unchanged).
All the work is Polars expressions over the whole manifest, no per-row loop.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.errors import UsageError, WorkspaceError

if TYPE_CHECKING:
    import polars as pl

    from toolkit.workspace import Tenant

ACTIONS = ("checkout", "checkin", "discard")
JOB_TYPE = {"checkout": "Checkout", "checkin": "Checkin", "discard": "Discard"}
CATEGORY_PREFIX = "category:"
ASSIGNMENTS = "cms/assignments.tsv"
STATE = "EntityAssignmentCurrentPublishState"
HOLDER = "CheckedOutBy"
SET_COLUMNS = ("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber")
_VERB = {"checkout": "checked out", "checkin": "checked in", "discard": "discarded"}
_NOTHING = {"checkout": "nothing to check out", "checkin": "nothing to check in", "discard": "nothing to discard"}


@dataclass(frozen=True)
class CheckoutResult:
    """What ``checkout``/``checkin``/``discard`` did; ``to_dict`` is the CLI's JSON.

    ``sets``: the set keys the action applies to (checkout: every set of the entity, now held by
    ``user``; checkin/discard: the sets whose draft the user held). ``rows``: the Draft rows
    created, changed or deleted (0 when nothing changed). ``job``: the job id, None when nothing
    changed (no job is run)."""

    tenant: str
    entity: str
    action: str
    user: str
    sets: tuple[tuple[str, str, str, str, str], ...]
    rows: int
    job: str | None

    @property
    def changed(self) -> bool:
        return self.rows > 0

    def to_dict(self) -> dict[str, Any]:
        return {"tenant": self.tenant, "entity": self.entity, "action": self.action, "user": self.user,
                "sets": [dict(zip(SET_COLUMNS, s, strict=True)) for s in self.sets], "rows": self.rows,
                "job": self.job}


@dataclass(frozen=True)
class _Plan:
    frame: pl.DataFrame  # the whole new manifest
    sets: tuple[tuple[str, str, str, str, str], ...]
    rows: int


def default_user() -> str:
    """The login name (what ``--user`` defaults to)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def check_user(user: str) -> str:
    value = user.strip()
    if not value or any(ord(c) < 32 or c == "\x7f" for c in value):
        raise UsageError(f"invalid user {user!r}", "give a user name on one line, e.g. --user alice")
    return value


def check_omnichannel(t: Tenant) -> None:
    from toolkit.tenants import read_settings

    if not read_settings(t).flag("OmnichannelContent"):
        raise UsageError(f"tenant {t.id}: OmnichannelContent is off, so assignment authoring (import of "
                         "assignments, checkout, checkin, discard, publish) is refused",
                         f"turn it on with: omm settings --tenant {t.id} OmnichannelContent true")


def _read(t: Tenant, rel: str, kind: str, why: str) -> pl.DataFrame:
    from toolkit.tsv import read_manifest

    path = t.path(rel)
    if not path.is_file():
        raise WorkspaceError(f"tenant {t.id!r} has no {rel}", why)
    return read_manifest(path, kind).frame


def _with_columns(frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    missing = [c for c in (*SET_COLUMNS, STATE, HOLDER, "PublishGroup") if c not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing) if missing else frame


def entity_mask(t: Tenant, assignments: pl.DataFrame, entity: str) -> pl.Expr:
    """True for the rows (either state) of the entity's sets; an unknown entity raises UsageError."""
    import polars as pl

    if entity.lower().startswith(CATEGORY_PREFIX):
        category = entity[len(CATEGORY_PREFIX):].strip()
        if not category:
            raise UsageError(f"no category id in {entity!r}", "write category:<CategoryID>, e.g. category:C110")
        catalog = _read(t, "hq/categories.tsv", "categories", "category:ID needs hq/categories.tsv")
        known = catalog.get_column("CategoryID") if "CategoryID" in catalog.columns else pl.Series([], dtype=pl.String)
        if not (known == category).any():
            raise UsageError(f"unknown category {category} in tenant {t.id!r}",
                             "name a CategoryID listed in hq/categories.tsv")
        return (pl.col("EntityType").eq_missing("Category") & pl.col("EntityKeyValue").eq_missing(category))
    from toolkit.export import product_set_mask

    if not entity.strip():
        raise UsageError("no entity given", "name a product number or category:<CategoryID>")
    catalog = _read(t, "hq/products.tsv", "products", "a product ENTITY needs hq/products.tsv")
    return product_set_mask(assignments, catalog, (entity.strip(),), t.id)


def _set_keys(frame: pl.DataFrame) -> tuple[tuple[str, str, str, str, str], ...]:
    keys = frame.select(SET_COLUMNS).unique().fill_null("").sort(list(SET_COLUMNS))
    return tuple(tuple(r) for r in keys.iter_rows())  # type: ignore[misc]


def _describe_sets(frame: pl.DataFrame, limit: int = 3) -> str:
    keys = _set_keys(frame)
    names = [f"{k[0]} {k[1]} ({k[2] or 'Omnichannel'}/{k[3] or 'system_neutral'}{'/' + k[4] if k[4] else ''})"
             for k in keys[:limit]]
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(names) + more


def _refuse_others(t: Tenant, entity: str, action: str, user: str, held: pl.DataFrame) -> None:
    if held.height == 0:
        return
    holders = sorted(set(held.get_column(HOLDER).to_list()))
    who = ", ".join(holders)
    raise UsageError(f"{entity} in tenant {t.id}: {_describe_sets(held)} "
                     f"{'is' if len(_set_keys(held)) == 1 else 'are'} checked out by {who}, not {user}; "
                     f"nothing was {_VERB[action]}",
                     f"{who} can release it with: omm checkin {entity} --tenant {t.id} --user {holders[0]}")


def plan(t: Tenant, entity: str, action: str, user: str) -> _Plan:
    """The new manifest for ``action``; raises (changing nothing) when another user holds a draft."""
    import polars as pl

    if action not in ACTIONS:
        raise UsageError(f"unknown action {action!r}", f"use one of {', '.join(ACTIONS)}")
    frame = _with_columns(_read(t, ASSIGNMENTS, "assignments", "import assignments into it with omm import"))
    mine = entity_mask(t, frame, entity)
    draft = pl.col(STATE).eq_missing("Draft")
    holder = pl.col(HOLDER)
    others = mine & draft & holder.is_not_null() & holder.ne_missing(user)
    _refuse_others(t, entity, action, user, frame.filter(others))
    if action == "checkout":
        has_draft = draft.any().over(list(SET_COLUMNS))
        copies = (frame.filter(mine & ~draft & ~has_draft)
                  .with_columns(pl.lit("Draft").alias(STATE), pl.lit(user).alias(HOLDER),
                                pl.lit(None, pl.String).alias("PublishGroup")))
        take = mine & draft & holder.is_null()
        taken = frame.select(take.sum()).item()
        new = pl.concat([frame.with_columns(pl.when(take).then(pl.lit(user)).otherwise(holder).alias(HOLDER)),
                         copies], how="vertical")
        return _Plan(new, _set_keys(frame.filter(mine)), copies.height + taken)
    held = mine & draft & holder.eq_missing(user)
    sets = _set_keys(frame.filter(held))
    rows = frame.select(held.sum()).item()
    if action == "checkin":
        new = frame.with_columns(pl.when(held).then(pl.lit(None, pl.String)).otherwise(holder).alias(HOLDER))
    else:
        new = frame.filter(~held)
    return _Plan(new, sets, rows)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def nothing_message(result: CheckoutResult) -> str:
    if result.action == "checkout" and result.sets:
        return f"{result.entity}: all {len(result.sets)} sets are already checked out by {result.user}; nothing changed"
    if result.action == "checkout":
        return (f"{result.entity} has no assignment sets in tenant {result.tenant}; {_NOTHING['checkout']} "
                "(import a manifest to create its drafts)")
    return f"{result.entity}: no draft is checked out by {result.user}; {_NOTHING[result.action]}"


def run(t: Tenant, entity: str, action: str, *, user: str | None = None, wait: float = 0) -> CheckoutResult:
    """Check out, check in or discard the drafts of ``entity`` in tenant ``t`` for ``user``."""
    from toolkit.jobs import run_job
    from toolkit.tsv import manifest_bytes

    who = check_user(user if user is not None else default_user())
    entity = entity.strip()
    check_omnichannel(t)
    first = plan(t, entity, action, who)  # refusals before any job: the tenant stays byte-identical
    if first.rows == 0:
        return CheckoutResult(t.id, entity, action, who, first.sets, 0, None)
    with run_job(t, JOB_TYPE[action], name=entity, user=who, wait=wait, command=f"omm {action}") as job:
        check_omnichannel(t)
        done = plan(t, entity, action, who)  # again under the lock: the tenant may have changed
        job.txn.write_bytes(ASSIGNMENTS, manifest_bytes(done.frame, "assignments"))
        job.finish(total=done.rows, succeeded=done.rows, failed=0, skipped=0,
                   description=f"{action} {entity} by {who}: {_count(len(done.sets), 'set')}, "
                               f"{_count(done.rows, 'draft row')}")
    return CheckoutResult(t.id, entity, action, who, done.sets, done.rows, job.id)
