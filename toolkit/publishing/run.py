"""``publish``, ``publish_group`` and ``run_due``: plan a publish, then apply it as one job.

The plan is computed before any job (its refusals leave the tenant byte-identical; ``plan_only``
stops there) and again under the tenant's writer lock, where ``cms/assignments.tsv``, its history,
``cms/media.tsv`` and its history (--publish-dependencies), ``cms/publish_groups.tsv``, the
result manifest and the job row are committed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from toolkit.importing.set_store import HISTORY, MEDIA_HISTORY
from toolkit.importing.values import prune_columns
from toolkit.publishing.apply import Applied, apply, published_media
from toolkit.publishing.engine import DRAFT, decide, outcomes
from toolkit.publishing.model import (
    ASSIGNMENTS,
    JOB_TYPE,
    MEDIA,
    MEDIA_COLUMNS,
    PublishResult,
    RowCounts,
    Selection,
    parse_timestamp,
)
from toolkit.publishing.refusals import refuse
from toolkit.publishing.select import chosen, group_names
from toolkit.publishing.store import Frames, assignment_bytes, media_bytes, read_frames, stage_groups
from toolkit.workspace import Tenant

if TYPE_CHECKING:
    from toolkit.jobs import Job

RESULT_COLUMNS = ["Result", "ResultTime", "ErrorCode", "ResultDescription"]


@dataclass(frozen=True)
class Plan:
    """A publish decided: the sets (``decided``, one row each), the groups it closes (Status
    Published), and the store after it (``applied``, None when nothing changes)."""

    frames: Frames
    selection: Selection
    decided: pl.DataFrame
    closing: tuple[str, ...]
    applied: Applied | None
    note: str  # why nothing is published, when nothing is


def _closing(frames: Frames, selection: Selection, groups: tuple[str, ...], decided: pl.DataFrame) -> tuple[str, ...]:
    """The groups this publish makes Published: each due group that does not fail (an empty one
    too: its time has come), each named group that publishes something."""
    if not selection.by_group:
        return ()
    failing = set(decided.filter(pl.col("outcome") == "fail").get_column("__group").to_list())
    publishing = set(decided.filter(pl.col("outcome") == "publish").get_column("__group").to_list())
    return tuple(g for g in groups if g not in failing and (selection.due or g in publishing))


def plan(t: Tenant, selection: Selection, *, deps: bool, user: str, now: str, job: str) -> Plan:
    """Decide the publish of ``selection``; raises (changing nothing) where the command refuses."""
    from toolkit.store.lock import utc_now

    frames = read_frames(t)
    groups = group_names(frames, selection)
    drafts = frames.assignments.filter(chosen(frames, selection, groups) & DRAFT)
    decided = decide(drafts, frames.media, frames.groups, deps=deps, by_group=selection.by_group)
    refuse(t, selection, decided)
    closing = _closing(frames, selection, groups, decided)
    publishing = decided.filter(pl.col("outcome") == "publish").height > 0
    ready = bool(publishing or closing or (selection.due and groups))
    applied = apply(frames, drafts, decided, now=now or utc_now(), job=job, user=user) if ready else None
    return Plan(frames, selection, decided, closing, applied, "" if ready else _nothing(frames, selection, decided))


def _nothing(frames: Frames, selection: Selection, decided: pl.DataFrame) -> str:
    """Why a publish that changes nothing has nothing to publish."""
    from toolkit.publishing.refusals import listing, set_labels

    if selection.due:
        return f"no publish group is due by {selection.now}"
    if selection.groups:
        status = frames.groups.filter(pl.col("PublishGroup") == selection.groups[0]).get_column("Status")
        return (f"publish group {selection.groups[0]} is already published" if status.eq_missing("Published").any()
                else f"publish group {selection.groups[0]} holds no drafts")
    if decided.height:  # --all, every draft skipped
        return (f"every draft is skipped ({decided.height} set{'s' if decided.height > 1 else ''}): "
                + listing(set_labels(decided, pl.col("reason"))))
    return f"{selection.describe()} has no drafts" if not selection.all else "the tenant has no drafts"


def _counts(sets: pl.DataFrame) -> RowCounts:
    n = dict(sets.group_by("outcome").agg(pl.col("rows").sum()).iter_rows())
    return RowCounts(sum(n.values()), n.get("publish", 0), n.get("fail", 0), n.get("skip", 0))


def to_result(p: Plan, *, planned: bool, job: str | None = None, status: str | None = None,
              result: str | None = None) -> PublishResult:
    sets = outcomes(p.decided)
    media = published_media(p.applied) if p.applied is not None else pl.DataFrame(
        schema={c: pl.String for c in MEDIA_COLUMNS})
    return PublishResult(p.frames.tenant.id, p.selection.describe(), planned, sets, media, p.closing, _counts(sets),
                         job, status, result, p.note)


def _close(frames: Frames, closing: tuple[str, ...]) -> pl.DataFrame:
    hit = pl.col("PublishGroup").is_in(pl.Series(closing, dtype=pl.String).implode())
    return frames.groups.with_columns(Status=pl.when(hit).then(pl.lit("Published")).otherwise(pl.col("Status")))


def _stage(job: Job, p: Plan) -> str:
    """Stage every file the publish changes in ``job``'s transaction; returns the result manifest's path."""
    from toolkit.importing.stages import append_history
    from toolkit.tsv import manifest_bytes

    assert p.applied is not None
    a, frames = p.applied, p.frames
    own = list(frames.assignment_columns)
    if p.decided.filter(pl.col("outcome") == "publish").height:
        job.txn.write_bytes(ASSIGNMENTS, assignment_bytes(frames, a.store))
        append_history(job, HISTORY, "assignments", prune_columns(a.history, [*own, "SupersededOn", "SupersededBy"]))
    if a.media is not None:
        job.txn.write_bytes(MEDIA, media_bytes(frames, a.media))
        append_history(job, MEDIA_HISTORY, "assets",
                       prune_columns(a.media_history, [*frames.media_columns, "SupersededOn", "SupersededBy"]))
        job.stage_bytes("media.tsv", manifest_bytes(prune_columns(a.media_rows, list(frames.media_columns)), "assets"))
    if p.closing:
        stage_groups(job, frames.group_columns, _close(frames, p.closing))
    return job.stage_bytes("result.tsv", manifest_bytes(prune_columns(a.result, [*own, *RESULT_COLUMNS]),
                                                        "assignments"))


def _description(r: PublishResult) -> str:
    rc = r.rows
    parts = [f"{r.selection}: published {r.of('publish').height} sets ({rc.succeeded} rows)",
             f"skipped {r.of('skip').height} ({rc.skipped} rows)", f"failed {r.of('fail').height} ({rc.failed} rows)",
             f"{r.media.height} asset rows published"]
    if r.groups:
        parts.append("groups published: " + ", ".join(r.groups))
    return ", ".join(parts)


def publish(t: Tenant, selection: Selection, *, publish_dependencies: bool = False, user: str | None = None,
            wait: float = 0, plan_only: bool = False) -> PublishResult:
    """Publish the checked-in drafts ``selection`` takes (see the package doc); ``plan_only``
    decides and changes nothing. Nothing to publish: no job (``job`` None)."""
    from toolkit.checkout import check_user, default_user
    from toolkit.jobs import run_job
    from toolkit.publishing.store import check_omnichannel

    who = check_user(user if user is not None else default_user())
    check_omnichannel(t, "publish")
    first = plan(t, selection, deps=publish_dependencies, user=who, now="", job="")
    if plan_only or first.applied is None:
        return to_result(first, planned=plan_only)
    with run_job(t, JOB_TYPE, name=f"publish {selection.describe()}", user=who, wait=wait,
                 command="omm publish") as job:
        check_omnichannel(t, "publish")
        done = plan(t, selection, deps=publish_dependencies, user=who, now="", job=job.id)
        path = _stage(job, done) if done.applied is not None else None  # None: the drafts changed meanwhile
        summary = to_result(done, planned=False)
        rc = summary.rows
        partly = rc.failed and (rc.succeeded or rc.skipped or done.closing)  # a due group closed is a success too
        job.finish(total=rc.total, succeeded=rc.succeeded, failed=rc.failed, skipped=rc.skipped, result_path=path,
                   description=_description(summary), status="CompletedWithErrors" if partly else None)
    assert job.outcome is not None
    return to_result(done, planned=False, job=job.id, status=job.outcome.status, result=job.outcome.result)


def publish_group(t: Tenant, name: str, *, publish_dependencies: bool = False, user: str | None = None,
                  wait: float = 0, plan_only: bool = False) -> PublishResult:
    """Publish the drafts staged in group ``name`` whole, and mark the group Published."""
    return publish(t, Selection(groups=(name.strip(),)), publish_dependencies=publish_dependencies, user=user,
                   wait=wait, plan_only=plan_only)


def run_due(t: Tenant, *, now: str | None = None, publish_dependencies: bool = False, user: str | None = None,
            wait: float = 0, plan_only: bool = False) -> PublishResult:
    """Publish every Scheduled group whose ScheduledOn ≤ ``now`` (default: the current time), in
    one job; a group that cannot be published whole stays Scheduled and its rows are Failed."""
    from toolkit.store.lock import utc_now

    at = parse_timestamp(now, "--now") if now is not None else utc_now()
    return publish(t, Selection(due=True, now=at), publish_dependencies=publish_dependencies, user=user, wait=wait,
                   plan_only=plan_only)
