"""Publish groups (SPEC §6 ``omm group``): stage drafts in a named group, schedule it, publish it whole.

``cms/publish_groups.tsv`` holds one row per group: PublishGroup, Description, ScheduledOn,
Status (Open → Scheduled → Published) and the extension column PublishDependencies. A draft
assignment set is in a group when its Draft rows carry the group's name in PublishGroup.

- **create** NAME: a new Open group (an existing name is refused).
- **add** NAME ENTITY…: stages the entities' draft sets (ENTITY as for ``omm checkout``: a product
  number — its own, variant, dimension-matrix and swatch sets — or ``category:ID``). Refused, with
  nothing changed, when the group is Published, when an entity has no draft, when a draft is
  checked out (check it in first: a group holds finished drafts), when a draft is already in
  another group, or when the group would hold more than 2,000 sets (as in Commerce). Adding to a
  Scheduled group validates it again, as ``schedule`` does. Sets already in the group are no change.
- **schedule** NAME --at TS: validates the group — not Published, not empty, every draft checked
  in, every medium it uses published — then sets Status Scheduled and ScheduledOn. With
  ``publish_dependencies`` unpublished media is accepted and recorded (PublishDependencies true):
  the publish of the group then publishes it. Scheduling again moves the time.
- **publish** and **run-due**: :func:`toolkit.publishing.run.publish_group` and ``run_due``.

Each change is a job (JobType Publish, named ``group <action> NAME``); no change, no job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from toolkit.errors import UsageError
from toolkit.importing.set_rules import SET
from toolkit.publishing.engine import DRAFT, decide
from toolkit.publishing.model import (
    ASSIGNMENTS,
    DEPENDENCIES,
    GROUP,
    GROUP_LIMIT,
    HOLDER,
    JOB_TYPE,
    SET_COLUMNS,
    GroupChange,
    GroupInfo,
    SetKey,
    parse_timestamp,
)
from toolkit.publishing.refusals import listing, set_labels
from toolkit.publishing.select import known_group
from toolkit.publishing.store import Frames, assignment_bytes, read_frames, read_groups, stage_groups
from toolkit.workspace import Tenant

_NAME = re.compile(r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{0,98}[^\s\x00-\x1f\x7f])?$")


@dataclass(frozen=True)
class _Change:
    groups: pl.DataFrame
    group_columns: tuple[str, ...]
    assignments: bytes | None  # the new cms/assignments.tsv (add), None when it does not change
    sets: tuple[SetKey, ...]
    rows: int
    info: GroupInfo
    changed: bool


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(f"invalid publish group name {name!r}", "use 1-100 characters on one line, without leading "
                         "or trailing spaces, e.g. spring-2025")
    return name


def _counts(assignments: pl.DataFrame | None) -> pl.DataFrame:
    if assignments is None:
        return pl.DataFrame(schema={"PublishGroup": pl.String, "sets": pl.UInt32})
    return assignments.filter(DRAFT & pl.col(GROUP).is_not_null()).group_by(GROUP).agg(sets=pl.col(SET).n_unique())


def _infos(groups: pl.DataFrame, assignments: pl.DataFrame | None) -> tuple[GroupInfo, ...]:
    table = groups.join(_counts(assignments), on="PublishGroup", how="left").sort("PublishGroup")
    return tuple(GroupInfo(r["PublishGroup"], r["Description"] or "", r["ScheduledOn"] or "", r["Status"] or "",
                           int(r["sets"] or 0), r[DEPENDENCIES] == "true") for r in table.iter_rows(named=True))


def _info(groups: pl.DataFrame, assignments: pl.DataFrame | None, name: str) -> GroupInfo:
    return _infos(groups.filter(pl.col("PublishGroup") == name), assignments)[0]


def _set_keys(frame: pl.DataFrame) -> tuple[SetKey, ...]:
    keys = frame.select(SET_COLUMNS).unique().fill_null("").sort(list(SET_COLUMNS))
    return tuple(tuple(r) for r in keys.iter_rows())  # type: ignore[misc]


def _labels(frame: pl.DataFrame, detail: pl.Expr) -> str:
    return listing(set_labels(frame.unique(SET), detail))


def _validate(frames: Frames, drafts: pl.DataFrame, name: str, deps: bool, outcome: str) -> None:
    """Refuse unless every draft of the group is checked in and (unless ``deps``) uses published media."""
    if drafts.height == 0:
        raise UsageError(f"publish group {name} holds no drafts; {outcome}",
                         f"stage drafts in it first: omm group add {name} ENTITY --tenant {frames.tenant.id}")
    groups = frames.groups.with_columns(pl.lit(None, pl.String).alias(DEPENDENCIES))
    failed = decide(drafts, frames.media, groups, deps=deps, by_group=True).filter(pl.col("outcome") == "fail")
    if failed.height:
        codes = set(failed.get_column("ErrorCode").to_list())
        hint = " or ".join(h for c, h in (
            ("CheckedOut", f"check the drafts in first (omm checkin ENTITY --tenant {frames.tenant.id} --user USER)"),
            ("UnpublishedMedia", "publish the media first, or pass --publish-dependencies so that the group's "
                                 "publish publishes it")) if c in codes)
        raise UsageError(f"tenant {frames.tenant.id}: {failed.get_column('reason')[0]}; {outcome}", hint)


def _refuse_published(t: Tenant, row: dict[str, str | None], outcome: str) -> None:
    if row["Status"] == "Published":
        raise UsageError(f"publish group {row['PublishGroup']} is already published; {outcome}",
                         f"create a new group: omm group create NAME --tenant {t.id}")


def _run(t: Tenant, action: str, name: str, user: str | None, wait: float,
         compute: Callable[[], _Change]) -> GroupChange:
    """Plan (refusals leave the tenant unchanged), then apply as a job, planning again under the lock."""
    from toolkit.checkout import check_user, default_user
    from toolkit.jobs import run_job

    who = check_user(user if user is not None else default_user())
    first = compute()
    if not first.changed:
        return GroupChange(t.id, action, first.info, first.sets, 0, None)
    with run_job(t, JOB_TYPE, name=f"group {action} {name}", user=who, wait=wait, command=f"omm group {action}") as job:
        done = compute()
        stage_groups(job, done.group_columns, done.groups)
        if done.assignments is not None:
            job.txn.write_bytes(ASSIGNMENTS, done.assignments)
        job.finish(total=done.rows, succeeded=done.rows, failed=0, skipped=0,
                   description=f"group {action} {name}: {len(done.sets)} sets, {done.rows} rows" if action == "add"
                   else f"group {action} {name}")
    return GroupChange(t.id, action, done.info, done.sets, done.rows if done.changed else 0, job.id)


def create(t: Tenant, name: str, description: str = "", *, user: str | None = None, wait: float = 0) -> GroupChange:
    """Create the Open publish group ``name``."""
    check_name(name)
    text = " ".join(description.split())

    def compute() -> _Change:
        groups, columns = read_groups(t)
        if groups.filter(pl.col("PublishGroup") == name).height:
            raise UsageError(f"publish group {name} already exists in tenant {t.id}",
                             f"pick another name, or stage drafts in it: omm group add {name} ENTITY --tenant {t.id}")
        row = pl.DataFrame({"PublishGroup": [name], "Description": [text or None], "Status": ["Open"]},
                           schema={"PublishGroup": pl.String, "Description": pl.String, "Status": pl.String})
        new = pl.concat([groups, row], how="diagonal_relaxed")
        return _Change(new, columns, None, (), 1, _info(new, None, name), True)

    return _run(t, "create", name, user, wait, compute)


def _check_stageable(t: Tenant, name: str, what: str, drafts: pl.DataFrame) -> None:
    """Refuse entities without drafts, with drafts checked out, or with drafts in another group."""
    if drafts.height == 0:
        raise UsageError(f"{what} in tenant {t.id}: no draft to stage in publish group {name}",
                         "check out, edit and check in the entity first (omm checkout / omm checkin), or import drafts")
    held = drafts.filter(pl.col(HOLDER).is_not_null())
    if held.height:
        who = _labels(held, pl.format("checked out by {}", pl.col(HOLDER)))
        raise UsageError(f"{what} in tenant {t.id}: {who}; nothing was added to {name}",
                         f"a group holds finished drafts: check them in first (omm checkin ENTITY --tenant {t.id} "
                         "--user USER)")
    elsewhere = drafts.filter(pl.col(GROUP).is_not_null() & (pl.col(GROUP) != name))
    if elsewhere.height:
        where = _labels(elsewhere, pl.format("in publish group {}", pl.col(GROUP)))
        raise UsageError(f"{what} in tenant {t.id}: {where}; nothing was added to {name}",
                         "a draft is staged in one group at a time; publish that group first")


def _staged(t: Tenant, name: str, entities: tuple[str, ...]) -> _Change:
    from toolkit.checkout import entity_mask
    from toolkit.publishing.store import check_omnichannel

    check_omnichannel(t, "publish groups")
    frames = read_frames(t)
    row = known_group(frames, name)
    _refuse_published(t, row, "nothing was added")
    store = frames.assignments
    mask = pl.lit(False)
    for entity in entities:  # one mask per ENTITY argument, each over the whole manifest
        mask = mask | entity_mask(t, store, entity)
    drafts = store.filter(mask & DRAFT)
    _check_stageable(t, name, ", ".join(entities), drafts)
    new = drafts.filter(pl.col(GROUP).is_null())
    total = store.filter(DRAFT & (pl.col(GROUP) == name)).get_column(SET).n_unique() + new.get_column(SET).n_unique()
    if total > GROUP_LIMIT:
        raise UsageError(f"publish group {name} would hold {total} assignment sets; a group holds at most "
                         f"{GROUP_LIMIT:,}, as in Commerce; nothing was added", "split the drafts over several groups")
    staged = store.with_columns(pl.when(mask & DRAFT & pl.col(GROUP).is_null()).then(pl.lit(name))
                                .otherwise(pl.col(GROUP)).alias(GROUP))
    if row["Status"] == "Scheduled" and new.height:
        in_group = staged.filter(DRAFT & (pl.col(GROUP) == name))
        _validate(frames, in_group, name, row[DEPENDENCIES] == "true", "nothing was added")
    return _Change(frames.groups, frames.group_columns, assignment_bytes(frames, staged) if new.height else None,
                   _set_keys(new), new.height, _info(frames.groups, staged, name), new.height > 0)


def add(t: Tenant, name: str, entities: tuple[str, ...] | list[str], *, user: str | None = None,
        wait: float = 0) -> GroupChange:
    """Stage the checked-in drafts of ``entities`` in publish group ``name`` (module doc)."""
    given = tuple(e.strip() for e in entities)
    if not given or not all(given):
        raise UsageError("no entity given", f"name product numbers or category:<CategoryID>, e.g. omm group add "
                         f"{name} 93039 --tenant {t.id}")
    return _run(t, "add", name, user, wait, lambda: _staged(t, name, given))


def _scheduled(t: Tenant, name: str, at: str, deps: bool) -> _Change:
    frames = read_frames(t)
    row = known_group(frames, name)
    _refuse_published(t, row, "it was not scheduled")
    drafts = frames.assignments.filter(DRAFT & (pl.col(GROUP) == name))
    _validate(frames, drafts, name, deps, "it was not scheduled")
    hit = pl.col("PublishGroup") == name
    flag = pl.lit("true" if deps else None, pl.String)
    groups = frames.groups.with_columns(
        Status=pl.when(hit).then(pl.lit("Scheduled")).otherwise(pl.col("Status")),
        ScheduledOn=pl.when(hit).then(pl.lit(at)).otherwise(pl.col("ScheduledOn")),
        **{DEPENDENCIES: pl.when(hit).then(flag).otherwise(pl.col(DEPENDENCIES))})
    changed = not groups.equals(frames.groups)
    return _Change(groups, frames.group_columns, None, (), 1 if changed else 0,
                   _info(groups, frames.assignments, name), changed)


def schedule(t: Tenant, name: str, at: str, *, publish_dependencies: bool = False, user: str | None = None,
             wait: float = 0) -> GroupChange:
    """Validate publish group ``name`` and schedule it for ``at`` (ISO 8601; module doc)."""
    when = parse_timestamp(at, "--at")
    return _run(t, "schedule", name, user, wait, lambda: _scheduled(t, name, when, publish_dependencies))


def list_groups(t: Tenant) -> tuple[GroupInfo, ...]:
    """Every publish group of the tenant, by name, with the number of draft sets staged in it."""
    frames = read_frames(t)
    return _infos(frames.groups, frames.assignments)
