"""Shared data and helpers of the publishing tests (tenant contoso-dev, see fixtures/README.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from tests.helpers import WORKSPACE
from toolkit import checkout
from toolkit.jobs import read_jobs
from toolkit.tsv import read_manifest, write_manifest
from toolkit.workspace import Tenant, tenant

STATE = "EntityAssignmentCurrentPublishState"
WHITE_BACK = "0879034e-ab69-4d30-b238-7d1e14518049"  # Draft only, never published; used by alice's 81120 draft
BLACK_FRONT = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"  # Published v1 and a newer Draft v2
URL = "https://cms.contoso.example/media"
NEUTRAL = "system_neutral"
JEANS_SETS = [
    ("Product|DimensionMatrix", "93039|Color:Black", "", NEUTRAL, "", "1", 2),
    ("Product|DimensionMatrix", "93039|Color:Blue", "", NEUTRAL, "", "1", 2),
    ("Product|Master", "93039", "", NEUTRAL, "", "2", 4),
    ("Product|Master", "93039", "OUN00001", "en-us", "", "1", 3),
    ("Product|Master", "93039", "OUN00003", "fr-fr", "", "1", 3),
    ("Product|Master|Swatch", "93039|Color|Black", "", NEUTRAL, "", "1", 1),
    ("Product|Master|Swatch", "93039|Color|Blue", "", NEUTRAL, "", "1", 1),
    ("Product|Variant", "93039-006", "", NEUTRAL, "", "1", 2),
]


def copy_workspace(tmp_path: Path) -> Path:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tmp_path / "ws"


def fixture_tenant(tmp_path: Path) -> Tenant:
    return tenant(copy_workspace(tmp_path), "contoso-dev")


def snapshot(t: Tenant) -> dict[str, bytes]:
    """Every file of the tenant (the lock directory aside), for "nothing changed" checks."""
    return {p.relative_to(t.root).as_posix(): p.read_bytes() for p in sorted(t.root.rglob("*"))
            if p.is_file() and ".omm" not in p.relative_to(t.root).parts}


def rows(t: Tenant, rel: str = "cms/assignments.tsv") -> pl.DataFrame:
    return read_manifest(t.path(rel)).frame


def draft(t: Tenant, *entities: str) -> None:
    """Give each entity checked-in drafts: copies of its published sets, as ``omm checkout`` then
    ``omm checkin`` make them (written directly, without the two jobs, to keep the tests fast)."""
    frame = rows(t)
    mask = pl.lit(False)
    for entity in entities:
        mask = mask | checkout.entity_mask(t, frame, entity)
    is_draft = pl.col(STATE) == "Draft"
    has_draft = is_draft.any().over(["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"])
    copies = frame.filter(mask & ~is_draft & ~has_draft).with_columns(pl.lit("Draft").alias(STATE))
    write_manifest(pl.concat([frame, copies]), t.path("cms/assignments.tsv"), "assignments")


def release(t: Tenant) -> None:
    """Check in alice's draft of 81120 (directly, as ``omm checkin`` would)."""
    edit(t, pl.col("CheckedOutBy") == "alice", CheckedOutBy=None)


def edit(t: Tenant, where: pl.Expr, **values: str | None) -> None:
    """Set columns of the assignment rows ``where`` selects (an edit of a draft, made directly)."""
    frame = rows(t)
    write_manifest(frame.with_columns(pl.when(where).then(pl.lit(v, pl.String)).otherwise(pl.col(c)).alias(c)
                                      for c, v in values.items()), t.path("cms/assignments.tsv"), "assignments")


def last_job(t: Tenant) -> str:
    return read_jobs(t)[-1].job_id


def jeans(frame: pl.DataFrame) -> pl.DataFrame:
    key = pl.col("EntityKeyValue")
    return frame.filter((key == "93039") | key.str.starts_with("93039|") | (key == "93039-006"))
