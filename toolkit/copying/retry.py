"""Retrying a Copy job (``omm jobs retry ID``, SPEC §6): the copy again, from what the job saved.

A copy changes the destination all or nothing, so a Copy job that did not finish (Failed,
Interrupted, Cancelled) changed nothing, and its retry is the whole copy again: a new Copy job
named ``retry of <id>``, confirmed (as with ``--yes``), with the options saved with the job
(``jobs/<id>/options.json``) and its channel and locale mapping as it was resolved then — so the
map files need not still be where they were, nor the retry run from the same directory. The plan
is computed afresh: the tenants may have changed since. A plan-only job (``--plan``) saves its
plan again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.copying.job import CopyResult, run_copy, save_plan
from toolkit.copying.options import CopyOptions
from toolkit.copying.snapshot import Progress
from toolkit.errors import UsageError
from toolkit.jobs import JOBS_DIR, JobRecord
from toolkit.workspace import Tenant

OPTIONS = "options.json"


def _saved(t: Tenant, job_id: str) -> dict[str, Any]:
    path = t.root / JOBS_DIR / job_id / OPTIONS
    try:
        saved = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise UsageError(f"job {job_id} has no saved {OPTIONS}, so it cannot be retried",
                         "run omm copy again") from None
    except ValueError:
        saved = None
    if not isinstance(saved, dict) or not isinstance(saved.get("options"), dict):
        raise UsageError(f"job {job_id}'s {OPTIONS} is damaged, so it cannot be retried", "run omm copy again")
    return saved


def _pairs(mapping: object) -> tuple[str, ...]:
    """``SOURCE=DESTINATION`` options (``SOURCE=`` removes) of a saved mapping; a value mapped to
    itself needs none (the destination has it, so it maps to itself by default)."""
    if not isinstance(mapping, dict):
        return ()
    return tuple(f"{src}={dst or ''}" for src, dst in sorted(mapping.items()) if dst != src)


def saved_options(t: Tenant, record: JobRecord) -> tuple[CopyOptions, bool]:
    """(the options to copy again with, whether the job only saved a plan) of Copy job ``record`` of ``t``."""
    saved = _saved(t, record.job_id)
    options = saved["options"]
    try:
        opts = CopyOptions(str(options["source"]), t.id, str(options["on_conflict"]), str(options["versions"]),
                           map_channel=_pairs(saved.get("channels")), map_locale=_pairs(saved.get("locales")),
                           user=options.get("user"))
    except KeyError as exc:
        raise UsageError(f"job {record.job_id}'s {OPTIONS} has no {exc.args[0]}, so it cannot be retried",
                         "run omm copy again") from None
    return opts.checked(), saved.get("plan_only") is True


def retry_copy(workspace: Path, t: Tenant, record: JobRecord, *, wait: float = 0,
               on_progress: Progress | None = None) -> CopyResult:
    """Run Copy job ``record`` (of destination ``t``, known to be retryable) again as a new job."""
    opts, plan_only = saved_options(t, record)
    name = f"retry of {record.job_id}"
    if plan_only:
        return save_plan(workspace, opts, wait=wait, on_progress=on_progress, name=name)
    return run_copy(workspace, opts, wait=wait, on_progress=on_progress, name=name)
