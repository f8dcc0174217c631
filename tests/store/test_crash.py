"""SPEC §7 with real processes: a writer killed at any instant leaves the tenant as it was before or
as it is after, never between; two writers at once lose nothing.

The writer is ``tests/store/crasher.py`` (55 operations on 200 KB files). It is stopped two ways:
``OMM_CRASH_AFTER=<step>`` exits at every named step of a commit (deterministic), and SIGKILL at
delays spread over a measured commit (real). After each, ``recover`` must give exactly the
before or the after tree: every file hashed, nothing else present.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import PYTHON, REPO
from tests.store import crasher
from toolkit.store import CRASH_ENV, recover, tenant_writer
from toolkit.workspace import Tenant

OPERATIONS = crasher.FILES + crasher.DELETED


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file of the tenant, the store's own .omm/ left out."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.relative_to(root).parts[0] != ".omm"}


def crasher_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if k != CRASH_ENV} | (env or {})
    return subprocess.Popen([PYTHON, "-m", "tests.store.crasher", *args], cwd=REPO, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """(template tenant in its before state, before snapshot, after snapshot)."""
    base = tmp_path_factory.mktemp("crash")
    template = base / "before" / "t"
    crasher.setup_tenant(template)
    done = base / "after" / "t"
    shutil.copytree(template, done)
    with tenant_writer(Tenant("t", done), command="test") as txn:
        crasher.stage(txn)
    before, after = snapshot(template), snapshot(done)
    assert before != after and len(after) == len(before) - crasher.DELETED + (crasher.FILES - crasher.EXISTING)
    return template, before, after


def fresh(template: Path, tmp_path: Path, name: str = "t") -> Path:
    root = tmp_path / name
    shutil.copytree(template, root)
    return root


def pending(root: Path) -> list[str]:
    area = root / ".omm" / "txn"
    return sorted(p.name for p in area.iterdir()) if area.is_dir() else []


STEPS = [("staged", "before"), ("journal-written", "before"), ("committed", "after"), ("applied:1", "after"),
         (f"applied:{OPERATIONS // 2}", "after"), (f"applied:{OPERATIONS}", "after"), ("applied", "after"),
         ("journal-removed", "after")]


def test_crash_at_every_step_recovers_to_before_or_after(states, tmp_path: Path) -> None:
    template, before, after = states
    # One process per step, run side by side (they touch separate tenants) to keep the test quick.
    runs = {step: (fresh(template, tmp_path, f"step{n}"), outcome) for n, (step, outcome) in enumerate(STEPS)}
    procs = {step: crasher_process("commit", str(root), env={CRASH_ENV: step}) for step, (root, _) in runs.items()}
    for step, proc in procs.items():
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 137, (step, err)
    for step, (root, outcome) in runs.items():
        result = recover(root)
        assert snapshot(root) == (before if outcome == "before" else after), f"crash after {step}: mixed tenant"
        assert pending(root) == [], step
        # A committed journal is rolled forward; anything staged but not committed is rolled back.
        assert bool(result.rolled_forward) == (outcome == "after" and step != "journal-removed"), step
        assert recover(root) == type(result)(), step  # nothing left: a second recovery is a no-op


def test_crash_during_recovery_then_recover_again(states, tmp_path: Path) -> None:
    template, _, after = states
    root = fresh(template, tmp_path)
    first = crasher_process("commit", str(root), env={CRASH_ENV: "applied:10"})
    first.communicate(timeout=60)
    assert first.returncode == 137
    again = crasher_process("recover", str(root), env={CRASH_ENV: "applied:30"})  # recovery killed too
    again.communicate(timeout=60)
    assert again.returncode == 137
    assert recover(root).rolled_forward
    assert snapshot(root) == after and pending(root) == []


def _timed_commit(root: Path) -> float:
    proc = crasher_process("commit", str(root))
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    start = time.monotonic()
    proc.communicate(timeout=60)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - start


def test_sigkill_at_random_instants(states, tmp_path: Path) -> None:
    template, before, after = states
    duration = _timed_commit(fresh(template, tmp_path, "calibrate"))
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    fractions = [0.0, 0.5, 0.9, 1.0] + [rng.uniform(0, 1.1) for _ in range(3)]
    seen = []
    for n, fraction in enumerate(fractions):
        root = fresh(template, tmp_path, f"kill{n}")
        proc = crasher_process("commit", str(root))
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        recover(root)
        state = snapshot(root)
        assert state in (before, after), f"mixed tenant after SIGKILL at {fraction:.2f} of {duration:.3f}s (seed {seed})"
        assert pending(root) == []
        seen.append("before" if state == before else "after")
    assert "before" in seen, seen  # a kill right after start cannot have committed


# -- two writers ----------------------------------------------------------------------------------

def _omm(workspace: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMM_WORKSPACE", CRASH_ENV)}
    return subprocess.Popen([PYTHON, "-m", "toolkit", "--workspace", str(workspace), *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    from toolkit.tenants import init_tenant

    init_tenant(tmp_path, "shop")
    return tmp_path


def test_second_writer_fails_naming_the_holder_then_waits_and_nothing_is_lost(workspace: Path, tmp_path: Path) -> None:
    from toolkit.tenants import read_settings
    from toolkit.workspace import tenant

    release = tmp_path / "release"
    holder = crasher_process("hold", str(workspace), "shop", "WriterA", "a", str(release))
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    try:
        busy = _omm(workspace, "settings", "--tenant", "shop", "WriterB", "b")
        _, err = busy.communicate(timeout=60)
        assert busy.returncode == 2
        assert f"tenant shop is being changed by `crasher hold` (pid {holder.pid}, user " in err
        assert err.rstrip().endswith("wait for it or pass --wait SECONDS")
        waiter = _omm(workspace, "settings", "--tenant", "shop", "WriterB", "b", "--wait", "30")
        time.sleep(0.3)  # the waiter is blocked on the lock meanwhile
        assert waiter.poll() is None
    finally:
        release.touch()
    holder.communicate(timeout=60)
    assert holder.returncode == 0, holder.stderr
    _, err = waiter.communicate(timeout=60)
    assert waiter.returncode == 0, err
    values = dict(read_settings(tenant(workspace, "shop")).values)
    assert (values["WriterA"], values["WriterB"]) == ("a", "b")  # both changes, neither overwritten


def test_a_killed_holder_never_leaves_the_tenant_locked(workspace: Path, tmp_path: Path) -> None:
    from toolkit.tenants import read_settings, set_setting
    from toolkit.workspace import tenant

    holder = crasher_process("hold", str(workspace), "shop", "WriterA", "a", str(tmp_path / "never"))
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=60)
    t = tenant(workspace, "shop")
    assert set_setting(t, "After", "kill", wait=0).changed  # no stale lock, no waiting
    assert "WriterA" not in dict(read_settings(t).values)

