"""``omm demo`` (SPEC §6, issue 7): builds a workspace from fixtures/ and walks the whole story, step by step."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import toolkit.demo
from tests.helpers import FIXTURES, PYTHON, REPO, WORKSPACE
from toolkit.demo import DemoResult, DemoStep, run_demo
from toolkit.demo.model import Chapter, Story
from toolkit.errors import UsageError
from toolkit.validation import validate

TITLES = [
    "Describe a manifest kind (one of 12)",
    "Validate a broken manifest",
    "Format a spreadsheet export into canonical form",
    "Check that both tenants are in canonical form",
    "Import new assets",
    "Import assignment sets",
    "Import the result manifest again",
    "Import a manifest with one bad row per class",
    "Validate both tenants after the imports",
    "Alice finishes editing the t-shirt",
    "Publish the t-shirt: refused, with the reason",
    "Publish it with its dependencies",
    "Sync: CMS → HQ → each channel's CSU, and search",
    "Why does a variant show these images?",
    "Preview the gallery as the channel will show it",
    "Export a product's assignments for editing",
    "Edit the export with a Polars script: show the back view first",
    "Diff the export before and after the edit",
    "Ship the change as a diff manifest and patch it in",
    "Meanwhile a colleague edits the same export",
    "Three-way merge of the two edits",
    "Import the merged file",
    "Publish the jeans (and sync, as publish does)",
    "The channels now lead with the back view",
    "Plan the copy to production",
    "Copy, without asking (--yes, for scripts)",
    "The same variant in production's online channel",
    "Migrate a legacy media library",
    "Import what the migration wrote",
    "Every change was a job",
    "Both tenants are still valid",
]


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """One run of the whole story, into an existing empty directory."""
    return run_demo(tmp_path_factory.mktemp("demo"))


def _step(result: DemoResult, title: str) -> DemoStep:
    return next(s for s in result.steps if s.title == title)


def test_every_step_is_there_and_ok(demo: DemoResult) -> None:
    assert [s.title for s in demo.steps] == TITLES
    assert demo.ok, [s.title for s in demo.steps if not s.ok]
    for s in demo.steps:
        assert isinstance(s, DemoStep) and s.why and s.chapter and s.output, s.title
        assert s.command.startswith(("omm ", "python edit_jeans.py ")), s.command
        assert str(demo.workspace) not in s.command + "\n".join(s.output), s.title  # shown as run in the workspace
    assert len({s.chapter for s in demo.steps}) == 7
    assert 0 < demo.seconds < 120


def test_the_checks_are_real(demo: DemoResult) -> None:
    n = len(list(WORKSPACE.rglob("*.tsv")))
    assert _step(demo, "Validate both tenants after the imports").output == (f"✓ {n} files valid",)
    assert _step(demo, "Check that both tenants are in canonical form").output == (
        f"0 files would be reformatted, {n} already canonical",)
    broken = _step(demo, "Validate a broken manifest").output
    assert broken[0].startswith("inputs/several-errors.tsv:3: InternalMediaId: 'not-a-uuid'")
    assert broken[-1] == "✗ 16 errors in 1 of 1 files"
    refused = _step(demo, "Publish the t-shirt: refused, with the reason").output
    assert refused[0].startswith("omm: error: 81120 in tenant contoso-dev: 1 set uses unpublished media 0879034e-")
    # fixtures/README.md, expected resolutions: 93039-001 → the cell 93039|Color:Black, in dev and (mapped) in prod
    for title in ("Why does a variant show these images?", "The same variant in production's online channel"):
        out = _step(demo, title).output
        assert out[-4].endswith("dimension matrix 93039|Color:Black        Omnichannel/system_neutral   WINS"), out
        assert "* Primary       1  7c522f2e-2a89-4557-86d3-1b8889c5b44e" in out[-2]
    assert _step(demo, "Diff the export before and after the edit").output[-1] == (
        "2 changed, 0 added, 0 removed, 16 unchanged")
    assert _step(demo, "Ship the change as a diff manifest and patch it in").output[-1] == (
        "(jeans-patched.tsv is byte for byte jeans-ours.tsv: True)")
    assert _step(demo, "Three-way merge of the two edits").output == (
        "✓ merged 17 rows into jeans-merged.tsv: 2 taken from ours, 1 from theirs",)
    lead = _step(demo, "The channels now lead with the back view").output
    assert "* Primary       1  59c96fad-e227-402c-abec-6fefba40d6be" in lead[3]
    assert _step(demo, "Migrate a legacy media library").output[0] == (
        "migrated 18 of 26 legacy files for contoso-dev → migrated")
    assert validate([demo.workspace]).valid


def test_the_edit_script_runs_as_shown(demo: DemoResult, tmp_path: Path) -> None:
    """The command the edit step shows, typed in the workspace, gives the file the demo went on with."""
    ws = demo.workspace
    subprocess.run([PYTHON, "edit_jeans.py", "ours", "jeans.tsv", tmp_path / "mine.tsv"], cwd=ws, check=True)
    assert (tmp_path / "mine.tsv").read_bytes() == (ws / "jeans-ours.tsv").read_bytes()


def test_demo_cli_walks_every_step(run_cli, tmp_path) -> None:
    fixtures_before = _digest(FIXTURES)
    target = tmp_path / "x"
    code, out, err = run_cli(["demo", str(target)])
    assert code == 0, out + err
    assert err.startswith(f"demo workspace: {target}\n")
    assert f"✓ all {len(TITLES)} steps did what they should" in err and f"cd {target} && omm jobs" in err
    steps = [line for line in out.splitlines() if line[:1] in ("✓", "✗")]
    assert steps == [f"✓ {i}. {title}" for i, title in enumerate(TITLES, start=1)]
    assert [line for line in out.splitlines() if line.startswith("━━ ")][:2] == [
        "━━ A. Manifests are files: describe, check and format them",
        "━━ B. Author content in contoso-dev: bulk import"]
    for line in ("  $ omm validate .", "  $ omm sync --tenant contoso-dev",
                 "  $ omm publish --tenant contoso-dev --product 81120 --publish-dependencies --no-sync",
                 "  $ omm resolve 93039-001 --tenant contoso-dev --channel OUN00001 --locale en-us",
                 "  $ omm diff jeans.tsv jeans-ours.tsv",
                 "  $ omm merge jeans-ours.tsv jeans-theirs.tsv --base jeans.tsv -o jeans-merged.tsv",
                 "    csu/OUN00001/media_assignments.tsv       104 rows  created",
                 "       8. dimension matrix 93039|Color:Black        Omnichannel/system_neutral   WINS",
                 "        MediaDisplayOrder: '1' → '2'",
                 "    assignment sets      19        0     0     2"):
        assert line in out.splitlines(), line
    assert "copied contoso-dev → contoso-prod: job " in out and " Succeeded — " in out
    # the demo copied what it needs and left fixtures/ untouched
    assert (target / "tenants" / "contoso-dev" / "cms" / "media.tsv").is_file()
    assert (target / "gallery.html").is_file() and (target / "migrated" / "unmatched.tsv").is_file()
    assert _digest(FIXTURES) == fixtures_before


def _chapters(*steps: DemoStep) -> tuple[Chapter, ...]:
    def run(story: Story) -> Iterator[DemoStep]:
        yield from steps

    return (Chapter("Test", run),)


def test_a_step_that_fails_its_check_fails_the_demo(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(toolkit.demo, "chapters", lambda: _chapters(
        DemoStep("Fine", "omm x", ("a",), True, "why"), DemoStep("Broken", "omm y", ("b",), False, "why")))
    seen: list[str] = []
    result = run_demo(tmp_path / "a", on_step=lambda s: seen.append(s.title))
    assert seen == ["Fine", "Broken"] and not result.ok and result.steps[1].chapter == "Test"
    code, out, err = run_cli(["demo", str(tmp_path / "b")])
    assert code == 1
    assert "✓ 1. Fine\n" in out and "✗ 2. Broken\n" in out
    assert "✗ 1 of 2 steps did not: Broken" in err


def test_demo_refuses_a_non_empty_directory(run_cli, tmp_path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(UsageError):
        run_demo(tmp_path)
    assert run_cli(["demo", str(tmp_path)]) == (
        2, "", f"omm: error: {tmp_path} is not empty (give omm demo a new or empty directory)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_demo_without_directory_uses_a_temporary_one(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(toolkit.demo, "chapters", lambda: _chapters(DemoStep("Only", "omm z", ("c",), True, "why")))
    code, out, err = run_cli(["demo"])
    assert code == 0, out + err
    made = [p for p in tmp_path.iterdir() if p.name.startswith("omm-demo-")]
    assert len(made) == 1 and err.startswith(f"demo workspace: {made[0]}\n")
    assert (made[0] / "tenants" / "contoso-prod").is_dir() and (made[0] / "inputs" / "several-errors.tsv").is_file()


def test_make_demo_runs_omm_demo() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo: " in makefile and "\t$(BIN)/omm demo\n" in makefile
