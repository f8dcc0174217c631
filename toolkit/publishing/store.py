"""What publishing reads of a tenant (assignments, media, publish groups, settings) and how it
stages what it changes in a job's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from toolkit.errors import UsageError, WorkspaceError
from toolkit.importing.set_rules import SET, set_id
from toolkit.importing.values import prune_columns, with_columns
from toolkit.kinds import get_kind
from toolkit.publishing.model import ASSIGNMENTS, DEPENDENCIES, GROUPS, MEDIA
from toolkit.tsv import manifest_bytes, read_manifest

if TYPE_CHECKING:
    from toolkit.jobs import Job
    from toolkit.workspace import Tenant

GROUP_COLUMNS = ("PublishGroup", "Description", "ScheduledOn", "Status", DEPENDENCIES)


@dataclass(frozen=True)
class Frames:
    """The tenant's store as publishing sees it: every schema column present (``__set`` added to
    the assignments), and the columns each file really has, so that writing adds none it lacks."""

    tenant: Tenant
    assignments: pl.DataFrame
    assignment_columns: tuple[str, ...]
    media: pl.DataFrame
    media_columns: tuple[str, ...]
    groups: pl.DataFrame
    group_columns: tuple[str, ...]
    base_url: str | None


def _read(t: Tenant, rel: str, kind: str, required: bool) -> pl.DataFrame | None:
    path = t.path(rel)
    if path.is_file():
        return read_manifest(path, kind).frame
    if required:
        raise WorkspaceError(f"tenant {t.id!r} has no {rel}", f"restore it, or create the tenant again with "
                             f"omm tenant init {t.id} in a new workspace")
    return None


def read_groups(t: Tenant) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """``cms/publish_groups.tsv`` with every column publishing uses (an absent file: no groups),
    and the columns the file has."""
    groups = _read(t, GROUPS, "publish_groups", False)
    frame = groups if groups is not None else pl.DataFrame(schema={c: pl.String for c in GROUP_COLUMNS[:4]})
    return with_columns(frame, GROUP_COLUMNS), tuple(frame.columns)


def read_frames(t: Tenant) -> Frames:
    from toolkit.tenants import read_settings

    assignments = _read(t, ASSIGNMENTS, "assignments", True)
    media = _read(t, MEDIA, "assets", True)
    assert assignments is not None and media is not None
    groups, group_columns = read_groups(t)
    base = read_settings(t).get("CmsBaseUrl")
    return Frames(t, with_columns(assignments, get_kind("assignments").column_names).with_columns(set_id()),
                  tuple(assignments.columns), with_columns(media, get_kind("assets").column_names),
                  tuple(media.columns), groups, group_columns, base.rstrip("/") if base else None)


def check_omnichannel(t: Tenant, what: str) -> None:
    """Refuse assignment authoring while the tenant's OmnichannelContent flag is off (SPEC §6)."""
    from toolkit.tenants import read_settings

    if not read_settings(t).flag("OmnichannelContent"):
        raise UsageError(f"tenant {t.id}: OmnichannelContent is off, so assignment authoring ({what}) is refused",
                         f"turn it on with: omm settings --tenant {t.id} OmnichannelContent true")


def catalog(t: Tenant, rel: str, kind: str, why: str) -> pl.DataFrame:
    frame = _read(t, rel, kind, False)
    if frame is None:
        raise WorkspaceError(f"tenant {t.id!r} has no {rel}", why)
    return frame


def assignment_bytes(frames: Frames, frame: pl.DataFrame) -> bytes:
    """``cms/assignments.tsv`` for ``frame``: the file's own columns, plus new ones that hold a value."""
    return manifest_bytes(prune_columns(frame.drop(SET, strict=False), list(frames.assignment_columns)),
                          "assignments")


def media_bytes(frames: Frames, frame: pl.DataFrame) -> bytes:
    return manifest_bytes(prune_columns(frame, list(frames.media_columns)), "assets")


def stage_groups(job: Job, columns: tuple[str, ...], frame: pl.DataFrame) -> None:
    """Stage ``cms/publish_groups.tsv`` (the file's ``columns``, plus new ones that hold a value)."""
    job.txn.write_bytes(GROUPS, manifest_bytes(prune_columns(frame, list(columns)), "publish_groups"))
