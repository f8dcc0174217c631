"""``omm sync``: whole stdout, stderr and exit code; JSON equal to ``to_dict()``; the settings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import WORKSPACE
from toolkit.jobs import read_jobs
from toolkit.workspace import tenant

FILES = ["hq/media_assignments.tsv", "csu/OUN00001/media_assignments.tsv", "csu/OUN00002/media_assignments.tsv",
         "csu/OUN00003/media_assignments.tsv", "search/default_images.tsv"]
ROWS = [378, 98, 64, 92, 200]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tmp_path / "ws"


def omm(run_cli, ws: Path, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run_cli(["--workspace", ws, *args])


def last_job(ws: Path) -> str:
    return read_jobs(tenant(ws, "contoso-dev"))[-1].job_id


def table(change: str) -> str:
    return "".join(f"{p:<34}  {n:>8} rows  {change}\n" for p, n in zip(FILES, ROWS, strict=True))


def test_sync_then_sync_again(run_cli, ws: Path) -> None:
    code, out, err = omm(run_cli, ws, "sync", "--tenant", "contoso-dev")
    assert (code, out, err) == (0, table("created"), f"sync contoso-dev --to all: job {last_job(ws)} Succeeded — full "
                                f"(no previous sync state), 23 of 23 products and categories recomputed; 5 of 5 files "
                                f"changed\n")
    code, out, err = omm(run_cli, ws, "sync", "--tenant", "contoso-dev")
    assert (code, out, err) == (0, table("unchanged"), f"sync contoso-dev --to all: job {last_job(ws)} Succeeded — "
                                "incremental, 0 of 23 products and categories recomputed; 0 of 5 files changed\n")
    code, out, err = omm(run_cli, ws, "--quiet", "sync", "--tenant", "contoso-dev", "--full")
    assert (code, out, err) == (0, table("unchanged"), "")


def test_json(run_cli, ws: Path) -> None:
    code, out, err = omm(run_cli, ws, "sync", "--tenant", "contoso-dev", "--to", "hq", "--format", "json")
    job = last_job(ws)
    assert (code, err) == (0, f"sync contoso-dev --to hq: job {job} Succeeded — full (no previous sync state), 23 of 23 "
                              "products and categories recomputed; 1 of 1 files changed\n")
    assert json.loads(out) == {
        "job": job, "status": "Succeeded", "rows": {"total": 378, "succeeded": 378, "failed": 0, "skipped": 0},
        "result": "hq/media_assignments.tsv", "tenant": "contoso-dev", "to": "hq", "mode": "full",
        "reason": "no previous sync state", "entities": {"total": 23, "recomputed": 23},
        "files": [{"path": "hq/media_assignments.tsv", "rows": 378, "change": "created"}], "not_synced": []}
    job_row = read_jobs(tenant(ws, "contoso-dev"))[-1]
    assert (job_row.job_type, job_row.name, job_row.result_path, job_row.description) == (
        "Sync", "sync --to hq", "hq/media_assignments.tsv",
        "sync --to hq (full: no previous sync state): 23 of 23 entities recomputed, 378 rows")


def test_csu_media_locations_off(run_cli, ws: Path) -> None:
    assert omm(run_cli, ws, "settings", "--tenant", "contoso-dev", "CsuMediaLocations", "off")[0] == 0
    code, out, err = omm(run_cli, ws, "sync", "--tenant", "contoso-dev")
    assert (code, out) == (0, "hq/media_assignments.tsv       378 rows  created\n")
    assert err == (f"sync contoso-dev --to all: job {last_job(ws)} Succeeded — full (no previous sync state), 23 of 23 "
                   "products and categories recomputed; 1 of 1 files changed\n"
                   "CsuMediaLocations is off: stopped at HQ, csu and search left untouched (turn it on with: omm "
                   "settings --tenant contoso-dev CsuMediaLocations true)\n")
    assert not (ws / "tenants/contoso-dev/csu").exists()
    assert omm(run_cli, ws, "sync", "--tenant", "contoso-dev", "--to", "csu") == (
        2, "", "omm: error: tenant contoso-dev: CsuMediaLocations is off, so sync stops at HQ and leaves csu untouched "
               "(turn it on with: omm settings --tenant contoso-dev CsuMediaLocations true)\n")


def test_usage_errors(run_cli, ws: Path) -> None:
    assert omm(run_cli, ws, "sync", "--tenant", "nope") == (
        2, "", f"omm: error: no tenant 'nope' in {ws} (create it with: omm tenant init nope)\n")
    assert omm(run_cli, ws, "sync", "--tenant", "contoso-dev", "--to", "csu") == (
        2, "", "omm: error: tenant contoso-dev has no hq/media_assignments.tsv to sync from "
               "(run: omm sync --tenant contoso-dev --to hq)\n")
    assert read_jobs(tenant(ws, "contoso-dev")) == read_jobs(tenant(WORKSPACE, "contoso-dev"))  # refused before a job
