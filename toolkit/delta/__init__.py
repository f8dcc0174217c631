"""Keyed, cell-level diff and patch of manifests (SPEC §6 ``omm diff`` and ``omm patch``).

    from toolkit import diff, patch
    d = diff("old/cms/assignments.tsv", "new/cms/assignments.tsv", ignore=["EntityLastModifiedOn"])
    d.summary.changed, d.to_dict()
    patch("old.tsv", "changes.tsv", "out.tsv")
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import InputError, UsageError

from .engine import compare
from .engine import diff as diff_files
from .manifest import to_frame
from .patch import PatchResult, patch
from .result import DiffSummary, FileDiff, ManifestDiff, TreeDiff
from .tree import diff_trees

__all__ = ["DiffSummary", "FileDiff", "ManifestDiff", "PatchResult", "TreeDiff", "compare", "diff", "diff_files",
           "diff_trees", "patch", "to_frame"]


def diff(old: str | Path, new: str | Path, *, key: Iterable[str] | None = None, ignore: Iterable[str] = (),
         kind: str | None = None, low_memory: bool | None = None) -> ManifestDiff | TreeDiff:
    """Diff two manifest files, or two directories (tenants, tiers) manifest by manifest."""
    a, b = Path(old), Path(new)
    for p in (a, b):
        if not p.exists():
            raise InputError(f"{p}: no such file or directory", "check the path")
    if a.is_dir() != b.is_dir():
        raise UsageError(f"cannot diff a directory with a file ({a} and {b})",
                         "give two manifest files or two directories")
    if a.is_dir():
        if kind is not None:
            raise UsageError("--kind applies to two files, not to directories",
                             "leave --kind out: each manifest's kind is detected")
        return diff_trees(a, b, key=key, ignore=ignore, low_memory=low_memory)
    return diff_files(a, b, key=key, ignore=ignore, kind=kind, low_memory=low_memory)
