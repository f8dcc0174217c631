"""SPEC §7 for ``omm copy``: a copy killed at any instant leaves the destination as it was before or
as it is after (its content: jobs/ aside, where the job shows Interrupted or Succeeded), never between.

Stopped two ways, always in a real process: an exit at each named step of either commit of the
job (the store's crash seam, ``OMM_CRASH_AFTER``, aimed at one commit by ``tests.copying.crasher``),
and SIGKILL at instants spread over the job's work and commit.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.copying.copy_data import files
from tests.copying.crasher import TXN_ENV
from tests.helpers import FIXTURES, PYTHON, REPO, WORKSPACE
from toolkit.copying import CopyOptions, run_copy
from toolkit.jobs import read_jobs
from toolkit.store import CRASH_ENV, recover, tenant_lock
from toolkit.tenants import init_tenant
from toolkit.workspace import tenant

MAPS = FIXTURES / "manifests"
FIXTURE_ARGS = ("copy", "--from", "contoso-dev", "--to", "contoso-prod", "--on-conflict", "replace", "--versions",
                "all", "--channel-map", str(MAPS / "channel-map-dev-to-prod.tsv"), "--locale-map",
                str(MAPS / "locale-map-dev-to-prod.tsv"), "--yes")
BIG_ARGS = ("copy", "--from", "big", "--to", "empty", "--on-conflict", "latest", "--versions", "all", "--yes",
            "--format", "json")  # the plan goes to stderr, so stdout starts with "working"
# (transaction, step, outcome): 1 = the InProgress row, 2 = the work with the final row (27 operations).
# Every step of a commit is proven by tests/store/test_crash.py; these are the two sides of each commit point.
STEPS = [(1, "committed", "before"), (2, "journal-written", "before"), (2, "committed", "after"),
         (2, "applied:14", "after"), (2, "journal-removed", "after")]


def start(ws: Path, args: tuple[str, ...], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("OMM_WORKSPACE", CRASH_ENV, TXN_ENV)} | (env or {})
    return subprocess.Popen([PYTHON, "-m", "tests.copying.crasher", "--workspace", str(ws), *args], cwd=REPO,
                            env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def settle(ws: Path, tenant_id: str) -> tuple[dict[str, bytes], str]:
    """What the next writer finds: (the tenant's files after recovery, jobs/ aside; the job's status)."""
    t = tenant(ws, tenant_id)
    with tenant_lock(t.root, t.id, command="test"):
        recover(t.root)
    assert not (t.root / ".omm" / "txn").exists() or not any((t.root / ".omm" / "txn").iterdir())
    statuses = [j.status for j in read_jobs(t)]
    return files(t, jobs=False), statuses[-1] if statuses else "none"


def test_an_exit_at_every_step_of_both_commits_leaves_prod_before_or_after(tmp_path: Path) -> None:
    before = files(tenant(WORKSPACE, "contoso-prod"), jobs=False)
    done = tmp_path / "done"
    shutil.copytree(WORKSPACE, done)
    run_copy(done, CopyOptions("contoso-dev", "contoso-prod", "replace", "all", (str(MAPS / "channel-map-dev-to-prod.tsv"),),
                               (str(MAPS / "locale-map-dev-to-prod.tsv"),)))
    after = files(tenant(done, "contoso-prod"), jobs=False)
    assert after != before
    runs = {}
    for n, (txn, step, outcome) in enumerate(STEPS):  # side by side: they touch separate workspaces
        ws = tmp_path / f"step{n}"
        shutil.copytree(WORKSPACE, ws)
        runs[(txn, step)] = (ws, outcome, start(ws, FIXTURE_ARGS, {CRASH_ENV: step, TXN_ENV: str(txn)}))
    for (txn, step), (ws, outcome, proc) in runs.items():
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 137, (txn, step, err)
        state, status = settle(ws, "contoso-prod")
        assert state == (before if outcome == "before" else after), f"mixed tenant after {step} of commit {txn}"
        assert status == ("Interrupted" if outcome == "before" else "Succeeded"), (txn, step)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with a generated tenant ``big`` (about 3,000 asset and 3,000 assignment rows)
    and ``empty``, a new tenant with big's channels, settings and catalog."""
    ws = tmp_path_factory.mktemp("big") / "ws"
    subprocess.run([PYTHON, "fixtures/generate.py", "tenant", "--masters", "150", "-o", str(ws / "tenants/big")],
                   cwd=REPO, check=True, capture_output=True)
    init_tenant(ws, "empty")
    for rel in ("channels.tsv", "settings.tsv", "hq/products.tsv", "hq/categories.tsv"):
        shutil.copyfile(ws / "tenants/big" / rel, ws / "tenants/empty" / rel)
    return ws


def kill_after(ws: Path, delay: float) -> None:
    """Start the copy in ``ws`` and SIGKILL it ``delay`` seconds after its work began."""
    proc = start(ws, BIG_ARGS)
    assert proc.stdout is not None
    if proc.stdout.readline() == "working\n":
        time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=120)


def test_sigkill_during_the_copy_leaves_the_destination_before_or_after(big: Path, tmp_path: Path) -> None:
    before = files(tenant(big, "empty"), jobs=False)
    done = tmp_path / "done"
    shutil.copytree(big, done)
    began = time.monotonic()
    run_copy(done, CopyOptions("big", "empty", "latest", "all"))
    duration = time.monotonic() - began  # planning, staging and committing: an upper bound of the work
    after = files(tenant(done, "empty"), jobs=False)
    seed = random.randrange(1 << 30)
    fractions = [0.0, 0.3, 0.6, 1.0, *(random.Random(seed).uniform(0, 1.2) for _ in range(2))]
    killers = []
    for n, fraction in enumerate(fractions):  # side by side, each in its own workspace
        shutil.copytree(big, tmp_path / f"kill{n}")
        killers.append(threading.Thread(target=kill_after, args=(tmp_path / f"kill{n}", duration * fraction)))
        killers[-1].start()
    for thread in killers:
        thread.join(timeout=180)
    seen = []
    for n, fraction in enumerate(fractions):
        state, status = settle(tmp_path / f"kill{n}", "empty")
        assert state in (before, after), f"mixed tenant after SIGKILL at {fraction:.2f} of {duration:.3f}s (seed {seed})"
        outcome = "before" if state == before else "after"
        assert status == ("Interrupted" if outcome == "before" else "Succeeded"), (fraction, seed)
        seen.append(outcome)
    assert seen[0] == "before", seen  # killed as its work began: nothing was committed
