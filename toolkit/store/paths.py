"""Paths a job may write inside a tenant: relative, normalized, and provably inside (SPEC §2, §7)."""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from toolkit.errors import InputError, UnsafePathError
from toolkit.store.lock import STATE_DIR


def _unsafe(rel: str, why: str) -> UnsafePathError:
    return UnsafePathError(f"refusing to write {rel!r}: {why}",
                           "name a file by a relative path inside the tenant, such as cms/media.tsv",
                           rule="unsafe_path")


def tenant_relative(root: Path, rel: str | PurePath) -> str:
    """``rel`` as a normalized POSIX path inside the tenant at ``root``; raises :class:`UnsafePathError`
    for an absolute path, ``..``, a backslash, the store's own ``.omm/``, or a path that a symbolic
    link would take outside the tenant."""
    text = rel.as_posix() if isinstance(rel, PurePath) else str(rel)
    if not text or "\x00" in text:
        raise _unsafe(text, "the path is empty or holds a NUL character")
    if "\\" in text:  # a Windows path from a manifest: refuse rather than guess what it names
        raise _unsafe(text, "backslashes are not path separators here")
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).drive:
        raise _unsafe(text, "the path is absolute")
    parts = [p for p in PurePosixPath(text).parts if p != "."]
    if ".." in parts:
        raise _unsafe(text, "the path climbs out with '..'")
    if not parts:
        raise _unsafe(text, "the path names the tenant itself")
    if parts[0] == STATE_DIR:
        raise _unsafe(text, f"{STATE_DIR}/ is the store's own directory")
    norm = "/".join(parts)
    base = root.resolve()
    if not (root / norm).resolve().is_relative_to(base):
        raise _unsafe(text, "a symbolic link takes it outside the tenant")
    return norm


def check_writable(root: Path, rel: str) -> None:
    """Refuse, before anything is committed, a target that could only fail halfway through applying:
    an existing directory where a file goes, or an existing file where a directory must be."""
    target = root / rel
    if target.is_dir():
        raise InputError(f"cannot write {rel}: it is a directory in the tenant", "choose another path")
    parent = target.parent
    while parent != root:
        if parent.exists() and not parent.is_dir():
            raise InputError(f"cannot write {rel}: {parent.relative_to(root)} is a file, not a directory",
                             "choose another path")
        parent = parent.parent


def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):  # not Linux
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn  # type: ignore[no-any-return]


_SYNC_FILE_RANGE = _sync_file_range()
_SYNC_FILE_RANGE_WRITE = 2


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing a range of a file to disk now, without waiting for it.

    A large staged file is fsynced before its commit; started early, its writeback overlaps the
    work that follows instead of all of it waiting at the fsync. Where the call does not exist
    (not Linux) nothing happens: the fsync still makes the file durable."""
    if _SYNC_FILE_RANGE is not None and length > 0:
        _SYNC_FILE_RANGE(fd, offset, length, _SYNC_FILE_RANGE_WRITE)  # a hint: its result is not needed


def fsync_dir(path: Path) -> None:
    """Make renames and new entries in ``path`` durable (a no-op where directories cannot be fsynced)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
