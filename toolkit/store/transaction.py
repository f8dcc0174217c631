"""All-or-nothing changes across every file a job touches (SPEC §7): a write-ahead journal.

A :class:`Transaction` stages the new content of each file under ``.omm/txn/<id>/`` inside the
tenant (fsynced), and records deletions. ``commit()`` writes the journal — the list of operations
with the digest of each staged file (``toolkit.store.digests``) — to ``journal.json.tmp``, fsyncs it and renames it to
``journal.json``: **that rename is the commit point**. Then each operation is applied
(``os.replace`` of the staged file over the target, or an unlink), the touched directories are
fsynced, and the journal and staging directory are removed.

:func:`recover`, run by every writer right after it takes the tenant lock, finishes what a killed
writer left: a staging directory with a committed journal is rolled forward (every operation is
idempotent: a target that already has the staged digest is done); one without is deleted,
which rolls back, since nothing outside ``.omm/`` was touched before the commit point.

``OMM_CRASH_AFTER=<step>`` makes the process ``os._exit(137)`` at a named step, so tests can
stop a commit at every instant that matters (see :data:`CRASH_STEPS`).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import BinaryIO, Literal

from toolkit.errors import WorkspaceError
from toolkit.store.digests import CHUNK, FAST, algorithm_of, file_digest, recorded, same_content, sized_digest
from toolkit.store.interrupts import uninterrupted
from toolkit.store.lock import STATE_DIR, utc_now
from toolkit.store.paths import check_writable, fsync_dir, tenant_relative
from toolkit.store.staged import DigestingWriter
from toolkit.store.unbuffered import UnbufferedFile

TXN_DIR = "txn"
JOURNAL = "journal.json"
JOURNAL_FORMAT = "omm-journal/2"
READABLE_JOURNALS = ("omm-journal/1", JOURNAL_FORMAT)  # /1 recorded bare SHA-256 hex as "sha256"
CRASH_ENV = "OMM_CRASH_AFTER"
# Where OMM_CRASH_AFTER can stop a commit: after staging, after writing the journal (before the
# commit point), right after the commit point, after applying operation N ("applied:N"), after all
# operations, after removing the journal (before removing the staging directory).
CRASH_STEPS = ("staged", "journal-written", "committed", "applied:N", "applied", "journal-removed")


def _crash_point(step: str) -> None:
    # A test seam: a real process exit at a named instant, with no cleanup (like kill -9).
    if os.environ.get(CRASH_ENV) == step:
        os._exit(137)


@dataclass(frozen=True)
class Operation:
    """One recorded change: write a staged file to ``path``, or delete ``path``."""

    action: Literal["write", "delete"]
    path: str  # relative to the tenant root, POSIX separators
    digest: str | None = None  # "<algorithm>:<hex>" (toolkit.store.digests)
    size: int | None = None
    staged: str | None = None  # the staged file's name inside the transaction directory

    def to_dict(self) -> dict[str, object]:
        return {"action": self.action, "path": self.path, "digest": self.digest, "size": self.size,
                "staged": self.staged}


@dataclass(frozen=True)
class Change:
    """What an operation does to the tenant as it is now (for ``--plan`` and commit reports)."""

    path: str
    change: Literal["create", "replace", "delete"]
    size: int | None

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "change": self.change, "size": self.size}


@dataclass(frozen=True)
class CommitResult:
    txn: str
    changes: tuple[Change, ...]  # sorted by path; operations that would change nothing are left out

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, object]:
        return {"txn": self.txn, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover` found: transactions rolled forward (committed) and back (not committed)."""

    rolled_forward: tuple[str, ...] = ()
    rolled_back: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"rolled_forward": list(self.rolled_forward), "rolled_back": list(self.rolled_back)}


def _new_id() -> str:
    # Sortable by start time, unique across processes and hosts sharing a file system.
    return f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"


class Transaction:
    """Staged changes to the files of the tenant at ``root``, committed together or not at all.

    The caller must hold the tenant lock (see :func:`toolkit.store.tenant_writer`). Paths are
    relative to the tenant root; anything absolute, with ``..``, or leaving the tenant raises
    :class:`toolkit.errors.UnsafePathError`. Writing one path twice keeps the last content.
    """

    def __init__(self, root: Path, *, command: str = "omm") -> None:
        self.root = root
        self.command = command
        self.id = _new_id()
        self.dir = root / STATE_DIR / TXN_DIR / self.id
        self.recovered = Recovery()  # set by tenant_writer: what the lock holder before us left
        self.result: CommitResult | None = None
        self._ops: dict[str, Operation] = {}
        self._known: dict[str, tuple[str, int]] = {}  # path → (digest, size) the caller vouched for
        self._seq = 0
        self._state: Literal["open", "committed", "discarded"] = "open"

    # -- staging -----------------------------------------------------------------------------

    def scratch_path(self, suffix: str = "") -> Path:
        """A fresh path inside the staging area (same file system as the tenant) for a caller to
        write a large file into, then hand over with ``write_file(rel, path, move=True)``."""
        self._check_open()
        self._ensure_dir()
        self._seq += 1
        return self.dir / f"scratch-{self._seq:06d}{suffix}"

    def write_bytes(self, rel: str | PurePath, data: bytes) -> Operation:
        with self.open_write(rel) as fh:
            fh.write(data)
        return self._ops[self._rel(rel)]

    @contextmanager
    def open_write(self, rel: str | PurePath, *, cached: bool = True) -> Iterator[BinaryIO]:
        """Stream the new content of ``rel`` into its staged file (e.g. ``frame.write_csv(fh)``).
        ``cached=False`` writes past the page cache (``toolkit.store.unbuffered``): for gigabytes."""
        path = self._rel(rel)
        staged = self._new_staged()
        try:
            if cached:
                with staged.open("xb") as fh:
                    writer = DigestingWriter(fh, fh.fileno())
                    yield writer  # type: ignore[misc]  # a binary writer: write, tell, flush
                    fh.flush()
                    os.fsync(fh.fileno())
            else:
                out = UnbufferedFile(staged)
                try:
                    writer = DigestingWriter(out)
                    yield writer  # type: ignore[misc]
                    out.close()
                finally:
                    out.abandon()
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        self._record(path, staged, (writer.digest(), writer.size))

    def write_file(self, rel: str | PurePath, source: Path, *, move: bool = False, synced: bool = False,
                   algorithm: str = FAST) -> Operation:
        """Stage the content of the file ``source`` as ``rel``: copied in chunks, or with ``move``
        renamed into the staging area (``source`` must then be on the tenant's file system, e.g. a
        :meth:`scratch_path`). ``synced`` says the caller already fsynced ``source`` (e.g. in
        worker threads, many at once), so a move need not do it again, one file at a time.
        ``algorithm`` is the digest the operation records (``digests.SHA256`` for a binary stored
        under its SHA-256, so the caller can check it)."""
        path = self._rel(rel)
        staged = self._new_staged()
        if move:
            os.replace(source, staged)
            if not synced:
                with staged.open("rb") as fh:
                    os.fsync(fh.fileno())
            return self._record(path, staged, file_digest(staged, algorithm))
        with source.open("rb") as src, staged.open("xb") as out:
            writer = DigestingWriter(out, algorithm=algorithm)  # hashed as it is copied: never read twice
            shutil.copyfileobj(src, writer, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        return self._record(path, staged, (writer.digest(), writer.size))

    def know(self, rel: str | PurePath, digest: str, size: int) -> None:
        """Tell the transaction that ``rel`` holds exactly these bytes now (the caller checked, under
        the tenant lock), so deciding whether a write changes it needs no hash of a large file."""
        self._known[self._rel(rel)] = (digest, size)

    def delete(self, rel: str | PurePath) -> Operation:
        path = self._rel(rel)
        self._drop(path)
        op = Operation("delete", path)
        self._ops[path] = op
        return op

    def staged_path(self, rel: str | PurePath) -> Path | None:
        """Where the pending new content of ``rel`` is staged (None when nothing is written to it)."""
        op = self._ops.get(self._rel(rel))
        return self.dir / op.staged if op is not None and op.staged else None

    @property
    def operations(self) -> tuple[Operation, ...]:
        """Every recorded operation, in the order it is applied."""
        return tuple(self._ops.values())

    def plan(self) -> tuple[Change, ...]:
        """What committing now would change, sorted by path; writes of identical bytes and
        deletions of missing files are left out (so an idempotent job commits nothing)."""
        return tuple(sorted((c for op in self._ops.values() if (c := self._change(op))), key=lambda c: c.path))

    # -- commit ------------------------------------------------------------------------------

    def commit(self) -> CommitResult:
        """Apply every operation, all or nothing (see the module doc for the steps)."""
        self._check_open()
        changes = self.plan()
        changed = {c.path for c in changes}
        ops = [op for op in self._ops.values() if op.path in changed]
        if not ops:
            self.discard()
            self.result = CommitResult(self.id, ())
            return self.result
        try:
            self._publish_journal(ops)
        except BaseException:
            self.discard()  # before the commit point: nothing outside .omm/ was touched
            raise
        _crash_point("committed")
        self._state = "committed"
        self.result = CommitResult(self.id, changes)
        try:
            _apply(self.root, self.dir, ops, verify=False)
        except KeyboardInterrupt:
            # Past the commit point the change has happened: finish it (idempotent) before honouring
            # Ctrl-C, so no reader sees a half-applied tenant; txn.result says it was committed.
            def finish() -> None:
                _apply(self.root, self.dir, ops, verify=False)

            try:
                uninterrupted(finish)
            except KeyboardInterrupt:  # the Ctrl-C's echo fired on entering uninterrupted: again
                uninterrupted(finish)
            raise
        except OSError as exc:
            raise WorkspaceError(f"the change to {self.root.name} was committed but could not be applied fully "
                                 f"({exc.strerror or exc})",
                                 "fix the cause; the next omm command that changes this tenant completes it") from exc
        return self.result

    def discard(self) -> None:
        """Drop everything staged; the tenant is untouched. Safe to call more than once."""
        if self._state == "committed":
            return
        self._state = "discarded"
        # The journal goes first: were this removal itself interrupted, what is left must read as
        # "not committed" (rolled back), never as a journal whose staged files are half deleted.
        (self.dir / JOURNAL).unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- internals ---------------------------------------------------------------------------

    def _publish_journal(self, ops: list[Operation]) -> None:
        fsync_dir(self.dir)  # the staged files' names are durable before the journal names them
        _crash_point("staged")
        body = {"format": JOURNAL_FORMAT, "txn": self.id, "command": self.command, "created": utc_now(),
                "operations": [op.to_dict() for op in ops]}
        tmp = self.dir / (JOURNAL + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        _crash_point("journal-written")
        os.replace(tmp, self.dir / JOURNAL)  # the commit point
        fsync_dir(self.dir)

    def _rel(self, rel: str | PurePath) -> str:
        path = tenant_relative(self.root, rel)
        check_writable(self.root, path)
        return path

    def _check_open(self) -> None:
        if self._state != "open":
            raise RuntimeError(f"transaction {self.id} is already {self._state}")

    def _ensure_dir(self) -> None:
        if not self.dir.is_dir():
            self.dir.mkdir(parents=True)
            fsync_dir(self.dir.parent)

    def _new_staged(self) -> Path:
        self._check_open()
        self._ensure_dir()
        self._seq += 1
        return self.dir / f"{self._seq:06d}"

    def _record(self, path: str, staged: Path, digest: tuple[str, int]) -> Operation:
        found, size = digest
        self._drop(path)
        op = Operation("write", path, found, size, staged.name)
        self._ops[path] = op
        return op

    def _drop(self, path: str) -> None:
        old = self._ops.pop(path, None)  # pop, so a rewritten path moves to the end of the apply order
        if old is not None and old.staged:
            (self.dir / old.staged).unlink(missing_ok=True)

    def _change(self, op: Operation) -> Change | None:
        target = self.root / op.path
        if op.action == "delete":
            return Change(op.path, "delete", None) if target.is_file() or target.is_symlink() else None
        assert op.digest is not None and op.size is not None
        if self._holds(target, op.path, op.digest, op.size):
            return None
        return Change(op.path, "replace" if target.exists() else "create", op.size)

    def holds(self, rel: str | PurePath, digest: str, size: int) -> bool:
        """Whether ``rel`` holds exactly these bytes now: what the caller vouched for (:meth:`know`),
        else hashed — once: the answer is remembered, so commit does not hash the file again."""
        path = self._rel(rel)
        return self._holds(self.root / path, path, digest, size)

    def _holds(self, target: Path, path: str, digest: str, size: int) -> bool:
        known = self._known.get(path)
        if known is not None and target.is_file() and algorithm_of(known[0]) == algorithm_of(digest):
            return known == (digest, size)  # (digests of two algorithms cannot be compared: hash)
        try:
            found = sized_digest(target, algorithm_of(digest), size)
        except (OSError, ValueError):  # gone meanwhile, or a digest this version cannot compute
            return False
        if found is not None:
            self._known[path] = found
        return found == (digest, size)


def _make_parents(root: Path, directory: Path, touched: set[Path]) -> None:
    # Create missing parents one by one, remembering whose entries must be fsynced.
    missing = []
    while directory != root and not directory.is_dir():
        missing.append(directory)
        directory = directory.parent
    for d in reversed(missing):
        d.mkdir(exist_ok=True)
        touched.add(d.parent)


def _apply_write(root: Path, txn_dir: Path, op: Operation, verify: bool, touched: set[Path]) -> None:
    target = root / op.path
    staged = txn_dir / (op.staged or "")
    if op.staged and staged.is_file():
        if verify and file_digest(staged, algorithm_of(op.digest or ""))[0] != op.digest:
            raise WorkspaceError(f"cannot complete the interrupted change {txn_dir.name} to {root.name}: "
                                 f"the staged copy of {op.path} is damaged",
                                 f"restore {op.path} from a backup, then remove {txn_dir}")
        _make_parents(root, target.parent, touched)
        if target.is_file():
            os.chmod(staged, target.stat().st_mode & 0o7777)  # a replaced file keeps its permissions
        os.replace(staged, target)
    elif not same_content(target, op.digest or "", op.size or 0):
        raise WorkspaceError(f"cannot complete the interrupted change {txn_dir.name} to {root.name}: "
                             f"{op.path} is neither its old nor its new content",
                             f"restore {op.path} from a backup, then remove {txn_dir}")


def _apply(root: Path, txn_dir: Path, ops: list[Operation], *, verify: bool) -> None:
    """Apply committed operations; idempotent, so recovery may run it again after a crash."""
    touched: set[Path] = set()
    for n, op in enumerate(ops, 1):
        if op.action == "delete":
            (root / op.path).unlink(missing_ok=True)
        else:
            _apply_write(root, txn_dir, op, verify, touched)
        touched.add((root / op.path).parent)
        _crash_point(f"applied:{n}")
    for d in sorted(touched):
        fsync_dir(d)
    _crash_point("applied")
    (txn_dir / JOURNAL).unlink(missing_ok=True)
    fsync_dir(txn_dir)
    _crash_point("journal-removed")
    shutil.rmtree(txn_dir, ignore_errors=True)


def _read_journal(root: Path, path: Path) -> list[Operation]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") not in READABLE_JOURNALS:
            raise ValueError(f"unknown journal format {body.get('format')!r}")
        ops = [Operation(o["action"], o["path"], _digest_of(o), o.get("size"), o.get("staged"))
               for o in body["operations"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WorkspaceError(f"cannot read the journal {path} of an interrupted change to {root.name}: {exc}",
                             "restore the tenant from a backup, or remove the journal to drop the change") from exc
    for op in ops:  # a journal is data on disk: it must not be able to write outside the tenant either
        if op.action not in ("write", "delete") or tenant_relative(root, op.path) != op.path:
            raise WorkspaceError(f"the journal {path} names an invalid operation on {op.path!r}",
                                 "restore the tenant from a backup, or remove the journal to drop the change")
    return ops


def recover(root: Path) -> Recovery:
    """Finish or undo whatever a killed writer left in the tenant at ``root``.

    Call it holding the tenant lock (never while another writer may be staging). Cheap when nothing
    is pending: one directory listing.
    """
    area = root / STATE_DIR / TXN_DIR
    try:
        entries = sorted(area.iterdir())
    except FileNotFoundError:
        return Recovery()
    forward: list[str] = []
    back: list[str] = []
    for entry in entries:
        if entry.is_dir() and (entry / JOURNAL).is_file():
            _apply(root, entry, _read_journal(root, entry / JOURNAL), verify=True)
            forward.append(entry.name)
        else:
            # Not committed: staged files only, nothing outside .omm/ was touched. Drop it.
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            back.append(entry.name)
    return Recovery(tuple(forward), tuple(back))


def _digest_of(op: dict[str, object]) -> str | None:
    found = op.get("digest", op.get("sha256"))
    return recorded(str(found)) if found is not None else None
