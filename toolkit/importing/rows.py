"""The input side of an import: read the manifest leniently, find each row's first failure.

A structurally broken line, a value that breaks its schema rule and a name the tenant does not
have (channel, locale, asset, product) are all *row* failures: the row is reported in the result
manifest with an ErrorCode and the other rows go on (SPEC §6: one bad row never stops the others).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from toolkit.findings import Finding
from toolkit.importing.codes import code_for_rule
from toolkit.tsv import Manifest

ROW = "__row"
RESULT_COLUMNS = ("Result", "ResultTime", "ErrorCode", "ResultDescription")
FAILURE_SCHEMA = {ROW: pl.Int64, "ErrorCode": pl.String, "ResultDescription": pl.String}


@dataclass(frozen=True)
class Input:
    """The manifest being imported: ``frame`` holds its rows (canonical values, ``__row`` = index),
    ``failures`` the first failure of each failed row, ``malformed`` the lines left out."""

    manifest: Manifest
    frame: pl.DataFrame
    failures: pl.DataFrame
    malformed: tuple[Finding, ...]

    @property
    def path(self) -> str:
        return self.manifest.path


def _describe(f: Finding) -> str:
    value = "" if f.value is None else f" {f.value!r}"
    where = f"line {f.line}" + (f", {f.column}{value}" if f.column else "")
    return f"{where}: {f.message}"


def failures_from(manifest: Manifest, findings: Iterable[Finding], *, skip: frozenset[str] = frozenset()
                  ) -> pl.DataFrame:
    """The first finding (by place) of each row, as ``__row``, ErrorCode, ResultDescription.
    Findings on the header (a missing column) fail every row; ``skip`` names rules to ignore."""
    kept = sorted(f for f in findings if f.file == manifest.path and f.rule not in skip and f.line >= 1)
    if not kept:
        return pl.DataFrame(schema=FAILURE_SCHEMA)
    found = pl.DataFrame({"line": [f.line for f in kept], "ErrorCode": [code_for_rule(f.rule) for f in kept],
                          "ResultDescription": [_describe(f) for f in kept]},
                         schema={"line": pl.Int64, "ErrorCode": pl.String, "ResultDescription": pl.String})
    lines = pl.DataFrame({"line": manifest.line_numbers().cast(pl.Int64)}).with_row_index(ROW)
    lines = lines.with_columns(pl.col(ROW).cast(pl.Int64))
    header = found.filter(pl.col("line") == 1).head(1)
    per_row = lines.join(found.filter(pl.col("line") > 1), on="line", how="inner")
    if header.height:
        per_row = pl.concat([per_row, lines.join(header.drop("line"), how="cross")], how="diagonal")
    return per_row.select(ROW, "ErrorCode", "ResultDescription").unique(ROW, keep="first", maintain_order=True)


def prepare(manifest: Manifest, findings: Iterable[Finding], *, skip: frozenset[str] = frozenset()) -> Input:
    frame = manifest.frame.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    return Input(manifest, frame, failures_from(manifest, findings, skip=skip),
                 tuple(p for p in manifest.problems if p.line > 1))


def first_failure(*frames: pl.DataFrame) -> pl.DataFrame:
    """Merge failure frames, keeping the earliest-listed failure of each row."""
    parts = [f.select(ROW, "ErrorCode", "ResultDescription") for f in frames if f.height]
    if not parts:
        return pl.DataFrame(schema=FAILURE_SCHEMA)
    return pl.concat(parts).unique(ROW, keep="first", maintain_order=True)


def fail(frame: pl.DataFrame, condition: pl.Expr, code: str, description: pl.Expr | str) -> pl.DataFrame:
    """Failures of the rows of ``frame`` where ``condition`` holds."""
    text = pl.lit(description) if isinstance(description, str) else description
    return frame.filter(condition).select(ROW, ErrorCode=pl.lit(code), ResultDescription=text.cast(pl.String))
