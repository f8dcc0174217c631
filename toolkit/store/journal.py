"""The write-ahead journal of a transaction (SPEC §7), and recovery from it.

A committed transaction is a directory ``.omm/txn/<id>/`` holding the staged files and
``journal.json``: the operations, with the digest of each staged file. Writing that journal
(fsynced, then renamed into place) is the commit point; :func:`apply` then carries the operations
out, idempotently, so that :func:`recover` can run it again after a crash. A directory without a
journal was never committed and is dropped. ``toolkit.store.transaction`` builds the journal;
docs/safety.md tells the whole story.

``OMM_CRASH_AFTER=<step>`` makes the process ``os._exit(137)`` at a named step, so tests can
stop a commit at every instant that matters (see :data:`CRASH_STEPS`).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from toolkit.errors import WorkspaceError
from toolkit.store.digests import algorithm_of, file_digest, recorded, same_content
from toolkit.store.lock import STATE_DIR, utc_now
from toolkit.store.paths import fsync_dir, tenant_relative

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
class Recovery:
    """What :func:`recover` found: transactions rolled forward (committed) and back (not committed)."""

    rolled_forward: tuple[str, ...] = ()
    rolled_back: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"rolled_forward": list(self.rolled_forward), "rolled_back": list(self.rolled_back)}


def publish(txn_dir: Path, txn: str, command: str, ops: list[Operation]) -> None:
    """Write the journal of ``ops`` into ``txn_dir``; its final rename is the commit point."""
    fsync_dir(txn_dir)  # the staged files' names are durable before the journal names them
    _crash_point("staged")
    body = {"format": JOURNAL_FORMAT, "txn": txn, "command": command, "created": utc_now(),
            "operations": [op.to_dict() for op in ops]}
    tmp = txn_dir / (JOURNAL + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(body, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    _crash_point("journal-written")
    os.replace(tmp, txn_dir / JOURNAL)  # the commit point
    fsync_dir(txn_dir)


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


def apply(root: Path, txn_dir: Path, ops: list[Operation], *, verify: bool) -> None:
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
            apply(root, entry, _read_journal(root, entry / JOURNAL), verify=True)
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
