"""Schema validation of one manifest, with a report of our own.

Pandera runs every rule lazily; this module turns its ``failure_cases`` into findings with
file line numbers, sorted by place, and drops cascade noise: a row rule is not reported for a
row whose cells it reads already failed their own column rule, and a cell reports one failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from schemas.rules import Rule, unique_rows
from toolkit.errors import InputError
from toolkit.findings import Finding, findings_from
from toolkit.integrity import tenant_findings
from toolkit.kinds import Column, Kind, get_kind
from toolkit.screening import passes_in_memory, prepared, screen_file
from toolkit.tsv import Manifest, read_manifest
from toolkit.workspace import REQUIRED_MANIFESTS, looks_like_tenant, tenant_at, tenant_ids

_FINDING_SCHEMA = {"row": pl.Int64, "column": pl.String, "rule": pl.String, "value": pl.String,
                   "message": pl.String, "order": pl.Int64}


def _cell_message(col: Column, check: str) -> tuple[str, str]:
    """The rule name and sentence for a failed column check."""
    if check == "not_nullable":
        return "required_value", f"{col.name} needs a value"
    if check.startswith("isin") and col.enum:
        return "enum", f"{col.name} must be one of {', '.join(col.enum)}"
    if col.expect:
        return "format", f"{col.name} must be {col.expect}"
    return "format", f"{col.name} must match {col.pattern}" if col.pattern else f"{col.name} failed {check}"


def validation_frame(manifest: Manifest) -> pl.DataFrame:
    """The frame Pandera sees: every schema column present (an absent one as what absence means)
    and the helper columns the kind's rules read."""
    return prepared(manifest.frame, manifest.kind, manifest.frame.columns)


def _header_findings(manifest: Manifest) -> list[Finding]:
    present = set(manifest.frame.columns)
    return [
        Finding(manifest.path, 1, c.name, "missing_column", None,
                f"required column {c.name} is missing from the header")
        for c in manifest.kind.columns if c.required and c.name not in present
    ]


def _cell_failures(cases: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    cells = cases.filter(pl.col("schema_context") == "Column", pl.col("index").is_not_null())
    rows = []
    for (name, check), group in cells.group_by(["column", "check"], maintain_order=True):
        col = kind.column(str(name))
        if col is None:
            continue
        rule, message = _cell_message(col, str(check))
        rows.append(group.select(
            row=pl.col("index").cast(pl.Int64), column=pl.lit(col.name), rule=pl.lit(rule),
            value=pl.col("failure_case").cast(pl.String), message=pl.lit(message),
            order=pl.lit(0 if rule == "required_value" else 1, pl.Int64),
        ))
    frame = pl.concat(rows) if rows else pl.DataFrame(schema=_FINDING_SCHEMA)
    return frame.sort("row", "column", "order").unique(["row", "column"], keep="first", maintain_order=True)


def _rule_of(kind: Kind, check: str) -> tuple[str, Rule]:
    """The rule behind a Pandera check name; Config.unique failures are the kind's duplicate_key."""
    if check == "multiple_fields_uniqueness":
        test = unique_rows(list(kind.unique))
        return "duplicate_key", Rule(kind.unique[0], kind.unique, f"duplicate key {'+'.join(kind.unique)}", test)
    return check, kind.rules[check]


def _anchored_messages(idx: pl.DataFrame, frame: pl.DataFrame, manifest: Manifest, rule: Rule) -> list[str]:
    """Each failing row's message, completed with the line (and value) of its group's first row."""
    anchor = rule.test.anchor
    if anchor is None:
        return [rule.message] * idx.height
    where = anchor.where if anchor.where is not None else pl.lit(True)
    keyed = frame.lazy().select(g=anchor.group, w=where).with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
    firsts = keyed.filter(pl.col("w")).group_by("g").agg(first=pl.col("row").min())
    found = idx.lazy().join(keyed, on="row", how="left").join(firsts, on="g", how="left").collect()
    first = found.get_column("first").fill_null(found.get_column("row"))
    lines = manifest.line_numbers().gather(first).to_list()
    values = manifest.written(rule.column, first).to_list() if rule.column in manifest.header else [None] * len(lines)
    return [f"{rule.message}; {anchor.says.format(line=ln, value=v if v is not None else '(empty)')}"
            for ln, v in zip(lines, values, strict=True)]


def _row_failures(cases: pl.DataFrame, frame: pl.DataFrame, manifest: Manifest, cells: pl.DataFrame,
                  absent: set[str]) -> pl.DataFrame:
    rows_ = cases.filter(pl.col("schema_context") == "DataFrameSchema", pl.col("index").is_not_null())
    out = []
    for (check,), group in rows_.group_by(["check"], maintain_order=True):
        name, rule = _rule_of(manifest.kind, str(check))
        if absent & set(rule.columns):
            continue  # the missing column is already reported once, on the header
        idx = group.select(row=pl.col("index").cast(pl.Int64)).unique(maintain_order=True)
        # Cascade noise: a row rule says nothing new where a cell it reads already failed.
        noisy = cells.filter(pl.col("column").is_in(list(rule.columns))).select("row")
        idx = idx.join(noisy, on="row", how="anti").sort("row")
        # Report the rows the rule itself names (Pandera's Config.unique also flags each first occurrence).
        passes = frame.select(rule.expr.fill_null(True)).to_series().gather(idx.get_column("row"))
        idx = idx.filter(~passes)
        out.append(idx.with_columns(
            column=pl.lit(rule.column), rule=pl.lit(name),
            value=frame.get_column(rule.column).gather(idx.get_column("row")),
            message=pl.Series(_anchored_messages(idx, frame, manifest, rule), dtype=pl.String),
            order=pl.lit(2, pl.Int64),
        ))
    return pl.concat(out) if out else pl.DataFrame(schema=_FINDING_SCHEMA)


def validate_manifest(manifest: Manifest) -> tuple[Finding, ...]:
    """Every finding of one manifest: structure, header, cells and row rules, sorted."""
    findings = list(manifest.problems) + _header_findings(manifest)
    frame = validation_frame(manifest)
    if passes_in_memory(manifest, frame):
        return tuple(sorted(findings))
    from pandera.errors import SchemaErrors  # only here: a file screening proves valid never loads Pandera

    try:
        manifest.kind.model.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        absent = {f.column for f in findings if f.rule == "missing_column"}
        cells = _cell_failures(cases, manifest.kind).filter(~pl.col("column").is_in(list(absent)))
        rows = _row_failures(cases, frame, manifest, cells, absent)
        findings += findings_from(manifest, pl.concat([cells, rows]))
    return tuple(sorted(findings))


@dataclass(frozen=True)
class ValidationReport:
    """What ``omm validate`` found in files and tenants."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return not self.findings

    @property
    def error_count(self) -> int:
        return len(self.findings)

    def to_dict(self) -> dict[str, object]:
        return {"valid": self.valid, "error_count": self.error_count,
                "errors": [f.to_dict() for f in self.findings]}


def _file(path: Path, kind: str | None, screen: bool = False) -> tuple[Manifest | None, list[Finding]]:
    if screen and screen_file(path, kind):
        return None, []  # proven valid straight from the file; no need to load it
    try:
        manifest = read_manifest(path, kind, strict=False)
    except InputError as exc:
        message = str(exc).removeprefix(f"{path}: ")
        return None, [Finding(str(path), 1, exc.column, exc.rule, None, message)]
    return manifest, list(validate_manifest(manifest))


def _tenant(root: Path) -> tuple[list[str], list[Finding]]:
    t = tenant_at(root)
    findings = [Finding(str(root / rel), 0, "", "missing_manifest", None, f"the tenant has no {rel}; "
                        "create the tenant with omm tenant init or restore the file")
                for rel in REQUIRED_MANIFESTS if not (root / rel).is_file()]
    by_kind: dict[str, Manifest] = {}
    files = []
    for kind, path in t.manifests():
        manifest, found = _file(path, kind)
        files.append(str(path))
        findings += found
        if manifest is not None:
            by_kind.setdefault(kind, manifest)
    return files, findings + tenant_findings(by_kind)


def validate(paths: list[str | Path] | tuple[str | Path, ...], kind: str | None = None) -> ValidationReport:
    """Validate manifest files, tenant directories and workspaces (every tenant in them)."""
    if kind is not None:
        get_kind(kind)  # an unknown --kind is a usage error, not a finding in every file
    files: list[str] = []
    findings: list[Finding] = []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise InputError(f"{p}: no such file or directory", "check the path")
        if p.is_file():
            files.append(str(p))
            findings += _file(p, kind, screen=True)[1]
            continue
        if (p / "tenants").is_dir():
            roots = [p / "tenants" / t for t in tenant_ids(p)]
        elif looks_like_tenant(p):
            roots = [p]
        else:
            tsvs = sorted(p.rglob("*.tsv"))
            files += [str(f) for f in tsvs]
            findings += [x for f in tsvs for x in _file(f, kind, screen=True)[1]]
            continue
        for root in roots:
            fs, found = _tenant(root)
            files += fs
            findings += found
    return ValidationReport(tuple(files), tuple(sorted(findings)))
