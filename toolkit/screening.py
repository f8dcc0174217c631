"""Screening: prove a manifest valid with a few Polars queries, before anything is reported.

Every column check and row rule of a kind, built from its schema, is asked as an aggregate ("does
any row fail?"), rules about groups once per group. In memory this spares a valid frame Pandera's
per-check collects. Straight from a file, as one streaming query, it also spares loading the file:
a file proven valid is done; anything unproven goes the full way (read, canonicalize, Pandera),
which names every failure.
"""

from __future__ import annotations

import mmap
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

import polars as pl

from schemas.rules import Aggregate, unique_rows
from toolkit.errors import InputError
from toolkit.kinds import Kind, detect_kind, get_kind
from toolkit.tokens import absent_value, canonical_row
from toolkit.tsv import Manifest
from toolkit.tsv.decode import looks_utf16_without_bom
from toolkit.tsv.parse import Layout, count_byte_in_file, has_quoted_fields, mapped, read_header

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


def _column_checks(kind: Kind, skip: frozenset[str], canonical: bool) -> list[pl.Expr]:
    """Per column and row: a value where one is required, and the format check; with ``canonical``
    the value must also already be spelled canonically (the file is not rewritten on this path)."""
    checks: list[pl.Expr] = []
    for col in kind.columns:
        s = pl.col(col.name)
        if not col.nullable:
            checks.append(s.is_not_null())
        if col.name in skip:
            continue  # the canonical-token probe already ran exactly this check
        # EntityType's own check below proves it canonical, so rules may compare it exactly.
        probe = canonical_row(col, types_canonical=True) if canonical and col.token else None
        if probe is not None:
            checks.append(probe)
        elif col.allowed:
            checks.append(s.is_null() | s.is_in(list(col.allowed)))
        elif col.pattern:
            checks.append(s.is_null() | s.str.contains(col.pattern))
    return checks


class _Narrow:
    """The per-row inputs of aggregates, as named columns of one select; an input asked for twice
    (say, the set id two rules group by) is one column."""

    def __init__(self) -> None:
        self.columns: dict[str, pl.Expr] = {}

    def verdict(self, aggregate: Aggregate) -> pl.Expr:
        names = [self._name(e) for e in aggregate.inputs]
        return aggregate.verdict(*(pl.col(n) for n in names))

    def _name(self, expr: pl.Expr) -> str:
        for name, known in self.columns.items():
            if known.meta.eq(expr):
                return name
        name = f"_in{len(self.columns)}"
        self.columns[name] = expr
        return name


def check_queries(kind: Kind, lf: pl.LazyFrame, *, skip: frozenset[str] = frozenset(),
                  canonical: bool = False, extra: Mapping[str, Aggregate] | None = None) -> list[pl.LazyFrame]:
    """Queries whose first cell is true exactly when every check of ``kind`` passes on ``lf``
    (a frame prepared as validation prepares it). ``extra`` aggregates ride along in the first.

    The first query is two selects: every per-row check and the inputs of every aggregate (a few
    hashes) as narrow columns, then one row of verdicts. Aggregates such as distinct counts do
    not stream, and the rows they wait for are then these narrow columns, not the file's text.
    """
    row_checks = _column_checks(kind, skip, canonical)
    aggregates: list[Aggregate] = []
    groups: dict[str, tuple[pl.Expr, pl.Expr | None, list[pl.Expr]]] = {}
    for rule in kind.rules.values():
        t = rule.test
        if t.grouped is not None:
            groups.setdefault(f"{t.grouped.by}|{t.grouped.where}", (t.grouped.by, t.grouped.where, []))[2].append(
                t.grouped.agg)
        elif t.holds is not None:
            aggregates.append(t.holds)
        else:
            row_checks.append(t.expr)
    if kind.unique:
        aggregates.append(unique_rows(list(kind.unique)).holds)
    narrow = _Narrow()
    verdicts = [pl.col("_rows").all()] + [narrow.verdict(a) for a in aggregates]
    named = [narrow.verdict(a).alias(name) for name, a in (extra or {}).items()]
    rows = pl.all_horizontal(row_checks) if row_checks else pl.lit(True)
    first = lf.select(rows.alias("_rows"), **narrow.columns)
    queries = [first.select(pl.all_horizontal([v.alias(f"c{i}") for i, v in enumerate(verdicts)]).alias("ok"),
                            *named)]
    for by, where, aggs in groups.values():
        sel = lf.filter(where) if where is not None else lf
        agg = sel.group_by(by.alias("_group")).agg(pl.all_horizontal([a.alias(f"a{i}") for i, a in enumerate(aggs)]))
        queries.append(agg.select(pl.all().exclude("_group").all().alias("ok")))
    return queries


def passes_in_memory(manifest: Manifest, frame: pl.DataFrame) -> bool:
    """Whether ``frame`` (the manifest prepared for validation) passes every check."""
    if not frame.height:
        return True
    queries = check_queries(manifest.kind, frame.lazy(), skip=manifest.clean_columns)
    return all(bool(df.item(0, "ok")) for df in pl.collect_all(queries))


def prepared(frame: FrameT, kind: Kind, present: list[str] | tuple[str, ...]) -> FrameT:
    """``frame`` as the checks expect it: every schema column there (an absent one as what absence
    means, e.g. Neutral for a locale) and the helper columns the kind's rules read."""
    absent = [c for c in kind.columns if c.name not in present]
    frame = frame.with_columns(pl.lit(absent_value(c), pl.String).alias(c.name) for c in absent)
    return frame.with_columns(**kind.derived) if kind.derived else frame


def _scan(path: Path, kind: Kind, header: tuple[str, ...]) -> pl.LazyFrame:
    lf = pl.scan_csv(path, separator="\t", has_header=True, infer_schema=False, quote_char=None,
                     truncate_ragged_lines=False)
    return prepared(lf, kind, header)


def _plain_utf8(mm: mmap.mmap) -> bool:
    head = mm[:4096]
    return not head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) and not looks_utf16_without_bom(head)


def screen_file(path: str | Path, kind: str | None = None) -> bool:
    """True when the file is proven valid and canonical as it stands; False when it may not be
    (then the full validation says why). Only plain UTF-8 files without quoted fields qualify."""
    p = Path(path)
    try:
        with p.open("rb") as fh, mapped(fh) as mm:
            if not _plain_utf8(mm) or has_quoted_fields(mm):
                return False
            header = read_header(mm, str(p))  # raises on an empty or duplicated column name
            layout, carriage = Layout.of(mm), mm.find(b"\r") >= 0
        # Unmapped before the scan maps the file again: both would count as resident at once.
        k = get_kind(kind or detect_kind(header, p))
        extra = {"rows": Aggregate((), pl.len),
                 "gaps": Aggregate((pl.col(header[-1]).is_null(),), pl.Expr.sum),
                 "cells": Aggregate((pl.sum_horizontal(pl.col(header).str.len_bytes().cast(pl.Int64)),),
                                    pl.Expr.sum)}
        results = pl.collect_all(check_queries(k, _scan(p, k, header), canonical=True, extra=extra),
                                 engine="streaming")
        first = results[0].row(0, named=True)
        short_rows = layout.ragged_end(len(header)) or (
            first["gaps"] > 0 and not _every_row_full(p, layout, carriage, len(header), first))
    except (OSError, ValueError, InputError, pl.exceptions.PolarsError):
        return False  # unreadable, empty, ragged, bad UTF-8, unknown kind: the full path reports it
    return not short_rows and all(bool(df.item(0, "ok")) for df in results)


def _every_row_full(path: Path, layout: Layout, carriage: bool, width: int, counts: dict[str, int]) -> bool:
    """Whether no row was short: Polars pads one with nulls, like empty trailing cells.

    The scan refuses a row with too many fields, so the file's bytes add up to header + cells +
    rows × width (tabs and newlines) exactly when every row has ``width`` fields
    (:meth:`toolkit.tsv.parse.Layout.adds_up`). Carriage returns, which the scan drops before a newline,
    would spoil that sum: with any, the tabs are counted instead.
    """
    if not carriage:
        return layout.adds_up(counts["cells"], counts["rows"], width)
    return count_byte_in_file(str(path), b"\t") == (width - 1) * (counts["rows"] + 1)
