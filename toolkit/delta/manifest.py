"""A diff as a manifest (kind ``diff``): what ``omm diff --format tsv`` writes and ``omm patch`` reads."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.errors import InputError
from toolkit.kinds import get_kind
from toolkit.tokens import canonicalize
from toolkit.tsv import Manifest

from .result import LINE, ManifestDiff

META = ("DiffSeq", "DiffOp", "DiffKind", "DiffKey", "DiffColumn")


def to_frame(d: ManifestDiff) -> pl.DataFrame:
    """The diff manifest of ``d``: column changes first, then records in key order."""
    head = [*(("column-added", c) for c in d.summary.columns_added),
            *(("column-removed", c) for c in d.summary.columns_removed)]
    ops = pl.DataFrame({"DiffOp": [op for op, _ in head], "DiffColumn": [c for _, c in head]},
                       schema={"DiffOp": pl.String, "DiffColumn": pl.String})
    ops = ops.with_columns(pl.int_range(1, len(head) + 1, dtype=pl.Int64).alias("DiffSeq"))
    entries = d.entries().with_row_index("DiffSeq", offset=len(head) + 1).select(
        pl.col("DiffSeq").cast(pl.Int64), "op", "index")
    parts = [ops]
    for frame, op, label in ((d.added, "added", "added"), (d.removed, "removed", "removed"),
                             (d.before, "changed", "before"), (d.after, "changed", "after")):
        seqs = entries.filter(pl.col("op") == op).select("DiffSeq", "index")
        parts.append(frame.drop(LINE).with_row_index("index").join(seqs, on="index", how="inner")
                     .drop("index").with_columns(pl.lit(label).alias("DiffOp")))
    body = pl.concat(parts, how="diagonal_relaxed")
    body = body.with_columns(pl.col("DiffSeq").cast(pl.String), pl.lit(d.kind).alias("DiffKind"),
                             pl.lit(",".join(d.key)).alias("DiffKey"))
    for c in d.columns:
        if c not in body.columns:
            body = body.with_columns(pl.lit(None, pl.String).alias(c))
    return body.select(*META, *d.columns)


@dataclass(frozen=True)
class DiffRecords:
    """A diff manifest read back for patching: records spelled canonically as their own kind."""

    kind: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    records: pl.DataFrame  # DiffSeq (Int64), DiffOp, LINE, then the record columns


def from_manifest(m: Manifest, default_kind: str) -> DiffRecords:
    """Read the records of a diff manifest, refusing one that is not well formed."""
    f = m.frame.with_columns(m.line_numbers().cast(pl.Int64).alias(LINE))
    kind = _single(m, f, "DiffKind") or default_kind
    key = tuple(k for k in (_single(m, f, "DiffKey") or ",".join(get_kind(kind).key)).split(",") if k)
    columns = tuple(c for c in m.header if c not in META)
    if missing := [k for k in key if k not in columns]:
        raise InputError(f"{m.path}: the diff is keyed on {', '.join(missing)} but has no such column",
                         "make the diff again with omm diff --format tsv")
    cols = f.filter(pl.col("DiffOp").is_in(["column-added", "column-removed"]))
    added = tuple(cols.filter(pl.col("DiffOp") == "column-added").get_column("DiffColumn").drop_nulls())
    removed = tuple(cols.filter(pl.col("DiffOp") == "column-removed").get_column("DiffColumn").drop_nulls())
    rec = f.filter(~pl.col("DiffOp").is_in(["column-added", "column-removed"])).select(
        pl.col("DiffSeq").cast(pl.Int64, strict=False), "DiffOp", LINE, *columns)
    rec = canonicalize(rec, get_kind(kind))[0] if rec.height else rec
    _check_pairs(m, rec)
    return DiffRecords(kind, key, columns, added, removed, rec)


def _single(m: Manifest, f: pl.DataFrame, column: str) -> str | None:
    if column not in f.columns:
        return None
    values = f.get_column(column).drop_nulls().unique().sort()
    if values.len() > 1:
        raise InputError(f"{m.path}: {column} holds several values ({', '.join(values.to_list())})",
                         "a diff manifest describes one pair of manifests; make it again with omm diff")
    return values.item() if values.len() else None


def _check_pairs(m: Manifest, rec: pl.DataFrame) -> None:
    """Every before row has its after row (same DiffSeq) and the other way round."""
    halves = rec.filter(pl.col("DiffOp").is_in(["before", "after"]))
    counts = halves.group_by("DiffSeq").agg(pl.col("DiffOp").sort().alias("ops"), pl.col(LINE).min())
    bad = counts.filter(pl.col("ops").list.join(",") != "after,before").sort(LINE)
    if bad.height:
        line = bad.row(0, named=True)[LINE]
        raise InputError(f"{m.path}: line {line}: a changed record needs one before row and one after row "
                         "with the same DiffSeq", "make the diff again with omm diff --format tsv", rule="diff_pair")
