"""The job runner and the job log (SPEC §4 jobs, §7): Succeeded / CompletedWithErrors / Failed /
Cancelled committed as documented, and a job whose process was killed with SIGKILL → Interrupted."""

from __future__ import annotations

import _thread
import hashlib
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import PYTHON, REPO, run_cli
from toolkit.errors import TenantBusyError, UsageError
from toolkit.jobs import (
    INTERRUPTED_NOTE,
    JobOutcome,
    JobRecord,
    find_job,
    job_files,
    list_jobs,
    new_job_id,
    read_jobs,
    run_job,
)
from toolkit.store import Transaction, tenant_lock
from toolkit.tenants import init_tenant
from toolkit.workspace import Tenant, tenant

JOB_ID = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
HEADER = ("JobId\tJobType\tTenant\tStatus\tCreatedOn\tStartedOn\tFinishedOn\tCreatedBy\tName\tDescription\t"
          "RowsTotal\tRowsSucceeded\tRowsFailed\tRowsSkipped\tResultPath\n")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    init_tenant(tmp_path, "t1")
    return tmp_path


def tree(root: Path, *, skip: tuple[str, ...] = (".omm/",)) -> dict[str, str]:
    """Every file of a tenant (relative path → SHA-256), ``skip`` prefixes aside."""
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and not (rel := p.relative_to(root).as_posix()).startswith(skip)}


def only_row(ws: Path) -> JobRecord:
    rows = read_jobs(tenant(ws, "t1"))
    assert len(rows) == 1
    return rows[0]


def test_job_id_is_sortable() -> None:
    a = new_job_id()
    assert JOB_ID.match(a)
    time.sleep(0.002)  # jobs of one tenant can start within the same second: still in order
    assert new_job_id() > a


def test_a_job_that_succeeds_commits_its_work_and_row_together(ws: Path) -> None:
    t = tenant(ws, "t1")
    with run_job(t, "import", name="spring  drop", user="ana", command="omm import") as job:
        assert JOB_ID.match(job.id)
        assert (t.root / "jobs" / job.id).is_dir()  # created with the InProgress row
        inside = only_row(ws)
        assert (inside.status, inside.finished_on, inside.created_by, inside.name) == ("InProgress", "", "ana",
                                                                                        "spring drop")
        with pytest.raises(TenantBusyError):  # the lock is held for the job's whole life
            with tenant_lock(t.root, t.id, wait=0):
                pass
        assert job.stage_bytes("input.tsv", b"in\n") == f"jobs/{job.id}/input.tsv"
        result = job.stage_bytes("result.tsv", b"out\n")
        job.txn.write_bytes("hq/extra.tsv", b"work\n")
        assert not (t.root / "hq/extra.tsv").exists()  # staged, not yet visible
        job.finish(total=3, succeeded=2, failed=0, skipped=1, result_path=result, description="imported 2")
    assert job.outcome is not None and job.result is not None
    assert job.outcome.to_dict() == {"job": job.id, "status": "Succeeded",
                                     "rows": {"total": 3, "succeeded": 2, "failed": 0, "skipped": 1},
                                     "result": f"jobs/{job.id}/result.tsv"}
    assert {c.path for c in job.result.changes} == {"hq/extra.tsv", "jobs/jobs.tsv", f"jobs/{job.id}/input.tsv",
                                                   f"jobs/{job.id}/result.tsv"}
    row = only_row(ws)
    assert STAMP.match(row.created_on) and STAMP.match(row.finished_on) and row.started_on == row.created_on
    assert row.to_dict() == {
        "JobId": job.id, "JobType": "Import", "Tenant": "t1", "Status": "Succeeded", "CreatedOn": row.created_on,
        "StartedOn": row.created_on, "FinishedOn": row.finished_on, "CreatedBy": "ana", "Name": "spring drop",
        "Description": "imported 2", "RowsTotal": "3", "RowsSucceeded": "2", "RowsFailed": "0", "RowsSkipped": "1",
        "ResultPath": f"jobs/{job.id}/result.tsv"}
    assert (t.root / "jobs/jobs.tsv").read_text() == HEADER + "\t".join(row.to_dict().values()) + "\n"
    assert (t.root / "hq/extra.tsv").read_bytes() == b"work\n"
    assert job_files(t, job.id) == ("input.tsv", "result.tsv")
    assert list((t.root / ".omm/txn").iterdir()) == []


@pytest.mark.parametrize(("counts", "status"), [
    ({"total": 4, "succeeded": 3, "failed": 1}, "CompletedWithErrors"),
    ({"total": 4, "succeeded": 0, "failed": 3, "skipped": 1}, "CompletedWithErrors"),
    ({"total": 4, "succeeded": 0, "failed": 4}, "Failed"),
    ({}, "Succeeded"),
])
def test_status_follows_the_counts(ws: Path, counts: dict[str, int], status: str) -> None:
    with run_job(tenant(ws, "t1"), "Publish") as job:
        job.txn.write_bytes("hq/extra.tsv", b"work\n")  # committed whatever the status: the rows that worked
        if counts:
            job.finish(**counts)
    assert job.outcome is not None and job.outcome.status == status == only_row(ws).status
    assert job.outcome.has_row_errors == bool(counts.get("failed"))
    assert (ws / "tenants/t1/hq/extra.tsv").is_file()


def test_a_job_that_raises_is_failed_and_its_work_discarded(ws: Path) -> None:
    t = tenant(ws, "t1")
    before = tree(t.root, skip=(".omm/", "jobs/"))
    with pytest.raises(RuntimeError, match="disk\\s+on fire"):
        with run_job(t, "sync", user="bo") as job:
            job.stage_bytes("plan.tsv", b"plan\n")
            job.txn.write_bytes("settings.tsv", b"Name\tValue\n")
            job.txn.delete("cms/media.tsv")
            raise RuntimeError("disk\n  on fire")
    assert tree(t.root, skip=(".omm/", "jobs/")) == before
    assert job_files(t, job.id) == ()
    assert (t.root / "jobs" / job.id).is_dir()
    row = only_row(ws)
    assert (row.status, row.description, row.rows_total, row.result_path) == (
        "Failed", "failed: RuntimeError: disk on fire", None, "")
    assert STAMP.match(row.finished_on)
    assert job.outcome == JobOutcome(job.id, "t1", "Failed")
    assert list((t.root / ".omm/txn").iterdir()) == []


def test_an_omm_error_is_described_by_its_message(ws: Path) -> None:
    with pytest.raises(UsageError):
        with run_job(tenant(ws, "t1"), "copy"):
            raise UsageError("no such channel OUN9", "map it with --map-channel")
    assert only_row(ws).description == "failed: no such channel OUN9 (map it with --map-channel)"


def test_ctrl_c_cancels_with_the_tenant_unchanged(ws: Path) -> None:
    t = tenant(ws, "t1")
    before = tree(t.root, skip=(".omm/", "jobs/"))
    with pytest.raises(KeyboardInterrupt):
        with run_job(t, "import") as job:
            job.stage_bytes("input.tsv", b"in\n")
            job.txn.write_bytes("cms/media.tsv", b"changed\n")
            job.finish(total=1, succeeded=1)
            raise KeyboardInterrupt
    assert tree(t.root, skip=(".omm/", "jobs/")) == before
    assert job_files(t, job.id) == ()
    row = only_row(ws)
    assert (row.status, row.description, row.rows_total) == (
        "Cancelled", "cancelled (Ctrl-C); the tenant was left unchanged", None)
    assert job.outcome is not None and job.outcome.to_dict() == {
        "job": job.id, "status": "Cancelled", "rows": {"total": None, "succeeded": None, "failed": None,
                                                       "skipped": None}, "result": None}
    with run_job(t, "import"):  # the lock was released
        pass


def _cancel_with_an_echo(t: Tenant, spin: int) -> None:
    """Ctrl-C a job while a second thread delivers the echo Polars can leave (pola-rs/polars#23988)
    ``spin`` loop turns later: wherever the echo lands in the unwinding, it must not stop the cancel."""
    go = threading.Event()

    def echo() -> None:
        go.wait()
        for _ in range(spin):
            pass
        _thread.interrupt_main()  # a no-op once the cancel ignores SIGINT

    helper = threading.Thread(target=echo)
    helper.start()
    try:
        with run_job(t, "import") as job:
            job.txn.write_bytes("cms/media.tsv", b"changed\n")
            go.set()
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    try:
        helper.join()  # an echo not delivered yet fires here at the latest
    except KeyboardInterrupt:
        helper.join()


def test_ctrl_c_echoed_while_the_cancel_is_recorded_still_cancels(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = tenant(ws, "t1")
    before = tree(t.root, skip=(".omm/", "jobs/"))
    discard = Transaction.discard

    def echoing_discard(self: Transaction) -> None:
        _thread.interrupt_main()  # the echo while the staged work is being removed
        discard(self)

    spins = [0, 10, 100, 1_000, 3_000, 10_000, 30_000, 100_000]
    for spin in spins:
        _cancel_with_an_echo(t, spin)
    monkeypatch.setattr(Transaction, "discard", echoing_discard)
    _cancel_with_an_echo(t, 0)
    assert {(r.status, r.description) for r in read_jobs(t)} == {(
        "Cancelled", "cancelled (Ctrl-C); the tenant was left unchanged")}
    assert len(read_jobs(t)) == len(spins) + 1 and tree(t.root, skip=(".omm/", "jobs/")) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_runner_refuses_bad_arguments(ws: Path) -> None:
    t = tenant(ws, "t1")
    with pytest.raises(UsageError, match="unknown job type 'frob'"):
        with run_job(t, "frob"):
            pass
    assert read_jobs(t) == ()
    with pytest.raises(UsageError, match="invalid job file name"):
        with run_job(t, "export") as job:
            job.file("../settings.tsv")
    assert only_row(ws).status == "Failed"


def test_list_and_find_across_tenants(ws: Path) -> None:
    init_tenant(ws, "t2")
    with run_job(tenant(ws, "t2"), "export") as j2:
        pass
    with run_job(tenant(ws, "t1"), "import") as j1:
        job_failed = j1.id
        j1.finish(total=1, failed=1)
    assert [(j.tenant, j.job_id) for j in list_jobs(ws)] == [("t1", job_failed), ("t2", j2.id)]
    assert [j.job_id for j in list_jobs(ws, "t2")] == [j2.id]
    assert [j.job_id for j in list_jobs(ws, status="failed")] == [job_failed]
    assert list_jobs(ws, "t2", "Failed") == ()
    assert find_job(ws, j2.id)[0].id == "t2"
    with pytest.raises(UsageError, match=f"no job '{j2.id}' in tenant t1"):
        find_job(ws, j2.id, "t1")
    with pytest.raises(UsageError, match="unknown job status 'Nope'"):
        list_jobs(ws, status="Nope")


def test_unknown_columns_of_the_log_survive(ws: Path) -> None:
    t = tenant(ws, "t1")
    (t.root / "jobs/jobs.tsv").write_text(HEADER.rstrip("\n") + "\tTicket\n"
                                          "old-1\tExport\tt1\tSucceeded" + "\t" * 11 + "\tOPS-7\n")
    with run_job(t, "export") as job:
        pass
    text = (t.root / "jobs/jobs.tsv").read_text()
    assert text.splitlines()[0] == HEADER.rstrip("\n") + "\tTicket"
    assert text.splitlines()[1].startswith(job.id + "\t") and text.splitlines()[1].endswith("\t")  # sorted by id
    assert text.splitlines()[2] == "old-1\tExport\tt1\tSucceeded" + "\t" * 11 + "\tOPS-7"


def test_a_reader_sees_a_running_job_as_in_progress_and_a_dead_one_as_interrupted(ws: Path) -> None:
    t = tenant(ws, "t1")
    with run_job(t, "import") as job:
        assert [j.status for j in read_jobs(t)] == ["InProgress"]  # the lock is held: it is running
    # A row left InProgress by a process that died (no lock held):
    text = (t.root / "jobs/jobs.tsv").read_text().replace("\tSucceeded\t", "\tInProgress\t")
    (t.root / "jobs/jobs.tsv").write_text(text)
    assert [j.status for j in read_jobs(t)] == ["Interrupted"]
    assert (t.root / "jobs/jobs.tsv").read_text() == text  # the reader writes nothing
    with run_job(t, "export") as nxt:
        assert nxt.interrupted == 1
    rows = {j.job_id: j for j in read_jobs(t)}
    assert rows[job.id].status == "Interrupted" and rows[nxt.id].status == "Succeeded"
    assert rows[job.id].description == INTERRUPTED_NOTE


def test_a_job_killed_with_sigkill_shows_interrupted_and_the_next_job_runs(ws: Path) -> None:
    t = tenant(ws, "t1")
    with run_job(t, "export", user="ana") as first:  # an earlier job, to see that it is left alone
        first.finish(total=1, succeeded=1)
    before = tree(t.root, skip=(".omm/", "jobs/jobs.tsv"))
    proc = subprocess.Popen([PYTHON, "-m", "tests.jobs_crasher", str(ws), "t1"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("started "), proc.stderr.read() if proc.stderr else line
        job_id = line.split()[1]
        # The InProgress row is committed and the work staged; the job is really running now:
        assert {j.job_id: j.status for j in read_jobs(t)} == {first.id: "Succeeded", job_id: "InProgress"}
        assert any((t.root / ".omm/txn").iterdir())
        with pytest.raises(TenantBusyError, match=r"omm import \(crasher\)"):
            with run_job(t, "import"):
                pass
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    # The tenant's other files are as before (the job's own directory is there, empty).
    assert tree(t.root, skip=(".omm/", "jobs/jobs.tsv")) == before
    assert (t.root / "jobs" / job_id).is_dir() and job_files(t, job_id) == ()
    logged = (t.root / "jobs/jobs.tsv").read_text()
    assert "\tInProgress\t" in logged  # on disk it still says InProgress …
    shown = {j.job_id: j for j in read_jobs(t)}
    assert shown[job_id].to_dict() == {  # … but nobody holds the lock: it is shown Interrupted
        "JobId": job_id, "JobType": "Import", "Tenant": "t1", "Status": "Interrupted",
        "CreatedOn": shown[job_id].created_on, "StartedOn": shown[job_id].created_on, "FinishedOn": "",
        "CreatedBy": "crasher", "Name": "doomed", "Description": "", "RowsTotal": "", "RowsSucceeded": "",
        "RowsFailed": "", "RowsSkipped": "", "ResultPath": ""}
    code, out, err = run_cli(["--workspace", ws, "jobs", "--tenant", "t1", "--format", "json"])
    assert (code, json.loads(out), err) == (0, [first.record.to_dict(), shown[job_id].to_dict()], "")
    code, out, err = run_cli(["--workspace", ws, "jobs", "--status", "interrupted"])
    assert (code, err) == (0, "") and out.splitlines()[1].split()[:4] == ["t1", job_id, "Import", "Interrupted"]
    assert (t.root / "jobs/jobs.tsv").read_text() == logged
    # The next job takes the free lock at once, rolls the staged work back and records Interrupted.
    with run_job(t, "import", wait=0) as nxt:
        assert nxt.interrupted == 1
        nxt.finish(total=0, succeeded=0)
    assert nxt.txn.recovered.rolled_back  # the killed job's staged work
    rows = {j.job_id: j for j in read_jobs(t)}
    assert [rows[i].status for i in (first.id, job_id, nxt.id)] == ["Succeeded", "Interrupted", "Succeeded"]
    assert STAMP.match(rows[job_id].finished_on) and rows[job_id].description == INTERRUPTED_NOTE
    assert tree(t.root, skip=(".omm/", "jobs/jobs.tsv")) == before
    assert list((t.root / ".omm/txn").iterdir()) == []
