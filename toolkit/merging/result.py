"""What ``omm merge`` decides: frozen results every renderer reads.

``MergeResult.to_dict`` is the JSON contract of SPEC §6 and exactly what ``--format json`` prints.
Counts, per key (a row of any side):

- ``rows``: data rows of the merged manifest (with unresolved conflicts: of the merge with each
  conflict left at OURS, which is what ``--plan`` lists; OUT is not written then);
- ``taken_theirs``: keys where the merged manifest differs from OURS — what THEIRS brings in (a
  row added, removed or changed from THEIRS' side, or a value decided for THEIRS);
- ``taken_ours``: keys where the merged manifest differs from THEIRS — what OURS brings in;
- a key both sides agree on counts in neither; a row combining changes of both counts in both;
  keys in an unresolved conflict count in neither;
- ``conflicts``: conflicts found (two-way: rows or assignment sets; three-way: cells, and rows
  edited against a removal), whether the policy resolved them or (``fail``) they stop the merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl


@dataclass(frozen=True)
class MergeSummary:
    rows: int
    taken_ours: int
    taken_theirs: int
    conflicts: int

    def to_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "taken_ours": self.taken_ours, "taken_theirs": self.taken_theirs,
                "conflicts": self.conflicts}


@dataclass(frozen=True)
class MergePlan:
    """A merge decided but not applied.

    ``merged`` is the merged manifest (canonical row order, OUT's columns). ``entries`` lists
    every key counted in ``taken_*``: its key columns, ``taken`` (ours, theirs or both), ``op``
    (what the taken side holds compared with the other: added, removed or changed), ``columns``
    (the changed columns, comma-separated) and ``ours_line``/``theirs_line``. ``conflicts`` is
    the conflict manifest (see ``toolkit.merging.conflicts``).
    """

    kind: str
    key: tuple[str, ...]
    mode: str  # "two-way" or "three-way"
    policy: str
    ours: str
    theirs: str
    base: str | None
    summary: MergeSummary
    merged: pl.DataFrame
    entries: pl.DataFrame
    conflicts: pl.DataFrame

    @property
    def unresolved(self) -> bool:
        """Conflicts stop the merge: the policy is ``fail`` and there are some."""
        return self.policy == "fail" and self.summary.conflicts > 0


@dataclass(frozen=True)
class MergeResult:
    """A merge planned and (unless ``planned``) applied: ``output`` is the path OUT was written
    to, ``conflicts_file`` the conflict manifest written instead when conflicts stop the merge."""

    plan: MergePlan
    output: str | None
    conflicts_file: str | None
    planned: bool = False  # --plan: nothing was written

    @property
    def summary(self) -> MergeSummary:
        return self.plan.summary

    @property
    def unresolved(self) -> bool:
        return self.plan.unresolved

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary.to_dict(), "output": self.output, "conflicts_file": self.conflicts_file}
