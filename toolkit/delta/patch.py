"""``omm patch OLD DIFF``: apply a diff manifest, refusing when OLD is not the diff's base.

Planned, then applied: every removed and before record must be in OLD exactly as the diff says,
and no added record's key may be there already; only then is the new manifest built (one
anti-join and a concat) and written atomically. ``patch(a, diff(a, b))`` equals ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.errors import InputError
from toolkit.keys import first_duplicate
from toolkit.kinds import get_kind
from toolkit.tokens import absent_value
from toolkit.tsv import read_manifest, write_manifest

from .manifest import DiffRecords, from_manifest
from .result import LINE

OLD_LINE = "__old_line"


@dataclass(frozen=True)
class PatchResult:
    kind: str
    output: str | None
    frame: pl.DataFrame  # the patched manifest, canonical values, in its column order
    added: int
    removed: int
    changed: int
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    written: bool

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "output": self.output, "rows": self.frame.height,
                "summary": {"added": self.added, "removed": self.removed, "changed": self.changed,
                            "columns_added": list(self.columns_added), "columns_removed": list(self.columns_removed)}}


def patch(old: str | Path, diff_file: str | Path, out: str | Path | None = None, *, kind: str | None = None,
          encoding: str = "utf-8") -> PatchResult:
    """Apply the diff manifest ``diff_file`` to ``old``; write to ``out`` when given."""
    base = read_manifest(old, kind)
    d = from_manifest(read_manifest(diff_file, "diff"), base.kind.name)
    if d.kind != base.kind.name:
        raise InputError(f"{diff_file} is a diff of {d.kind} manifests but {old} is a {base.kind.name} manifest",
                         "patch the kind of manifest the diff was made from")
    _check_columns(str(old), base.header, d)
    frame = _complete(base.frame, base.header, d).with_columns(base.line_numbers().cast(pl.Int64).alias(OLD_LINE))
    _check_unique(str(old), frame, d.key)
    rec = d.records
    gone = rec.filter(pl.col("DiffOp").is_in(["removed", "before"]))
    _check_base(str(old), str(diff_file), frame, gone, d)
    _check_absent(str(old), str(diff_file), frame, rec.filter(pl.col("DiffOp") == "added"), d.key)
    kept = frame.join(gone.select(d.key), on=list(d.key), how="anti", nulls_equal=True)
    new = rec.filter(pl.col("DiffOp").is_in(["after", "added"])).select(d.columns)
    order = [c for c in d.columns if c not in d.columns_removed]
    result = pl.concat([kept.select(order), new.select(order)])
    written = False
    if out is not None:
        written = write_manifest(result, out, base.kind, encoding)
    counts = rec.get_column("DiffOp").value_counts()
    n = dict(zip(counts.get_column("DiffOp").to_list(), counts.get_column("count").to_list(), strict=True))
    return PatchResult(base.kind.name, str(out) if out is not None else None, result, n.get("added", 0),
                       n.get("removed", 0), n.get("after", 0), d.columns_added, d.columns_removed, written)


def _complete(frame: pl.DataFrame, header: tuple[str, ...], d: DiffRecords) -> pl.DataFrame:
    """OLD over the diff's columns: columns the diff adds read as what their absence means."""
    k = get_kind(d.kind)
    extra = [c for c in d.columns if c not in header]
    return frame.with_columns(pl.lit(absent_value(col) if (col := k.column(c)) else None, pl.String).alias(c)
                              for c in extra)


def _check_columns(old: str, header: tuple[str, ...], d: DiffRecords) -> None:
    if present := [c for c in d.columns_added if c in header]:
        raise _not_base(old, f"it already has column {present[0]}, which the diff adds")
    if missing := [c for c in d.columns_removed if c not in header]:
        raise _not_base(old, f"it has no column {missing[0]}, which the diff removes")
    if stray := [c for c in header if c not in d.columns]:
        raise _not_base(old, f"it has column {stray[0]}, which the diff does not know")


def _check_unique(old: str, frame: pl.DataFrame, key: tuple[str, ...]) -> None:
    dup = first_duplicate(frame, key, OLD_LINE)
    if dup is not None:
        raise InputError(f"{old}: duplicate key ({_key_text(dup.values, key)}) on lines "
                         f"{' and '.join(map(str, dup.lines[:2]))}",
                         "make each key unique before patching", rule="duplicate_key")


def _check_base(old: str, diff_file: str, frame: pl.DataFrame, gone: pl.DataFrame, d: DiffRecords) -> None:
    """Each removed/before record must be in OLD with exactly the values the diff recorded."""
    if not gone.height:
        return
    found = gone.join(frame, on=list(d.key), how="left", nulls_equal=True, suffix="\x00old")
    values = [c for c in d.columns if c not in d.key]
    missing = found.filter(pl.col(OLD_LINE).is_null())
    if missing.height:
        row = missing.sort(LINE).row(0, named=True)
        raise _not_base(old, f"{diff_file} line {row[LINE]} expects a row with key ({_key_text(row, d.key)}), "
                             f"which {old} lacks{_more(missing.height)}")
    diffs = [pl.when(pl.col(c).ne_missing(pl.col(f"{c}\x00old"))).then(pl.lit(c)) for c in values]
    bad = found.with_columns(pl.coalesce(diffs).alias("__col") if diffs else pl.lit(None, pl.String).alias("__col")
                             ).filter(pl.col("__col").is_not_null())
    if bad.height:
        row = bad.sort(LINE).row(0, named=True)
        col = row["__col"]
        raise _not_base(old, f"{diff_file} line {row[LINE]} expects {col}={row[col]!r} but {old} line "
                             f"{row[OLD_LINE]} has {row[col + chr(0) + 'old']!r}{_more(bad.height)}")


def _check_absent(old: str, diff_file: str, frame: pl.DataFrame, added: pl.DataFrame, key: tuple[str, ...]) -> None:
    clash = added.join(frame.select(*key, OLD_LINE), on=list(key), how="inner", nulls_equal=True)
    if clash.height:
        row = clash.sort(LINE).row(0, named=True)
        raise _not_base(old, f"{diff_file} line {row[LINE]} adds key ({_key_text(row, key)}), which {old} "
                             f"already has on line {row[OLD_LINE]}{_more(clash.height)}")


def _key_text(row: dict[str, Any], key: tuple[str, ...]) -> str:
    # Empty key cells are left out: a long key (assignments) is mostly empty.
    return ", ".join(f"{k}={row[k]}" for k in key if row[k] is not None) or "empty key"


def _more(n: int) -> str:
    return f" ({n - 1} more rows disagree)" if n > 1 else ""


def _not_base(old: str, why: str) -> InputError:
    return InputError(f"{old} is not the manifest this diff was made from: {why}",
                      "patch the OLD file the diff was made from, or make the diff again", rule="patch_base")
