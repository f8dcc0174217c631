"""SPEC §7 for ``omm sync`` in real processes: a sync (worker threads resolving and writing side by
side) killed with SIGKILL at any instant of its work leaves the tenant's outputs as before (none)
or as after (exactly those of an uninterrupted sync), the job Interrupted or Succeeded, and the
next sync finishes the job; Ctrl-C while outputs are being written cancels cleanly.

The tenant is generated (1,500 masters: ~11k entities in three chunks, ~110 MB of outputs), so the
sync runs long enough (about a second) to be stopped while its outputs are being staged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import PYTHON, REPO
from toolkit.jobs import CANCELLED_NOTE, read_jobs
from toolkit.resolution import sync
from toolkit.store import CRASH_ENV, recover, tenant_lock
from toolkit.workspace import Tenant, tenant

TENANT = "big"
OUTPUT_PARTS = ("hq/media_assignments.tsv", "csu/", "search/")


def outputs(root: Path) -> dict[str, str]:
    """sync's outputs (hq, csu, search; not its state, whose file times differ between runs) by SHA-256."""
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and (rel := p.relative_to(root).as_posix()).startswith(OUTPUT_PARTS)}


def staged_files(root: Path) -> int:
    """Files staged by the transactions in progress (named by number; journals aside); 0 when a
    staging directory vanished while being counted (a commit finished meanwhile)."""
    try:
        return sum(1 for d in (root / ".omm/txn").iterdir() if d.is_dir() for p in d.iterdir() if p.name.isdigit())
    except FileNotFoundError:
        return 0


def job_running(root: Path) -> bool:
    log = root / "jobs/jobs.tsv"
    return log.is_file() and "\tInProgress\t" in log.read_text(encoding="utf-8")


def start_sync(ws: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMM_WORKSPACE", CRASH_ENV)}
    return subprocess.Popen([PYTHON, "-m", "toolkit", "--workspace", str(ws), "sync", "--tenant", TENANT],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_staging(proc: subprocess.Popen[str], root: Path) -> None:
    """Until the job's InProgress row is on disk and its outputs are being staged — or the process ended."""
    while proc.poll() is None and not (job_running(root) and staged_files(root) >= 1):
        time.sleep(0.002)
    assert proc.poll() is None, "the sync ended before its outputs were staged"


def sync_staging(template: Path, tmp_path: Path) -> tuple[Tenant, subprocess.Popen[str]]:
    """A copy of ``template`` and an ``omm sync`` of it that is staging its outputs."""
    ws = tmp_path / "ws"
    shutil.copytree(template, ws)
    t = tenant(ws, TENANT)
    proc = start_sync(ws)
    wait_for_staging(proc, t.root)
    return t, proc


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A workspace with the generated tenant (never synced), and the outputs a sync of it writes."""
    ws = tmp_path_factory.mktemp("sync-safety") / "ws"
    subprocess.run([PYTHON, "fixtures/generate.py", "tenant", "--masters", "1500", "-o", str(ws / "tenants" / TENANT)],
                   cwd=REPO, check=True, capture_output=True)
    reference = ws.parent / "reference"
    shutil.copytree(ws, reference)
    sync(tenant(reference, TENANT))
    after = outputs(reference / "tenants" / TENANT)
    assert len(after) == 5 and outputs(ws / "tenants" / TENANT) == {}
    return ws, after


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5])
def test_sigkill_during_a_sync_leaves_no_output_or_all_of_them(
        generated: tuple[Path, dict[str, str]], tmp_path: Path, delay: float) -> None:
    template, after = generated
    t, proc = sync_staging(template, tmp_path)
    root = t.root
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    with tenant_lock(t.root, t.id, command="test"):
        recover(t.root)  # what the next writer does first
    found = outputs(root)
    assert found in ({}, after), f"a mix of outputs after SIGKILL {delay}s into the work"
    if delay == 0.0:  # killed as the first output was being staged: long before the commit point
        assert found == {}
    (job,) = read_jobs(t)
    assert job.status == ("Succeeded" if found else "Interrupted")
    assert not (root / ".omm/txn").exists() or not any((root / ".omm/txn").iterdir())
    done = sync(t)  # the next sync completes the work
    assert done.status == "Succeeded" and outputs(root) == after
    assert [j.status for j in read_jobs(t)] == [job.status, "Succeeded"]


def test_ctrl_c_while_outputs_are_written_cancels_and_leaves_the_tenant_as_it_was(
        generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    template, after = generated
    t, proc = sync_staging(template, tmp_path)
    root = t.root
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err.strip()) == (130, "", "omm: interrupted")
    assert outputs(root) == {} and not any((root / ".omm/txn").iterdir())
    (job,) = read_jobs(t)
    assert (job.job_type, job.status, job.description) == ("Sync", "Cancelled", CANCELLED_NOTE)
    assert sync(t).status == "Succeeded" and outputs(root) == after
