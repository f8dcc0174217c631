"""``omm jobs retry`` of Copy jobs (SPEC §6, issue 6: the copy job is retryable): a copy killed in a
real process shows Interrupted and its retry — a new job from the options and mapping it saved —
leaves the destination exactly as an uninterrupted copy; a finished copy, and jobs of types that
are not retried, are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.copying.copy_data import files
from tests.copying.crasher import TXN_ENV
from tests.copying.test_crash import FIXTURE_ARGS, MAPS, start
from tests.helpers import WORKSPACE
from toolkit.copying import CopyOptions, run_copy
from toolkit.jobs import read_jobs, run_job
from toolkit.store import CRASH_ENV
from toolkit.workspace import tenant

PROD = "contoso-prod"


def killed(ws: Path, args: tuple[str, ...], step: str = "journal-written") -> str:
    """Run ``omm ARGS`` in ``ws`` in a real process that exits at ``step`` of its second commit (the
    work), before the commit point; the id of the job it left."""
    proc = start(ws, args, {CRASH_ENV: step, TXN_ENV: "2"})
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 137, err
    return read_jobs(tenant(ws, PROD))[-1].job_id


def shown(run_cli, ws: Path) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(["--workspace", ws, "jobs", "--tenant", PROD, "--format", "json"])
    assert code == 0, err
    return {j["JobId"]: j for j in json.loads(out)}


@pytest.fixture(scope="module")
def after(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """contoso-prod after the fixture copy ran uninterrupted (jobs/ aside)."""
    done = tmp_path_factory.mktemp("done") / "ws"
    shutil.copytree(WORKSPACE, done)
    run_copy(done, CopyOptions("contoso-dev", PROD, "replace", "all", (str(MAPS / "channel-map-dev-to-prod.tsv"),),
                               (str(MAPS / "locale-map-dev-to-prod.tsv"),)))
    return files(tenant(done, PROD), jobs=False)


def test_a_killed_copy_shows_interrupted_and_its_retry_completes_it(run_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   after: dict[str, bytes]) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    # The map files are gone by the time of the retry: it copies with the mapping the job saved.
    maps = tmp_path / "maps"
    maps.mkdir()
    args = list(FIXTURE_ARGS)
    for flag in ("--channel-map", "--locale-map"):
        i = args.index(flag) + 1
        args[i] = str(shutil.copy(args[i], maps))
    before = files(tenant(ws, PROD), jobs=False)
    job_id = killed(ws, tuple(args))
    shutil.rmtree(maps)
    assert shown(run_cli, ws)[job_id]["Status"] == "Interrupted"
    assert files(tenant(ws, PROD), jobs=False) == before

    code, out, err = run_cli(["--workspace", ws, "jobs", "retry", job_id, "--format", "json"], cwd=tmp_path)
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "Succeeded" and result["job"] != job_id
    assert result["result"] == f"jobs/{result['job']}/plan.tsv"
    assert files(tenant(ws, PROD), jobs=False) == after
    jobs = shown(run_cli, ws)
    assert (jobs[job_id]["Status"], jobs[result["job"]]["Status"]) == ("Interrupted", "Succeeded")
    assert (jobs[result["job"]]["JobType"], jobs[result["job"]]["Name"]) == ("Copy", f"retry of {job_id}")
    saved = json.loads((ws / "tenants" / PROD / "jobs" / result["job"] / "options.json").read_text())
    assert saved["options"]["map_channel"] and not saved["options"]["channel_maps"]

    # The retry is a job of its own, finished: retrying it is refused.
    code, _, err = run_cli(["--workspace", ws, "jobs", "retry", result["job"]])
    assert code == 2 and f"job {result['job']} is Succeeded" in err and "nothing to retry" in err


def test_retry_of_a_succeeded_copy_is_refused_and_changes_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    code, out, err = run_cli(["--workspace", ws, *FIXTURE_ARGS, "--format", "json"])
    assert code == 0, err
    job_id = json.loads(out)["job"]
    before = files(tenant(ws, PROD))
    code, out, err = run_cli(["--workspace", ws, "jobs", "retry", job_id])
    assert (code, out) == (2, "")
    assert f"job {job_id} is Succeeded; only Failed, Interrupted, CompletedWithErrors, Cancelled jobs can be " \
           "retried" in err
    assert files(tenant(ws, PROD)) == before


def test_a_killed_plan_only_copy_is_retried_as_a_plan(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    plan_args = tuple(a for a in FIXTURE_ARGS if a != "--yes") + ("--plan",)
    before = files(tenant(ws, PROD), jobs=False)
    job_id = killed(ws, plan_args, step="committed")  # past the commit point: recovered as Succeeded
    code, _, err = run_cli(["--workspace", ws, "jobs", "retry", job_id])
    assert code == 2 and "is Succeeded" in err  # the recovery the retry runs first finished it

    job_id = killed(ws, plan_args)
    code, out, err = run_cli(["--workspace", ws, "jobs", "retry", job_id, "--format", "json"])
    assert code == 0, err
    retried = json.loads(out)["job"]
    assert files(tenant(ws, PROD), jobs=False) == before  # a plan changes no content
    assert (ws / "tenants" / PROD / "jobs" / retried / "plan.tsv").is_file()
    job = shown(run_cli, ws)[retried]
    assert (job["Status"], job["Name"]) == ("Succeeded", f"retry of {job_id}")
    assert job["Description"].startswith("plan only, nothing copied")


def test_jobs_of_other_types_are_not_retried(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    with pytest.raises(RuntimeError), run_job(tenant(ws, PROD), "Sync", name="broken", command="test"):
        raise RuntimeError("disk full")
    job_id = read_jobs(tenant(ws, PROD))[-1].job_id
    code, _, err = run_cli(["--workspace", ws, "jobs", "retry", job_id])
    assert code == 2
    assert f"job {job_id} is a Sync job; only Import and Copy jobs can be retried" in err
    assert "run the sync command again" in err
