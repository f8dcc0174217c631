"""Renderers of a :class:`toolkit.validation.ValidationReport`: text, json, github."""

from __future__ import annotations

from toolkit.findings import Finding
from toolkit.render.common import github_annotation, to_json
from toolkit.validation import ValidationReport

FORMATS = ("text", "json", "github")


def _place(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.line else f.file
    return f"{where}: {f.column}" if f.column else where


def finding_line(f: Finding) -> str:
    value = "" if f.value is None else f" {f.value!r}:"
    return f"{_place(f)}:{value} {f.message} [{f.rule}]"


def _shown(report: ValidationReport, limit: int) -> tuple[tuple[Finding, ...], int]:
    if limit <= 0 or report.error_count <= limit:
        return report.findings, 0
    return report.findings[:limit], report.error_count - limit


def text(report: ValidationReport, limit: int = 50) -> str:
    shown, rest = _shown(report, limit)
    lines = [finding_line(f) for f in shown]
    if rest:
        lines.append(f"… and {rest} more (--max-errors 0 lists them all)")
    return "\n".join(lines) + ("\n" if lines else "")


def json(report: ValidationReport, limit: int = 0) -> str:
    return to_json(report.to_dict())


def github(report: ValidationReport, limit: int = 50) -> str:
    shown, rest = _shown(report, limit)
    lines = [github_annotation("error", f"{f.column + ': ' if f.column else ''}"
                                        f"{f.message}{'' if f.value is None else f' (value {f.value!r})'}",
                               f.file, f.line, f"omm validate: {f.rule}") for f in shown]
    if rest:
        lines.append(github_annotation("warning", f"{rest} more validation errors not shown"))
    return "\n".join(lines) + ("\n" if lines else "")


def summary(report: ValidationReport) -> str:
    files = len(report.files)
    if report.valid:
        return f"✓ {files} file{'s' if files != 1 else ''} valid"
    bad = len({f.file for f in report.findings})
    return f"✗ {report.error_count} error{'s' if report.error_count != 1 else ''} in {bad} of {max(files, bad)} files"


def render(report: ValidationReport, fmt: str, limit: int) -> str:
    return {"text": text, "json": json, "github": github}[fmt](report, limit)
