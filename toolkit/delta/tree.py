"""Two tenants or two tiers compared manifest by manifest (``omm diff DIR DIR``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import KindError
from toolkit.formatting import manifest_files

from .engine import compare, diff
from .result import FileDiff, TreeDiff
from .sides import empty_side, open_side

# The job log and job folders record how each tenant got where it is, not what it holds.
SKIPPED_DIRS = frozenset({"jobs"})


def manifests_under(root: Path) -> set[str]:
    """Relative paths (forward slashes) of the manifests under ``root`` (as omm fmt finds them), jobs left out."""
    rels = (p.relative_to(root) for p in manifest_files([root]) if p.is_file())
    return {r.as_posix() for r in rels if not any(part in SKIPPED_DIRS for part in r.parts)}


def diff_trees(old: str | Path, new: str | Path, *, key: Iterable[str] | None = None, ignore: Iterable[str] = (),
               low_memory: bool | None = None) -> TreeDiff:
    """Diff every manifest of two directories; a manifest on one side only is all added or removed."""
    a, b = Path(old), Path(new)
    files: list[FileDiff] = []
    skipped: list[str] = []
    others_differ = False
    ignore = tuple(ignore)
    for rel in sorted(manifests_under(a) | manifests_under(b)):
        pa, pb = a / rel, b / rel
        try:
            if pa.is_file() and pb.is_file():
                d = diff(pa, pb, key=key, ignore=ignore, low_memory=low_memory, lenient=True)
                status = "unchanged" if d.equal else "changed"
            else:
                side = open_side(str(pa if pa.is_file() else pb), None, stream=False)
                empty = empty_side(str(pb if pa.is_file() else pa), side)
                old_side, new_side = (side, empty) if pa.is_file() else (empty, side)
                d = compare(old_side, new_side, key=key, ignore=ignore, lenient=True)
                status = "removed" if pa.is_file() else "added"
        except KindError:
            same = pa.is_file() and pb.is_file() and pa.read_bytes() == pb.read_bytes()
            skipped.append(f"{rel}: not a manifest omm knows (cannot tell its kind); "
                           + ("same bytes on both sides" if same else "its bytes differ" if pa.is_file() and pb.is_file()
                              else f"only in {'OLD' if pa.is_file() else 'NEW'}"))
            others_differ = others_differ or not same
            continue
        files.append(FileDiff(rel, status, d))
    return TreeDiff(str(old), str(new), tuple(files), tuple(skipped), others_differ)
