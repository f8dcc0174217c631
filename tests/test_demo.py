"""``omm demo`` (SPEC §6): builds a workspace from fixtures/ and walks the story, step by step."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, WORKSPACE
from toolkit.demo import DemoResult, DemoStep, run_demo
from toolkit.errors import UsageError
from toolkit.validation import validate


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_demo_cli_walks_every_step(run_cli, tmp_path) -> None:
    fixtures_before = _digest(FIXTURES)
    target = tmp_path / "x"
    code, out, err = run_cli(["demo", str(target)])
    assert code == 0, out + err
    assert err == f"demo workspace: {target}\n"
    steps = [line for line in out.splitlines() if line[:1] in ("✓", "✗")]
    assert steps and all(line.startswith("✓ ") for line in steps), steps
    assert [line.split(" ", 2)[1] for line in steps] == [f"{i}." for i in range(1, len(steps) + 1)]
    for words in ("Validate both tenants", "canonical form", "manifest kinds", "broken manifest", "Diff two tenants",
                  "patch it back", "Three-way merge"):
        assert any(words in line for line in steps), words
    assert f"$ omm validate {target}" in out
    assert f"$ omm fmt --check {target}" in out
    assert "$ omm schema" in out
    # the demo copied the workspace and left fixtures/ untouched
    assert (target / "tenants" / "contoso-dev" / "cms" / "media.tsv").is_file()
    assert _digest(FIXTURES) == fixtures_before


def test_run_demo_result(tmp_path) -> None:
    result = run_demo(tmp_path / "ws")
    assert isinstance(result, DemoResult) and result.workspace == tmp_path / "ws"
    assert result.ok, [s for s in result.steps if not s.ok]
    assert all(isinstance(s, DemoStep) and s.title and s.command.startswith("omm ") for s in result.steps)
    by_title = {s.title: s for s in result.steps}
    validate_step = next(s for t, s in by_title.items() if t.startswith("Validate both tenants"))
    n = len(list(WORKSPACE.rglob("*.tsv")))
    assert validate_step.output == (f"✓ {n} files valid",)
    fmt_step = next(s for t, s in by_title.items() if "canonical form" in t and "--check" in s.command)
    assert fmt_step.output == (f"{n} manifests checked, 0 not canonical",)
    bad_step = next(s for t, s in by_title.items() if "broken manifest" in t)
    assert bad_step.output[-1].startswith("✗ ") and "errors in 1 of 1 files" in bad_step.output[-1]
    patch_step = next(s for t, s in by_title.items() if "patch it back" in t)
    assert patch_step.output[-1].endswith("equals NEW canonically: True")
    merge_step = next(s for t, s in by_title.items() if "Three-way merge" in t)
    assert merge_step.output == ("7 rows; 4 keys from ours, 4 from theirs; 2 conflicts decided by --on-conflict "
                                 "latest → merged-media.tsv",)
    # the copied tenants are valid
    assert validate([tmp_path / "ws"]).valid


def test_demo_into_an_empty_existing_directory(tmp_path) -> None:
    assert run_demo(tmp_path).ok


def test_demo_refuses_a_non_empty_directory(run_cli, tmp_path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(UsageError):
        run_demo(tmp_path)
    assert run_cli(["demo", str(tmp_path)]) == (
        2, "", f"omm: error: {tmp_path} is not empty (give omm demo a new or empty directory)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_demo_without_directory_uses_a_temporary_one(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, out, err = run_cli(["demo"])
    assert code == 0, out + err
    made = [p for p in tmp_path.iterdir() if p.name.startswith("omm-demo-")]
    assert len(made) == 1 and err == f"demo workspace: {made[0]}\n"
