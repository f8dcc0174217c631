"""What ``omm diff`` finds: frozen results that every renderer and ``omm patch`` read.

A :class:`ManifestDiff` keeps the differing rows as Polars frames of canonical values (never
loose lists), each with the file line it came from in :data:`LINE`. ``to_dict`` is the JSON
contract of SPEC §6; the CLI prints exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from toolkit.kinds import get_kind
from toolkit.tsv.write import sort_expressions

LINE = "__line"  # the file line (header = 1) a row of ``added``/``removed``/``before``/``after`` starts on
OPS = ("added", "removed", "changed")


def in_row_order(frame: pl.DataFrame, kind: str, key: tuple[str, ...]) -> pl.DataFrame:
    """``frame`` in the kind's written row order (enums in schema order, numbers as numbers), then key."""
    if frame.height < 2:
        return frame
    exprs = [*sort_expressions(frame, get_kind(kind)), *(pl.col(k) for k in key)]
    return frame.sort(exprs, nulls_last=False, maintain_order=True)


@dataclass(frozen=True)
class DiffSummary:
    added: int
    removed: int
    changed: int
    unchanged: int
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed, "unchanged": self.unchanged,
                "columns_added": list(self.columns_added), "columns_removed": list(self.columns_removed)}


@dataclass(frozen=True)
class ManifestDiff:
    """A keyed, cell-level diff of two manifests of one kind.

    ``added`` holds NEW's rows whose key OLD lacks, ``removed`` OLD's rows whose key NEW lacks;
    ``before``/``after`` hold the changed rows, aligned row by row (OLD's values, NEW's values).
    All four have the record ``columns`` (absent columns as nulls) plus :data:`LINE`, and are
    sorted in the kind's canonical row order, so output is deterministic.
    """

    kind: str
    key: tuple[str, ...]
    old: str
    new: str
    columns: tuple[str, ...]  # every record column: NEW's header order, then columns only OLD has
    ignored: tuple[str, ...]
    summary: DiffSummary
    added: pl.DataFrame
    removed: pl.DataFrame
    before: pl.DataFrame
    after: pl.DataFrame

    @property
    def equal(self) -> bool:
        return self.summary.equal

    def _memo(self, name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        # Frozen, so computed once and kept beside the fields (renderers ask more than once).
        cache = self.__dict__.setdefault("_memo_cache", {})
        if name not in cache:
            cache[name] = build()
        return cache[name]

    def cells(self) -> pl.DataFrame:
        """One row per changed cell: ``index`` (into before/after), key columns, ``column``,
        ``old``, ``new``, ``old_line``, ``new_line``; in row order, then record column order."""
        return self._memo("cells", self._cells)

    def _cells(self) -> pl.DataFrame:
        compared = [c for c in self.columns if c not in self.ignored]
        if not self.before.height or not compared:
            return _empty_cells(self.key)
        b = self.before.with_row_index("index")
        a = self.after
        parts = [
            b.select("index", *self.key, pl.lit(i, pl.UInt32).alias("__pos"), pl.lit(c).alias("column"),
                     pl.col(c).alias("old"), a.get_column(c).alias("new"), pl.col(LINE).alias("old_line"),
                     a.get_column(LINE).alias("new_line"))
            .filter(pl.col("old").ne_missing(pl.col("new")))
            for i, c in enumerate(compared)
        ]
        return pl.concat(parts).sort("index", "__pos").drop("__pos")

    def entries(self) -> pl.DataFrame:
        """Every differing row once, in the kind's row order: ``op`` and ``index`` into its
        frame, plus key columns and the lines it sits on in OLD and NEW."""
        return self._memo("entries", self._entries)

    def _entries(self) -> pl.DataFrame:
        order = [c for c in get_kind(self.kind).sort if c in self.columns and c not in self.key]

        def part(frame: pl.DataFrame, op: str, old_line: bool, new_line: bool) -> pl.DataFrame:
            line = pl.col(LINE).cast(pl.Int64)
            return frame.with_row_index("index").select(
                pl.lit(op).alias("op"), "index", *self.key, *order,
                (line if old_line else pl.lit(None, pl.Int64)).alias("old_line"),
                (line if new_line else pl.lit(None, pl.Int64)).alias("new_line"))
        changed = part(self.before, "changed", True, False).with_columns(
            self.after.get_column(LINE).cast(pl.Int64).alias("new_line"))
        frames = [part(self.added, "added", False, True), part(self.removed, "removed", True, False), changed]
        return in_row_order(pl.concat(frames, how="vertical_relaxed"), self.kind, self.key).drop(order)

    def rows(self) -> list[dict[str, Any]]:
        """The ``rows`` list of the JSON contract, in key order."""
        compared = [c for c in self.columns if c not in self.key and c not in self.ignored]
        changes: dict[int, dict[str, list[Any]]] = {}
        for cell in self.cells().iter_rows(named=True):
            changes.setdefault(cell["index"], {})[cell["column"]] = [cell["old"], cell["new"]]
        added, removed = self.added.select(compared).to_dicts(), self.removed.select(compared).to_dicts()
        out: list[dict[str, Any]] = []
        for e in self.entries().iter_rows(named=True):
            key = {k: e[k] for k in self.key}
            if e["op"] == "changed":
                diff = changes.get(e["index"], {})
            elif e["op"] == "added":
                diff = {c: [None, v] for c, v in added[e["index"]].items() if v is not None}
            else:
                diff = {c: [v, None] for c, v in removed[e["index"]].items() if v is not None}
            out.append({"op": e["op"], "key": key, "changes": diff})
        return out

    def to_dict(self, stat: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "key": list(self.key), "summary": self.summary.to_dict()}
        if not stat:
            data["rows"] = self.rows()
        return data


@dataclass(frozen=True)
class FileDiff:
    """One manifest of a directory diff: ``status`` is added, removed, changed or unchanged."""

    path: str  # relative to both directories, with forward slashes
    status: str
    diff: ManifestDiff

    def to_dict(self, stat: bool = False) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, **self.diff.to_dict(stat)}


@dataclass(frozen=True)
class TreeDiff:
    """Two tenants (or two tiers) compared manifest by manifest."""

    old: str
    new: str
    files: tuple[FileDiff, ...]
    skipped: tuple[str, ...]  # files present that are not manifests omm can key (with the reason)
    skipped_differ: bool = False  # a skipped file is on one side only, or its bytes differ

    @property
    def equal(self) -> bool:
        return not self.skipped_differ and all(f.diff.equal for f in self.files)

    def to_dict(self, stat: bool = False) -> dict[str, Any]:
        totals = {op: sum(getattr(f.diff.summary, op) for f in self.files) for op in ("added", "removed", "changed")}
        return {"old": self.old, "new": self.new,
                "summary": {"files": len(self.files), "files_changed": sum(not f.diff.equal for f in self.files),
                            **totals},
                "files": [f.to_dict(stat) for f in self.files], "skipped": list(self.skipped)}


def _empty_cells(key: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(schema={"index": pl.UInt32, **{k: pl.String for k in key}, "column": pl.String,
                                "old": pl.String, "new": pl.String, "old_line": pl.Int64, "new_line": pl.Int64})
