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


def _diff_step(ws: Path) -> DemoStep:
    from toolkit.delta import diff
    from toolkit.render.diff import text

    dev, prod = ws / "tenants" / "contoso-dev", ws / "tenants" / "contoso-prod"
    result = diff(dev, prod, ignore=["EntityLastModifiedOn"])
    lines = tuple(text(result, stat=True).splitlines())
    return DemoStep("Diff two tenants manifest by manifest (keyed, cell level)",
                    f"omm diff {dev} {prod} --stat --ignore EntityLastModifiedOn", lines, not result.equal)


def _patch_step(ws: Path) -> DemoStep:
    from toolkit.delta import diff_files, patch, to_frame
    from toolkit.tsv import manifest_bytes, read_manifest

    old, new = FIXTURES / "diff" / "old" / "cms" / "assignments.tsv", FIXTURES / "diff" / "new" / "cms" / "assignments.tsv"
    changes, out = ws / "changes.tsv", ws / "patched.tsv"
    d = diff_files(old, new)
    changes.write_bytes(manifest_bytes(to_frame(d), "diff"))
    result = patch(old, changes, out)
    same = out.read_bytes() == manifest_bytes(read_manifest(new))
    lines = (f"diff: {d.summary.changed} changed, {d.summary.added} added, {d.summary.removed} removed rows "
             f"(CRLF, reordered columns and 'Neutral' spellings in NEW are no difference)",
             f"patch: {result.changed} changed, {result.added} added, {result.removed} removed → {out.name}; "
             f"equals NEW canonically: {same}")
    return DemoStep("Make a diff manifest and patch it back", f"omm diff OLD NEW --format tsv -o {changes.name} && "
                    f"omm patch OLD {changes.name} -o {out.name}", lines, same)


def _merge_step(ws: Path) -> DemoStep:
    from toolkit.merging import merge

    m = FIXTURES / "merge"
    out = ws / "merged-media.tsv"
    result = merge(m / "assets-ours.tsv", m / "assets-theirs.tsv", m / "assets-base.tsv", out=out,
                   on_conflict="latest")
    s = result.summary
    lines = (f"{s.rows} rows; {s.taken_ours} keys from ours, {s.taken_theirs} from theirs; "
             f"{s.conflicts} conflicts decided by --on-conflict latest → {out.name}",)
    return DemoStep("Three-way merge of two edits of one export", "omm merge ours.tsv theirs.tsv --base base.tsv "
                    f"--on-conflict latest -o {out.name}", lines, out.is_file())


def _import_steps(ws: Path) -> tuple[DemoStep, ...]:
    from toolkit.importing.job import ImportOptions, import_manifest
    from toolkit.render.importing import summary
    from toolkit.workspace import tenant

    t = tenant(ws, "contoso-dev")
    manifests, media = FIXTURES / "manifests", str(FIXTURES / "media")
    opts = ImportOptions(media_dir=media, user="demo")
    assets = import_manifest(t, manifests / "import-assets.tsv", opts)
    sets = import_manifest(t, manifests / "import-assignments.tsv", ImportOptions(user="demo"))
    again = import_manifest(t, t.root / str(assets.result), opts)
    bad = import_manifest(t, manifests / "import-assets-bad.tsv", opts)
    cmd = f"omm --workspace {ws} import"
    return (
        DemoStep("Import new assets: binaries hashed into cms/blobs, ids given, 3 published and 1 draft",
                 f"{cmd} {manifests / 'import-assets.tsv'} --tenant contoso-dev --media-dir {media}",
                 tuple(summary(assets).splitlines()), assets.rows.failed == 0),
        DemoStep("Import assignment sets (whole sets: published, a matrix cell, a variant draft, a category)",
                 f"{cmd} {manifests / 'import-assignments.tsv'} --tenant contoso-dev",
                 tuple(summary(sets).splitlines()), sets.rows.failed == 0),
        DemoStep("Import the result manifest again: every row matches what it created, nothing is duplicated",
                 f"{cmd} {ws / 'tenants/contoso-dev' / str(assets.result)} --tenant contoso-dev --media-dir {media}",
                 tuple(summary(again).splitlines()), again.rows.skipped == again.rows.total),
        DemoStep("Import a manifest with one bad row per class: each fails with its own ErrorCode, the rest import",
                 f"{cmd} {manifests / 'import-assets-bad.tsv'} --tenant contoso-dev --media-dir {media}",
                 tuple(summary(bad).splitlines()), bad.rows.failed == 11 and bad.rows.succeeded == 2),
    )


def run_demo(target: Path | None = None) -> DemoResult:
    """Copy the fixture workspace to ``target`` (a new temporary directory by default) and run the story."""
    ws = _prepare(target)
    steps = (_validate_step(ws), _fmt_step(ws), _spreadsheet_step(ws), _schema_step(), _bad_step(ws),
             *_import_steps(ws), _diff_step(ws), _patch_step(ws), _merge_step(ws))
    return DemoResult(ws, steps)
