"""SPEC §6 ``omm import`` / ``omm jobs`` and §7 with real processes: a large asset import killed
at any instant (SIGKILL, or an exit at a named step of either of its two commits) leaves the tenant
as before or as after, shows as Interrupted and can be retried; two imports at once lose nothing; a
writer that finds the tenant busy fails at once naming the holder; Ctrl-C cancels cleanly.

The data (``import_data``): ROWS new assets over IMAGES distinct PNGs, unique display names. The
tenant starts with a small earlier import, so "before" is not an empty tenant. Ids and timestamps
differ between runs, so an interrupted tenant is compared with an uninterrupted import through
:func:`summary`: every file byte for byte (blobs included) except cms/media.tsv, and media.tsv
by row count and content with ids and times left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import PYTHON, REPO
from tests.importing.import_data import TXN_ENV, write_manifest, write_media
from toolkit.jobs import CANCELLED_NOTE, INTERRUPTED_NOTE, read_jobs
from toolkit.store import CRASH_ENV, recover, tenant_lock
from toolkit.tsv import read_manifest
from toolkit.workspace import Tenant

ROWS = 8_000    # the large import
IMAGES = 300    # distinct binaries it stores
TENANT = "t"
# Columns of cms/media.tsv that differ between two runs of the same import (random ids, clock).
VOLATILE = ("InternalMediaId", "MediaPublishedURL", "MediaCreatedOn", "MediaLastModifiedOn", "MediaPublishedOn")


# -- helpers ----------------------------------------------------------------------------------------

def tree(root: Path, *, skip: tuple[str, ...] = (".omm/",)) -> dict[str, str]:
    """Every file under ``root`` (relative path → SHA-256), paths starting with ``skip`` left out."""
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file() and not (rel := p.relative_to(root).as_posix()).startswith(skip)}


def media_frame(root: Path) -> pl.DataFrame:
    return read_manifest(root / "cms/media.tsv", "assets").frame


def summary(root: Path) -> dict[str, object]:
    """What must be equal between two tenants that ran the same imports (ids and times aside)."""
    media = media_frame(root)
    stable = media.drop(VOLATILE)
    digest = hashlib.sha256(stable.sort(stable.columns, nulls_last=True).write_csv(separator="\t").encode()).hexdigest()
    return {"files": tree(root, skip=(".omm/", "jobs/", "cms/media.tsv")), "media_rows": media.height,
            "media_ids": media.get_column("InternalMediaId").n_unique(), "media": digest}


def strip_jobs(snapshot: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snapshot.items() if not k.startswith("jobs/")}


def env_without(**extra: str) -> dict[str, str]:
    """The test's environment without the variables that would steer ``omm``, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("OMM_WORKSPACE", CRASH_ENV, TXN_ENV)}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def start(ws: Path, *args: str, env: dict[str, str] | None = None, module: str = "toolkit",
          cwd: Path = REPO) -> subprocess.Popen[str]:
    """``omm --workspace WS ARGS`` as a real process (``module`` may be the crash-seam runner)."""
    return subprocess.Popen([PYTHON, "-m", module, "--workspace", str(ws), *args], cwd=cwd,
                            env=env_without(**(env or {})), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def omm(ws: Path, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    proc = start(ws, *args, cwd=cwd)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def jobs_shown(ws: Path) -> dict[str, dict[str, str]]:
    """``omm jobs --tenant t --format json`` (a reader: it recovers nothing), by JobId."""
    done = omm(ws, "jobs", "--tenant", TENANT, "--format", "json")
    assert done.returncode == 0, done.stderr
    return {j["JobId"]: j for j in json.loads(done.stdout)}


def import_args(manifest: Path, media: Path, *more: str) -> list[str]:
    return ["import", str(manifest), "--tenant", TENANT, "--media-dir", str(media), "--format", "json", *more]


def root_of(ws: Path) -> Path:
    return ws / "tenants" / TENANT


@dataclass(frozen=True)
class Data:
    base: Path
    media: Path
    big: Path           # ROWS rows, "Big n"
    nxt: Path           # 40 rows, "Next n": the import run after each kill
    template: Path      # a workspace whose tenant holds an earlier import ("Old n")
    before: dict[str, str]
    before_jobs: frozenset[str]
    after: dict[str, object]      # summary of template + big, uninterrupted
    final: dict[str, object]      # summary of template + big + next
    t_job: float        # seconds from the process start until its InProgress row is on disk
    t_end: float        # seconds from the process start until it exits

    def workspace(self, name: str) -> Path:
        ws = self.base / "runs" / name
        shutil.copytree(self.template, ws)
        return ws


def timed_import(ws: Path, manifest: Path, media: Path) -> tuple[float, float]:
    """Run an uninterrupted import; (seconds until its InProgress row is committed, until it exits)."""
    log = root_of(ws) / "jobs/jobs.tsv"
    t0 = time.monotonic()
    proc = start(ws, *import_args(manifest, media))
    t_job = None
    while proc.poll() is None:
        if t_job is None and "\tInProgress\t" in log.read_text(encoding="utf-8"):
            t_job = time.monotonic() - t0
        time.sleep(0.005)
    t_end = time.monotonic() - t0
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert json.loads(out)["rows"] == {"total": ROWS, "succeeded": ROWS, "failed": 0, "skipped": 0}
    assert t_job is not None
    return t_job, t_end


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    base = tmp_path_factory.mktemp("import-safety")
    media = base / "media"
    images = write_media(media, IMAGES, seed=1)
    old_images = [p.replace("images/", "old/") for p in write_media(base / "old-media", 20, seed=2)]
    shutil.copytree(base / "old-media/images", media / "old")
    big = write_manifest(base / "big.tsv", ROWS, images, prefix="Big")
    nxt = write_manifest(base / "next.tsv", 40, images[::7], prefix="Next")
    old = write_manifest(base / "old.tsv", 50, old_images, prefix="Old")

    template = base / "template"
    assert omm(template, "tenant", "init", TENANT).returncode == 0
    done = omm(template, *import_args(old, media))
    assert done.returncode == 0, done.stderr
    root = root_of(template)
    before = tree(root)
    before_jobs = frozenset(j.job_id for j in read_jobs(Tenant(TENANT, root)))

    ref = base / "reference"
    shutil.copytree(template, ref)
    t_job, t_end = timed_import(ref, big, media)
    after = summary(root_of(ref))
    assert (after["media_rows"], after["media_ids"]) == (50 + ROWS, 50 + ROWS)
    assert sum(k.startswith("cms/blobs/") for k in after["files"]) == 20 + IMAGES  # type: ignore[union-attr]
    assert strip_jobs(before) != strip_jobs(tree(root_of(ref)))
    done = omm(ref, *import_args(nxt, media))
    assert done.returncode == 0, done.stderr
    final = summary(root_of(ref))
    return Data(base, media, big, nxt, template, before, before_jobs, after, final, t_job, t_end)


# -- 1. killed at any instant -------------------------------------------------------------------------

@dataclass
class Killed:
    label: str
    ws: Path
    proc: subprocess.Popen[str]


def kill_after(data: Data, label: str, delay: float) -> Killed:
    ws = data.workspace(label)
    proc = start(ws, *import_args(data.big, data.media))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return Killed(label, ws, proc)


def crash_at(data: Data, txn: int, step: str) -> Killed:
    """Exit (137, no cleanup) at ``step`` of the import's ``txn``-th commit: 1 = the InProgress row
    with the saved input (``OMM_CRASH_AFTER`` as is), 2 = the work with the final row (through the
    runner of ``import_data``, which lets the first commit pass)."""
    label = f"txn{txn}-{step.replace(':', '')}"
    ws = data.workspace(label)
    if txn == 1:
        proc = start(ws, *import_args(data.big, data.media), env={CRASH_ENV: step})
    else:
        proc = start(ws, *import_args(data.big, data.media), env={CRASH_ENV: step, TXN_ENV: str(txn)},
                     module="tests.importing.import_data")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 137, (label, err)
    return Killed(label, ws, proc)


def verify_killed(data: Data, killed: Killed) -> tuple[str, str | None]:
    """Every check of SPEC §7 on a killed import; returns ("before" | "after", status the reader
    showed for the job right after the kill, None when no job row was visible)."""
    label, ws, root = killed.label, killed.ws, root_of(killed.ws)
    raw = tree(root)
    # What the next writer will find: recover a copy (the real tenant keeps its leftovers for the
    # real `omm import` below to complete or roll back).
    copy = data.base / "recovered" / label
    shutil.copytree(root, copy)
    recover(copy)
    recovered = tree(copy)
    assert not any((copy / ".omm/txn").iterdir()), label
    new_jobs = [j for j in read_jobs(Tenant(TENANT, copy)) if j.job_id not in data.before_jobs]
    assert len(new_jobs) <= 1, (label, new_jobs)
    job_id = new_jobs[0].job_id if new_jobs else None

    if strip_jobs(recovered) == strip_jobs(data.before):
        outcome = "before"
        # Before the commit point of the work nothing outside .omm/ and jobs/ was touched at all.
        assert strip_jobs(raw) == strip_jobs(data.before), f"{label}: tenant touched without a commit"
        added = {k for k in recovered if k not in data.before or recovered[k] != data.before[k]}
        allowed = {"jobs/jobs.tsv"} | ({f"jobs/{job_id}/input.tsv", f"jobs/{job_id}/options.json"} if job_id else set())
        assert added <= allowed and not (set(data.before) - set(recovered)), (label, added)
        if job_id:
            assert (copy / f"jobs/{job_id}/input.tsv").read_bytes() == data.big.read_bytes(), label
        else:
            assert recovered == data.before, label  # no job row: not even the log changed
    else:
        outcome = "after"
        assert summary(copy) == data.after, f"{label}: tenant neither as before nor as after the import"
        assert job_id is not None and {f"jobs/{job_id}/{f}" for f in ("input.tsv", "options.json", "result.tsv")} \
            <= set(recovered), label

    # The reader's view right after the kill (no recovery): a job it shows is Interrupted, unless it
    # finished. (A job killed past its commit point but before jobs.tsv is applied is shown
    # Interrupted here; see test_retry_of_a_job_killed_past_its_commit_point_imports_nothing_twice.)
    shown = jobs_shown(ws)
    assert set(shown) - data.before_jobs <= ({job_id} if job_id else set()), (label, shown)
    reader = shown[job_id]["Status"] if job_id in shown else None
    if outcome == "before" and reader is not None:
        assert reader == "Interrupted", (label, reader)
    assert reader in (None, "Interrupted", "Succeeded"), (label, reader)

    # The next import runs at once (no stale lock), completing or rolling back what was left.
    done = omm(ws, *import_args(data.nxt, data.media))
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "Succeeded", (label, done.stderr)
    assert not any((root / ".omm/txn").iterdir()), label
    if job_id is not None:
        row = {j.job_id: j for j in read_jobs(Tenant(TENANT, root))}[job_id].to_dict()
        if outcome == "before":  # now recorded so on disk too
            assert (row["Status"], row["Description"]) == ("Interrupted", INTERRUPTED_NOTE), (label, row)
            assert row["FinishedOn"] and row["RowsTotal"] == "", (label, row)
        else:
            assert (row["Status"], row["RowsSucceeded"]) == ("Succeeded", str(ROWS)), (label, row)

    # Retry the interrupted job (or, when the kill came before any job row, import again).
    if outcome == "before":
        again = omm(ws, "jobs", "retry", job_id, "--tenant", TENANT, "--format", "json") if job_id \
            else omm(ws, *import_args(data.big, data.media))
        assert again.returncode == 0, (label, again.stderr)
        result = json.loads(again.stdout)
        assert (result["status"], result["rows"]["succeeded"]) == ("Succeeded", ROWS), (label, result)
    else:  # it finished: nothing to retry, and the refusal changes nothing
        kept = tree(root)
        again = omm(ws, "jobs", "retry", job_id, "--tenant", TENANT)
        assert again.returncode == 2 and "is Succeeded" in again.stderr, (label, again.stderr)
        assert tree(root) == kept, label
    assert summary(root) == data.final, f"{label}: after the next import and the retry"
    return outcome, reader


def test_import_killed_at_any_instant_is_before_or_after_then_interrupted_and_retried(data: Data) -> None:
    # SIGKILL at instants spread over a measured uninterrupted run: one while the process starts
    # (before any job row), the rest spread between its InProgress row and its exit.
    window = data.t_end - data.t_job
    delays = [data.t_job * 0.5] + [data.t_job + f * window for f in (0.1, 0.5, 0.9)]
    killed = [kill_after(data, f"sigkill-{n}-{d:.2f}s", d) for n, d in enumerate(delays)]
    # Exits at named steps: right after the commit point of the first commit (the InProgress row),
    # and in the work's commit: just before its commit point, right after it, after the first of
    # its ~300 operations, after removing the journal.
    steps = [(1, "committed"), (2, "journal-written"), (2, "committed"), (2, "applied:1"), (2, "journal-removed")]
    timing = f"(uninterrupted: InProgress row at {data.t_job:.2f}s, exit at {data.t_end:.2f}s)"
    with ThreadPoolExecutor(max_workers=2) as pool:
        crashed = list(pool.map(lambda s: crash_at(data, *s), steps))
        outcomes = dict(zip([k.label for k in killed + crashed],
                            pool.map(lambda k: verify_killed(data, k), killed + crashed), strict=True))
    print(timing, *(f"{k}: {v}" for k, v in outcomes.items()), sep="\n")  # shown with -s, or on failure
    expected = {"txn1-committed": "before", "txn2-journal-written": "before", "txn2-committed": "after",
                "txn2-applied1": "after", "txn2-journal-removed": "after"}
    assert {k: outcomes[k][0] for k in expected} == expected, timing
    # A kill during start-up, or early in the work, cannot have committed.
    assert outcomes[killed[0].label][0] == outcomes[killed[1].label][0] == "before", (outcomes, timing)


def test_retry_of_a_job_killed_past_its_commit_point_imports_nothing_twice(data: Data, tmp_path: Path) -> None:
    """A job killed after the commit point of its work, before jobs.tsv is applied, did happen (the
    next writer rolls it forward and records it Succeeded). A retry must not import its rows again.

    KeepBoth with a source id makes the harm visible: each re-imported row is a second asset."""
    ws = data.workspace("keepboth")
    manifest = tmp_path / "keepboth.tsv"
    write_manifest(manifest, 20, [f"images/p{i:04d}.png" for i in range(20)], prefix="Kept")
    frame = read_manifest(manifest, "assets").frame.with_columns(
        pl.lit("KeepBoth").alias("MediaSourceIfExistsAction"), pl.lit("dam").alias("MediaSourceProvider"),
        pl.format("kept-{}", pl.int_range(0, pl.len())).alias("MediaSourceId"))
    manifest.write_text(frame.write_csv(separator="\t", quote_style="never"), encoding="utf-8")
    proc = start(ws, *import_args(manifest, data.media), env={CRASH_ENV: "committed", TXN_ENV: "2"},
                 module="tests.importing.import_data")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 137, err
    job_id = next(j for j in jobs_shown(ws) if j not in data.before_jobs)
    retried = omm(ws, "jobs", "retry", job_id, "--tenant", TENANT, "--format", "json")
    kept = media_frame(root_of(ws)).filter(pl.col("MediaSourceProvider") == "dam")
    assert jobs_shown(ws)[job_id]["Status"] == "Succeeded"  # rolled forward by the retry's own recovery
    assert kept.height == 20, (f"the committed job's 20 rows were imported again by `omm jobs retry` "
                               f"({kept.height} assets; retry said: {retried.stdout or retried.stderr})")
    assert retried.returncode == 2 and "is Succeeded" in retried.stderr, retried


def test_the_next_command_even_a_reader_finds_a_killed_job_completed(data: Data, tmp_path: Path) -> None:
    """SPEC §7: a killed job leaves the tenant before or after, "never between"; its example
    mechanism is "a journal that the next command completes or rolls back". Killed after the first
    operation of its work commit, the import has replaced cms/media.tsv but none of its blobs nor
    jobs.tsv are in place yet: a reader run next (export, validate, jobs) must not see that."""
    ws = data.workspace("reader-next")
    proc = start(ws, *import_args(data.nxt, data.media), env={CRASH_ENV: "applied:1", TXN_ENV: "2"},
                 module="tests.importing.import_data")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 137, err
    out = tmp_path / "assets.tsv"
    done = omm(ws, "export", "--tenant", TENANT, "assets", "-o", str(out))
    assert done.returncode == 0, done.stderr
    exported = read_manifest(out, "assets").frame
    blobs = {k.rsplit("/", 1)[1] for k in tree(root_of(ws)) if k.startswith("cms/blobs/")}
    missing = exported.filter(~pl.col("MediaChecksum").is_in(list(blobs))).height
    assert missing == 0, f"omm export gave {exported.height} assets, {missing} of them without their binary"
    (job_id,) = set(shown := jobs_shown(ws)) - data.before_jobs
    assert shown[job_id]["Status"] == "Succeeded", shown[job_id]


def test_retry_reads_the_media_dir_the_job_was_given_not_one_relative_to_the_current_directory(
        data: Data, tmp_path: Path) -> None:
    """``--media-dir`` is relative to where ``omm import`` ran; a retry started elsewhere must still
    read the same directory (jobs/<id>/options.json saves it as given)."""
    ws = data.workspace("relative")
    project = tmp_path / "project"
    (project / "pics/images").mkdir(parents=True)
    for i in range(3):
        shutil.copy(data.media / f"images/p{i:04d}.png", project / "pics/images")
    write_manifest(project / "in.tsv", 4, [f"images/p{i:04d}.png" for i in range(4)], prefix="Rel")  # p0003 missing
    done = omm(ws, "import", "in.tsv", "--tenant", TENANT, "--media-dir", "pics", cwd=project)
    assert done.returncode == 3, done.stderr  # 3 succeeded, 1 FileNotFound
    job_id = next(j for j in jobs_shown(ws) if j not in data.before_jobs)
    shutil.copy(data.media / "images/p0003.png", project / "pics/images")  # fixed
    retried = omm(ws, "jobs", "retry", job_id, "--tenant", TENANT, "--format", "json", cwd=tmp_path)
    assert retried.returncode == 0, retried.stderr
    assert json.loads(retried.stdout)["rows"]["succeeded"] == 1


# -- 2. two writers at once -------------------------------------------------------------------------

def test_two_imports_at_once_both_succeed_and_nothing_is_lost(data: Data, tmp_path: Path) -> None:
    ws = data.workspace("two-writers")
    images = [f"images/p{i:04d}.png" for i in range(IMAGES)]
    a = write_manifest(tmp_path / "a.tsv", 4000, images[:200], prefix="Alpha")
    b = write_manifest(tmp_path / "b.tsv", 4000, images[100:], prefix="Beta")
    procs = [start(ws, *import_args(m, data.media, "--wait", "120")) for m in (a, b)]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert json.loads(out)["rows"] == {"total": 4000, "succeeded": 4000, "failed": 0, "skipped": 0}
    ids = {json.loads(out)["job"] for out, _ in outs}

    root = root_of(ws)
    media = media_frame(root)
    names = media.get_column("MediaDisplayName")
    assert media.height == 50 + 8000 and media.get_column("InternalMediaId").n_unique() == media.height
    assert names.str.starts_with("Alpha ").sum() == 4000 and names.str.starts_with("Beta ").sum() == 4000
    assert names.str.starts_with("Old ").sum() == 50
    # Every row's binary is stored, under its checksum.
    blobs = {k.rsplit("/", 1)[1]: v for k, v in tree(root).items() if k.startswith("cms/blobs/")}
    assert set(media.get_column("MediaChecksum")) <= set(blobs) and all(k == v for k, v in blobs.items())
    assert len(blobs) == 20 + IMAGES
    log = {j.job_id: j for j in read_jobs(Tenant(TENANT, root))}
    assert set(log) == set(data.before_jobs) | ids
    assert {log[i].status for i in ids} == {"Succeeded"}
    assert not any((root / ".omm/txn").iterdir())


def test_a_second_writer_without_wait_fails_at_once_naming_the_holder(data: Data) -> None:
    ws = data.workspace("busy")
    root = root_of(ws)
    before = tree(root)
    with tenant_lock(root, TENANT, command="omm import") as holder:  # a writer in the middle of its job
        t0 = time.monotonic()
        busy = omm(ws, *import_args(data.nxt, data.media))
        elapsed = time.monotonic() - t0
        assert tree(root) == before  # changed nothing: no job row, no saved input
    assert busy.returncode == 2 and busy.stdout == ""
    assert busy.stderr.count("\n") == 1, busy.stderr
    assert busy.stderr == (f"omm: error: tenant {TENANT} is being changed by `omm import` (pid {os.getpid()}, "
                           f"user {holder.user}, since {holder.started}); wait for it or pass --wait SECONDS\n")
    assert elapsed < 10  # no waiting: the time is that of starting Python
    assert tree(root) == before


# -- 3. Ctrl-C ------------------------------------------------------------------------------------

def staged_files(root: Path) -> int:
    """How many files the running job has staged so far (its binaries first: SPEC §7 staging);
    0 when a staging directory vanished while being counted (a commit finished meanwhile)."""
    try:
        return sum(1 for d in (root / ".omm/txn").iterdir() if d.is_dir() for p in d.rglob("*") if p.is_file())
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("staged", [0, 1, IMAGES // 2])
def test_ctrl_c_cancels_the_import_and_leaves_the_tenant_unchanged(data: Data, staged: int) -> None:
    """SIGINT once the job's InProgress row is on disk (0: at once, while its first commit is still
    being applied), or once its work has staged ``staged`` files: points reached by progress, not
    by a clock, so that a slow or fast machine cannot move them past the commit. SPEC §6:
    Cancelled, tenant unchanged."""
    ws = data.workspace(f"ctrl-c-{staged}")
    root = root_of(ws)
    log = root / "jobs/jobs.tsv"
    proc = start(ws, *import_args(data.big, data.media))
    try:
        while "\tInProgress\t" not in log.read_text(encoding="utf-8") or (staged and staged_files(root) < staged):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.002)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # Whatever else happens, the tenant is as before (jobs/ aside) and nothing is left staged.
    assert strip_jobs(tree(root)) == strip_jobs(data.before)
    assert not any((root / ".omm/txn").iterdir())
    shown = jobs_shown(ws)
    (job_id,) = set(shown) - data.before_jobs
    row = shown[job_id]
    assert sorted(p.name for p in (root / "jobs" / job_id).iterdir()) == ["input.tsv", "options.json"]
    assert (row["Status"], row["Description"], row["RowsTotal"], row["FinishedOn"] != "") == (
        "Cancelled", CANCELLED_NOTE, "", True)
    # (click writes a newline first, to end the "^C" line of a terminal)
    assert (proc.returncode, out, err.strip()) == (130, "", "omm: interrupted")
    # The lock was released: the next writer runs at once.
    done = omm(ws, *import_args(data.nxt, data.media))
    assert done.returncode == 0, done.stderr


POLARS_CTRL_C = """
import os, signal, sys, threading
from pathlib import Path
import polars as pl
from toolkit.jobs import run_job
from toolkit.workspace import tenant

frame = pl.DataFrame({"a": pl.int_range(0, 2_000_000, eager=True).cast(pl.String)})
try:
    with run_job(tenant(Path(sys.argv[1]), "t"), "import", command="omm import (test)"):
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        while True:  # a job's work is Polars queries: the Ctrl-C arrives during one
            frame.lazy().select(pl.col("a").str.reverse().sort()).collect()
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_during_a_polars_query_cancels_the_job(data: Data, tmp_path: Path) -> None:
    """The deterministic form of the Ctrl-C case: one SIGINT while the job runs a Polars query.

    Polars raises KeyboardInterrupt out of ``collect`` and Python's own SIGINT handler raises a
    second one at the next bytecode (pola-rs/polars#23988), here at the entry of
    ``contextlib._GeneratorContextManager.__exit__``: ``run_job`` never sees the first, its
    generator is closed when collected, and the job is recorded ``Failed: GeneratorExit``."""
    ws = data.workspace("polars-ctrl-c")
    script = tmp_path / "polars_ctrl_c.py"
    script.write_text(POLARS_CTRL_C, encoding="utf-8")
    done = subprocess.run([PYTHON, str(script), str(ws)], cwd=REPO, env=env_without(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 130, done.stderr
    shown = jobs_shown(ws)
    (job_id,) = set(shown) - data.before_jobs
    row = shown[job_id]
    assert strip_jobs(tree(root_of(ws))) == strip_jobs(data.before)
    assert (row["Status"], row["Description"]) == ("Cancelled", CANCELLED_NOTE), row
