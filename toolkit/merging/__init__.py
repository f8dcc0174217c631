"""``omm merge``: two-way and three-way merges of manifests of one kind (SPEC §6).

Plan, then apply: :func:`plan_merge` reads the sides, joins them on the key (Polars full joins,
nulls equal) and decides every key as expressions over the joined frame — no loop over rows;
:func:`merge` then writes OUT atomically and canonically, or, when conflicts stop the merge,
the conflict manifest beside it and not OUT, so nothing half-merged lands.

    from toolkit.merging import merge
    result = merge("ours.tsv", "theirs.tsv", base="base.tsv", out="merged.tsv", on_conflict="fail")
    result.to_dict()  # what --format json prints

Two-way (no base) takes whole rows, and for assignments whole sets (``toolkit.merging.twoway``);
three-way takes changes cell by cell (``toolkit.merging.threeway``); the conflict manifest is
described in ``toolkit.merging.conflicts``, the counts in ``toolkit.merging.result``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.merging import outcome, threeway, twoway
from toolkit.merging.conflicts import manifest_bytes
from toolkit.merging.frames import BASE, OURS, POLICIES, THEIRS
from toolkit.merging.inputs import conflicts_path, lmo_column, read_inputs
from toolkit.merging.result import MergePlan, MergeResult, MergeSummary
from toolkit.tsv import atomic_write, write_manifest

__all__ = ["POLICIES", "MergePlan", "MergeResult", "MergeSummary", "conflicts_path", "merge", "plan_merge"]


def plan_merge(ours: str | Path, theirs: str | Path, base: str | Path | None = None, *, on_conflict: str = "fail",
               key: Sequence[str] | None = None, kind: str | None = None) -> MergePlan:
    """Decide the merge of ``theirs`` into ``ours`` (over ``base`` when given); writes nothing."""
    if on_conflict not in POLICIES:
        raise UsageError(f"unknown conflict policy {on_conflict!r}", f"use one of: {', '.join(POLICIES)}")
    paths = {OURS: str(ours), THEIRS: str(theirs), **({BASE: str(base)} if base is not None else {})}
    inputs = read_inputs(paths, kind, key)
    if on_conflict == "latest" and lmo_column(inputs.kind) is None:
        raise UsageError(f"--on-conflict latest needs a LastModifiedOn column, and {inputs.kind.name} manifests "
                         "have none", "use keep, replace or fail")
    decide = threeway.decide if inputs.three_way else twoway.decide
    frame, conflicts = decide(inputs, on_conflict)
    return outcome.build(inputs, frame, conflicts, on_conflict)


def merge(ours: str | Path, theirs: str | Path, base: str | Path | None = None, *, out: str | Path | None = None,
          on_conflict: str = "fail", key: Sequence[str] | None = None, kind: str | None = None,
          plan: bool = False) -> MergeResult:
    """Merge and write ``out`` (with ``plan``: decide only, write nothing).

    When conflicts remain (policy ``fail``) OUT is not written (an existing OUT is left as it
    was) and the conflict manifest goes to :func:`conflicts_path` of OUT instead; a successful
    merge removes a conflict manifest an earlier run left there.
    """
    if out is None and not plan:
        raise UsageError("no output file", "pass -o OUT, or --plan to only show the merge")
    decided = plan_merge(ours, theirs, base, on_conflict=on_conflict, key=key, kind=kind)
    if plan or out is None:
        return MergeResult(decided, None, None, planned=True)
    return apply(decided, out)


def apply(decided: MergePlan, out: str | Path) -> MergeResult:
    """Write a decided merge: OUT, or the conflict manifest when conflicts stop it."""
    target = conflicts_path(out)
    if decided.unresolved:
        atomic_write(target, manifest_bytes(decided.conflicts))
        return MergeResult(decided, None, str(target))
    write_manifest(decided.merged, out, decided.kind)
    # A conflict manifest of an earlier run would describe conflicts that no longer exist.
    target.unlink(missing_ok=True)
    return MergeResult(decided, str(out), None)
