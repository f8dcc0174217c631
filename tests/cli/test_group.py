"""``omm group create|add|schedule|publish|run-due|list``: whole outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.publishing.data import STATE, copy_workspace, draft, edit, last_job, release, snapshot
from toolkit.workspace import Tenant, tenant

JEANS = ("Product|DimensionMatrix\t93039|Color:Black\tOmnichannel/system_neutral\n"
         "Product|DimensionMatrix\t93039|Color:Blue\tOmnichannel/system_neutral\n"
         "Product|Master\t93039\tOmnichannel/system_neutral\n"
         "Product|Master\t93039\tOUN00001/en-us\n"
         "Product|Master\t93039\tOUN00003/fr-fr\n"
         "Product|Master|Swatch\t93039|Color|Black\tOmnichannel/system_neutral\n"
         "Product|Master|Swatch\t93039|Color|Blue\tOmnichannel/system_neutral\n"
         "Product|Variant\t93039-006\tOmnichannel/system_neutral\n")
LIST = ("spring-2025\tOpen\t-\t1 set\tSpring 2025 t-shirt refresh\n"
        "summer-launch\tScheduled\t2025-06-01T07:00:00Z\t0 sets\tSummer 2025 denim launch\n")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path)


@pytest.fixture
def t(ws: Path) -> Tenant:
    return tenant(ws, "contoso-dev")


def omm(run_cli, ws: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["--workspace", ws, "group", *args, "--tenant", "contoso-dev"])


def test_create_add_schedule_list(run_cli, ws: Path, t: Tenant) -> None:
    assert omm(run_cli, ws, "list") == (0, LIST, "")
    code, out, err = omm(run_cli, ws, "create", "autumn", "--description", "Autumn launch")
    assert (code, out, err) == (0, "autumn\tOpen\t-\t0 sets\tAutumn launch\n",
                                f"tenant contoso-dev: created publish group autumn (job {last_job(t)})\n")
    draft(t, "93039")
    code, out, err = omm(run_cli, ws, "add", "autumn", "93039", "--user", "bob")
    assert (code, out, err) == (0, JEANS, f"tenant contoso-dev: staged 8 sets (18 draft rows) in publish group autumn "
                                          f"(8 sets in it now) (job {last_job(t)})\n")
    assert omm(run_cli, ws, "add", "autumn", "93039") == (
        0, "", "tenant contoso-dev: the drafts are already in publish group autumn; nothing changed\n")
    code, out, err = omm(run_cli, ws, "schedule", "autumn", "--at", "2025-09-01T08:00:00+02:00")
    assert (code, out, err) == (0, "autumn\tScheduled\t2025-09-01T06:00:00Z\t8 sets\tAutumn launch\n",
                                f"tenant contoso-dev: scheduled publish group autumn (8 sets) for 2025-09-01T06:00:00Z "
                                f"(job {last_job(t)})\n")
    code, out, err = omm(run_cli, ws, "list", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)[0] == {"PublishGroup": "autumn", "Description": "Autumn launch",
                                  "ScheduledOn": "2025-09-01T06:00:00Z", "Status": "Scheduled", "sets": 8,
                                  "PublishDependencies": False}


def test_refusals_exit_2(run_cli, ws: Path, t: Tenant) -> None:
    before = snapshot(t)
    assert omm(run_cli, ws, "schedule", "spring-2025", "--at", "2025-04-01T08:00:00Z") == (
        2, "", "omm: error: tenant contoso-dev: group spring-2025 cannot be published: Product|Master 81120 "
               "(Omnichannel/system_neutral) checked out by alice; it was not scheduled (check the drafts in first "
               "(omm checkin ENTITY --tenant contoso-dev --user USER))\n")
    assert omm(run_cli, ws, "create", "spring-2025") == (
        2, "", "omm: error: publish group spring-2025 already exists in tenant contoso-dev (pick another name, or stage "
               "drafts in it: omm group add spring-2025 ENTITY --tenant contoso-dev)\n")
    assert omm(run_cli, ws, "publish", "spring-2025") == (
        2, "", "omm: error: tenant contoso-dev: group spring-2025 cannot be published: Product|Master 81120 "
               "(Omnichannel/system_neutral) checked out by alice; nothing was published (check the drafts in first "
               "(omm checkin ENTITY --tenant contoso-dev --user USER))\n")
    assert snapshot(t) == before


def test_publish_a_group(run_cli, ws: Path, t: Tenant) -> None:
    release(t)
    code, out, err = omm(run_cli, ws, "publish", "spring-2025", "--publish-dependencies", "--no-sync")
    job = last_job(t)
    assert (code, out.splitlines()[0], out.splitlines()[-1]) == (
        0, "publish\tProduct|Master\t81120\tOmnichannel/system_neutral\tversion 3", "group\tspring-2025\tPublished")
    assert err == (f"tenant contoso-dev (group spring-2025): published 1 set (3 rows) and 1 asset row, publish group "
                   f"spring-2025 → Published (job {job} Succeeded)\nresult manifest: tenants/contoso-dev/jobs/{job}/"
                   "result.tsv\n")
    assert omm(run_cli, ws, "publish", "spring-2025") == (
        0, "", "tenant contoso-dev: nothing to publish: publish group spring-2025 is already published\n")


def test_run_due_past_and_future(run_cli, ws: Path, t: Tenant) -> None:
    draft(t, "93039", "category:C110")
    omm(run_cli, ws, "create", "past")
    omm(run_cli, ws, "create", "future")
    omm(run_cli, ws, "add", "past", "category:C110")
    omm(run_cli, ws, "add", "future", "93039")
    omm(run_cli, ws, "schedule", "past", "--at", "2025-01-01T00:00:00Z")
    omm(run_cli, ws, "schedule", "future", "--at", "2099-01-01T00:00:00Z")
    code, out, err = omm(run_cli, ws, "run-due", "--now", "2026-01-01T00:00:00Z", "--no-sync")
    job = last_job(t)
    assert (code, out) == (0, "publish\tCategory\tC110\tOUN00001/system_neutral\tversion 1\n"
                              "group\tpast\tPublished\ngroup\tsummer-launch\tPublished\n")
    assert err.splitlines()[0] == (f"tenant contoso-dev (groups due by 2026-01-01T00:00:00Z): published 1 set (1 row), "
                                   f"publish groups past, summer-launch → Published (job {job} Succeeded)")
    assert omm(run_cli, ws, "list") == (0, "future\tScheduled\t2099-01-01T00:00:00Z\t8 sets\n"
                                           "past\tPublished\t2025-01-01T00:00:00Z\t0 sets\n"
                                           "spring-2025\tOpen\t-\t1 set\tSpring 2025 t-shirt refresh\n"
                                           "summer-launch\tPublished\t2025-06-01T07:00:00Z\t0 sets\tSummer 2025 denim "
                                           "launch\n", "")
    assert omm(run_cli, ws, "run-due", "--now", "2026-01-01T00:00:00Z") == (
        0, "", "tenant contoso-dev: nothing to publish: no publish group is due by 2026-01-01T00:00:00Z\n")
    edit(t, (pl.col("PublishGroup") == "future") & (pl.col(STATE) == "Draft"), CheckedOutBy="dave")
    code, out, err = omm(run_cli, ws, "run-due", "--now", "2099-01-01T00:00:00Z", "--format", "json")
    result = json.loads(out)
    assert (code, result["status"], result["rows"], result["groups"], len(result["failed"])) == (
        3, "Failed", {"total": 18, "succeeded": 0, "failed": 18, "skipped": 0}, [], 8)
    assert err.splitlines()[0].startswith("tenant contoso-dev (groups due by 2099-01-01T00:00:00Z): published 0 sets "
                                          "(0 rows), failed 8 sets (groups that cannot be published whole stay "
                                          "Scheduled)")
