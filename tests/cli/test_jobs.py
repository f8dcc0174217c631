"""``omm jobs`` and ``omm jobs show``: whole outputs, JSON equal to ``to_dict()``, Interrupted shown, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.jobs import read_jobs, run_job
from toolkit.store import tenant_lock
from toolkit.tenants import init_tenant
from toolkit.workspace import tenant

HEADER = ("JobId\tJobType\tTenant\tStatus\tCreatedOn\tStartedOn\tFinishedOn\tCreatedBy\tName\tDescription\t"
          "RowsTotal\tRowsSucceeded\tRowsFailed\tRowsSkipped\tResultPath\n")
T1 = ("20261122T100000Z-aaaaaa\tImport\tt1\tCompletedWithErrors\t2026-11-22T10:00:00Z\t2026-11-22T10:00:00Z\t"
      "2026-11-22T10:00:05Z\tana\tspring\t\t3\t2\t1\t0\tjobs/20261122T100000Z-aaaaaa/result.tsv\n"
      "20261122T110000Z-bbbbbb\tPublish\tt1\tInProgress\t2026-11-22T11:00:00Z\t2026-11-22T11:00:00Z\t\tbo\t\t\t\t\t\t\t\n")
T2 = "20261121T090000Z-cccccc\tExport\tt2\tFailed\t2026-11-21T09:00:00Z\t2026-11-21T09:00:00Z\t2026-11-21T09:00:01Z\tbo\t\tfailed: disk full\t\t\t\t\t\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    for t, rows in (("t1", T1), ("t2", T2)):
        init_tenant(tmp_path, t)
        (tmp_path / "tenants" / t / "jobs/jobs.tsv").write_text(HEADER + rows)
    job = tmp_path / "tenants/t1/jobs/20261122T100000Z-aaaaaa"
    (job / "sub").mkdir(parents=True)
    for name in ("input.tsv", "result.tsv", "sub/plan.tsv"):
        (job / name).write_text("x\n")
    return tmp_path


def jobs(run_cli, ws: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["--workspace", ws, "jobs", *args])


def test_list_every_tenant_text(run_cli, ws: Path) -> None:
    # The InProgress job's process is gone (nobody holds t1's lock): it shows Interrupted.
    assert jobs(run_cli, ws) == (0, (
        "tenant  job                      type     status               created               finished"
        "              rows t/s/f/k  name\n"
        "t1      20261122T100000Z-aaaaaa  Import   CompletedWithErrors  2026-11-22T10:00:00Z  2026-11-22T10:00:05Z"
        "  3/2/1/0       spring\n"
        "t1      20261122T110000Z-bbbbbb  Publish  Interrupted          2026-11-22T11:00:00Z  -"
        "                     -/-/-/-\n"
        "t2      20261121T090000Z-cccccc  Export   Failed               2026-11-21T09:00:00Z  2026-11-21T09:00:01Z"
        "  -/-/-/-\n"), "")
    assert (ws / "tenants/t1/jobs/jobs.tsv").read_text() == HEADER + T1  # a reader writes nothing


def test_a_running_job_shows_in_progress(run_cli, ws: Path) -> None:
    t = tenant(ws, "t1")
    with tenant_lock(t.root, t.id):  # a live writer holds the lock: the job is really running
        code, out, _ = jobs(run_cli, ws, "--tenant", "t1", "--status", "inprogress", "--format", "json")
    assert code == 0 and [j["JobId"] for j in json.loads(out)] == ["20261122T110000Z-bbbbbb"]


def test_list_json_equals_to_dict(run_cli, ws: Path) -> None:
    code, out, err = jobs(run_cli, ws, "--tenant", "t1", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [j.to_dict() for j in read_jobs(tenant(ws, "t1"))] == [
        {"JobId": "20261122T100000Z-aaaaaa", "JobType": "Import", "Tenant": "t1", "Status": "CompletedWithErrors",
         "CreatedOn": "2026-11-22T10:00:00Z", "StartedOn": "2026-11-22T10:00:00Z",
         "FinishedOn": "2026-11-22T10:00:05Z", "CreatedBy": "ana", "Name": "spring", "Description": "",
         "RowsTotal": "3", "RowsSucceeded": "2", "RowsFailed": "1", "RowsSkipped": "0",
         "ResultPath": "jobs/20261122T100000Z-aaaaaa/result.tsv"},
        {"JobId": "20261122T110000Z-bbbbbb", "JobType": "Publish", "Tenant": "t1", "Status": "Interrupted",
         "CreatedOn": "2026-11-22T11:00:00Z", "StartedOn": "2026-11-22T11:00:00Z", "FinishedOn": "",
         "CreatedBy": "bo", "Name": "", "Description": "", "RowsTotal": "", "RowsSucceeded": "", "RowsFailed": "",
         "RowsSkipped": "", "ResultPath": ""}]


def test_filter_by_status(run_cli, ws: Path) -> None:
    code, out, _ = jobs(run_cli, ws, "--status", "FAILED", "--format", "json")
    assert (code, [j["JobId"] for j in json.loads(out)]) == (0, ["20261121T090000Z-cccccc"])
    assert jobs(run_cli, ws, "--tenant", "t2", "--status", "Succeeded") == (
        0, "", "no jobs with status Succeeded in tenant t2\n")
    assert jobs(run_cli, ws, "--status", "Succeeded", "--format", "json") == (0, "[]\n", "")
    code, out, err = jobs(run_cli, ws, "--status", "Done")
    assert (code, out) == (2, "") and "'Done' is not one of" in err


def test_show_text_lists_the_files(run_cli, ws: Path) -> None:
    assert jobs(run_cli, ws, "show", "20261122T100000Z-aaaaaa") == (0, (
        "JobId          20261122T100000Z-aaaaaa\n"
        "JobType        Import\n"
        "Tenant         t1\n"
        "Status         CompletedWithErrors\n"
        "CreatedOn      2026-11-22T10:00:00Z\n"
        "StartedOn      2026-11-22T10:00:00Z\n"
        "FinishedOn     2026-11-22T10:00:05Z\n"
        "CreatedBy      ana\n"
        "Name           spring\n"
        "Description\n"
        "RowsTotal      3\n"
        "RowsSucceeded  2\n"
        "RowsFailed     1\n"
        "RowsSkipped    0\n"
        "ResultPath     jobs/20261122T100000Z-aaaaaa/result.tsv\n"
        "files in jobs/20261122T100000Z-aaaaaa/:\n"
        "  input.tsv\n"
        "  result.tsv\n"
        "  sub/plan.tsv\n"), "")
    code, out, _ = jobs(run_cli, ws, "show", "20261121T090000Z-cccccc", "--tenant", "t2")
    assert code == 0 and out.endswith("Description    failed: disk full\n" + "".join(
        f"{c}\n" for c in ("RowsTotal", "RowsSucceeded", "RowsFailed", "RowsSkipped", "ResultPath"))
        + "files in jobs/20261121T090000Z-cccccc/: none\n")


def test_show_json_equals_to_dict(run_cli, ws: Path) -> None:
    t = tenant(ws, "t2")
    with run_job(t, "copy", name="to prod", user="cy") as job:
        job.finish(total=5, succeeded=5, failed=0, skipped=0)
    code, out, err = jobs(run_cli, ws, "show", job.id, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == job.record.to_dict() == next(j for j in read_jobs(t) if j.job_id == job.id).to_dict()
    assert json.loads(out)["Status"] == "Succeeded"


def test_show_unknown_id(run_cli, ws: Path) -> None:
    assert jobs(run_cli, ws, "show", "nope", "--tenant", "t1") == (
        2, "", "omm: error: no job 'nope' in tenant t1 (omm jobs --tenant t1 lists the jobs)\n")
    assert jobs(run_cli, ws, "show", "20261121T090000Z-cccccc", "--tenant", "t1")[0] == 2
    code, out, err = jobs(run_cli, ws, "show", "nope")
    assert (code, out) == (2, "") and err == f"omm: error: no job 'nope' in any tenant of {ws} (omm jobs lists the jobs)\n"


def test_unknown_tenant(run_cli, ws: Path) -> None:
    code, out, err = jobs(run_cli, ws, "--tenant", "t9")
    assert (code, out) == (2, "") and "no tenant 't9'" in err


def test_empty_workspace(run_cli, tmp_path: Path) -> None:
    assert run_cli(["--workspace", tmp_path, "jobs"]) == (0, "", "no jobs\n")
    assert run_cli(["--workspace", tmp_path, "jobs", "--format", "json"]) == (0, "[]\n", "")


def test_show_help_has_an_example(run_cli) -> None:
    code, out, _ = run_cli(["jobs", "show", "--help"])
    assert code == 0 and out.startswith("Usage: omm jobs show [OPTIONS] ID") and "Examples:" in out
