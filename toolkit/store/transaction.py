"""All-or-nothing changes across every file a job touches (SPEC §7).

A :class:`Transaction` stages the new content of each file under ``.omm/txn/<id>/`` inside the
tenant (fsynced), and records deletions. ``commit()`` writes the journal — the list of operations
with the digest of each staged file (``toolkit.store.digests``) — whose rename into place is the
commit point, then applies the operations (``os.replace`` of each staged file over its target, or
an unlink), fsyncs the touched directories and removes the journal and the staging directory.
The journal, applying it and recovering from a killed writer live in ``toolkit.store.journal``.
"""

from __future__ import annotations

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
from toolkit.store import journal
from toolkit.store.digests import CHUNK, FAST, algorithm_of, file_digest, sized_digest
from toolkit.store.interrupts import uninterrupted
from toolkit.store.journal import JOURNAL, TXN_DIR, Operation, Recovery
from toolkit.store.lock import STATE_DIR
from toolkit.store.paths import check_writable, fsync_dir, tenant_relative
from toolkit.store.staged import DigestingWriter
from toolkit.store.unbuffered import UnbufferedFile


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
            journal.publish(self.dir, self.id, self.command, ops)
        except BaseException:
            self.discard()  # before the commit point: nothing outside .omm/ was touched
            raise
        journal._crash_point("committed")  # looked up on the module: tests patch it there
        self._state = "committed"
        self.result = CommitResult(self.id, changes)
        try:
            journal.apply(self.root, self.dir, ops, verify=False)
        except KeyboardInterrupt:
            # Past the commit point the change has happened: finish it (idempotent) before honouring
            # Ctrl-C, so no reader sees a half-applied tenant; txn.result says it was committed.
            def finish() -> None:
                journal.apply(self.root, self.dir, ops, verify=False)

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
