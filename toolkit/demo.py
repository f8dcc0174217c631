"""``omm demo``: build a workspace from ``fixtures/`` and walk the story, step by step.

Each step calls the library as a user's script would and keeps what it did, rendered as the
CLI would print it, so the demo doubles as an end-to-end check.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UsageError, WorkspaceError
from toolkit.formatting import format_paths
from toolkit.render import validation as render_validation
from toolkit.schema_doc import kinds_overview
from toolkit.validation import validate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class DemoStep:
    title: str
    command: str
    output: tuple[str, ...]
    ok: bool = True


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    steps: tuple[DemoStep, ...]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


def _prepare(target: Path | None) -> Path:
    source = FIXTURES / "workspace"
    if not source.is_dir():
        raise WorkspaceError(f"demo data not found at {source}", "run omm demo from a clone of the omm repository")
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="omm-demo-"))
    elif target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty", "give omm demo a new or empty directory")
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def _validate_step(ws: Path) -> DemoStep:
    report = validate([ws])
    return DemoStep("Validate both tenants (schemas and cross-manifest integrity)",
                    f"omm validate {ws}", (render_validation.summary(report),), report.valid)


def _fmt_step(ws: Path) -> DemoStep:
    result = format_paths([ws], check=True)
    lines = (f"{len(result.files)} manifests checked, {len(result.changed)} not canonical",)
    return DemoStep("Check that every manifest is in canonical form", f"omm fmt --check {ws}", lines,
                    not result.changed and not result.errors)


def _spreadsheet_step(ws: Path) -> DemoStep:
    source = FIXTURES / "manifests" / "spreadsheet-export.tsv"
    target = ws / "spreadsheet-export.tsv"
    shutil.copyfile(source, target)
    before = source.read_bytes()
    result = format_paths([target])
    after = target.read_text(encoding="utf-8").splitlines()
    lines = (f"before: {len(before)} bytes of UTF-16 with CRLF, columns shuffled, 'master', 'Omnichannel', "
             "'Neutral', '01', '+01:00' offsets, upper-case GUIDs",
             f"after:  {target.stat().st_size} bytes of canonical UTF-8, sorted by key; the 'Reviewer notes' column kept",
             *(f"  {line[:110]}" for line in after[:3]))
    return DemoStep("Format a spreadsheet export into canonical form", f"omm fmt {target}", lines,
                    bool(result.changed) and not result.errors)


def _bad_step(ws: Path) -> DemoStep:
    bad = ws / "several-errors.tsv"
    shutil.copyfile(FIXTURES / "bad" / "several-errors.tsv", bad)
    report = validate([bad])
    shown = render_validation.text(report, limit=4).splitlines()
    return DemoStep("Validate a broken manifest: every failure, with file, line, column and value",
                    f"omm validate {bad}",
                    (*shown, render_validation.summary(report)), not report.valid)


def _schema_step() -> DemoStep:
    kinds = kinds_overview()
    lines = tuple(f"{k['kind']:<15} key {' + '.join(k['key'])}" for k in kinds[:4])
    return DemoStep(f"Describe the {len(kinds)} manifest kinds", "omm schema", (*lines, "…"))


def run_demo(target: Path | None = None) -> DemoResult:
    """Copy the fixture workspace to ``target`` (a new temporary directory by default) and run the story."""
    ws = _prepare(target)
    steps = (_validate_step(ws), _fmt_step(ws), _spreadsheet_step(ws), _schema_step(), _bad_step(ws))
    return DemoResult(ws, steps)
