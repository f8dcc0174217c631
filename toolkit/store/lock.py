"""One writer per tenant (SPEC §7): an OS-level lock on ``tenants/<id>/.omm/lock``, held for a whole job.

The lock is a kernel ``flock`` taken through ``filelock``: the kernel drops it when the holding
process dies, however it dies (``kill -9`` included), so a crash never leaves a tenant locked and
there is no stale-lock breaking to get wrong. Beside it, ``.omm/lock.holder`` records who holds
it (pid, user, host, command, since when), so a second writer that cannot get the lock can say
whom it is waiting for. The record is informative only; the kernel lock is the truth.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from toolkit.errors import TenantBusyError, UsageError, WorkspaceError

STATE_DIR = ".omm"  # the store's own directory inside a tenant: lock, holder record, transactions
LOCK_FILE = "lock"
HOLDER_FILE = "lock.holder"


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a tenant's writer lock."""

    pid: int
    user: str
    host: str
    command: str
    started: str  # UTC, canonical timestamp spelling (2026-11-22T10:00:00Z)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"`{self.command}` (pid {self.pid}{where}, user {self.user}, since {self.started})"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def current_holder(command: str) -> LockHolder:
    """The record this process writes when it takes a lock."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers): the uid still says who
        user = f"uid {os.getuid()}"
    return LockHolder(os.getpid(), user, socket.gethostname(), command or "omm", utc_now())


def read_holder(root: Path) -> LockHolder | None:
    """The holder record of the tenant at ``root``, or None when there is none or it is unreadable."""
    try:
        raw = json.loads((root / STATE_DIR / HOLDER_FILE).read_text(encoding="utf-8"))
        return LockHolder(int(raw["pid"]), str(raw["user"]), str(raw["host"]), str(raw["command"]),
                          str(raw["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(holder: LockHolder) -> bool:
    """False only when the holder is provably gone (a dead pid on this host); True when unsure."""
    if holder.host != socket.gethostname():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _write_holder(root: Path, holder: LockHolder) -> None:
    # Written with the lock held, by rename, so a contender reads a whole record or the previous one.
    target = root / STATE_DIR / HOLDER_FILE
    tmp = target.with_name(f"{HOLDER_FILE}.{holder.pid}.tmp")
    tmp.write_text(json.dumps(holder.to_dict()) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def _make_lock(path: Path) -> FileLock:
    try:
        # Never fall back to a marker-file lock (filelock ≥ 4 would on a filesystem without flock):
        # a marker survives kill -9 and would leave the tenant stuck, which SPEC §7 forbids.
        return FileLock(path, thread_local=False, fallback_to_soft=False)
    except TypeError:  # filelock 3.x has no fallback and no such option
        return FileLock(path, thread_local=False)


def busy_error(tenant_id: str, root: Path, wait: float) -> TenantBusyError:
    """The error a writer gets when the lock stays held: it names the holder when it can."""
    holder = read_holder(root)
    if holder is not None and not _alive(holder):
        holder = None  # a record from a dead process: the real holder has not written its own yet
    who = holder.describe() if holder else "another omm process"
    waited = f"; still held after waiting {wait:g} s" if wait > 0 else ""
    return TenantBusyError(f"tenant {tenant_id} is being changed by {who}{waited}; "
                           "wait for it or pass --wait SECONDS", holder=holder)


@contextmanager
def tenant_lock(root: Path, tenant_id: str, *, wait: float = 0, command: str = "omm") -> Iterator[LockHolder]:
    """Hold the writer lock of the tenant at ``root`` for the ``with`` block.

    ``wait`` is how many seconds to wait for another writer (0 = fail at once, negative = forever);
    raises :class:`TenantBusyError` naming the holder when the lock stays taken. Not re-entrant:
    a process that already holds the lock and asks again waits for itself.
    """
    if wait != wait:  # NaN
        raise UsageError("--wait must be a number of seconds")
    state = root / STATE_DIR
    try:
        state.mkdir(exist_ok=True)  # never parents=True: that would bring a removed tenant back
    except FileNotFoundError:
        raise WorkspaceError(f"tenant {tenant_id} does not exist (no directory {root})",
                             f"create it with: omm tenant init {tenant_id}") from None
    lock = _make_lock(state / LOCK_FILE)
    try:
        lock.acquire(timeout=wait if wait >= 0 else -1, poll_interval=0.05 if wait < 1 else 0.1)
    except Timeout:
        raise busy_error(tenant_id, root, max(wait, 0)) from None
    try:
        holder = current_holder(command)
        _write_holder(root, holder)
        yield holder
    finally:
        # Remove the record while still holding the lock, so nobody reads it as theirs.
        (state / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


@contextmanager
def try_lock(root: Path) -> Iterator[bool]:
    """Try the tenant's writer lock without waiting and without writing anything (no holder
    record, no lock file created): yields True, holding it, when it was free; False when held."""
    path = root / STATE_DIR / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # no writer ever ran here: nobody holds it
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the kind of lock tenant_lock's filelock takes
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the flock
