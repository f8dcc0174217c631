"""``omm diff`` and ``omm patch`` end to end: whole outputs, golden files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import GOLDEN, REPO

OLD = "fixtures/diff/old/cms/assignments.tsv"
NEW = "fixtures/diff/new/cms/assignments.tsv"
FORMATS = {"text": "txt", "json": "json", "tsv": "tsv", "markdown": "md", "github": "github.txt", "html": "html"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_matches_its_golden(run_cli, golden, fmt: str) -> None:
    code, out, err = run_cli(["diff", OLD, NEW, "--format", fmt])
    assert code == 1
    golden(GOLDEN / "diff" / f"assignments.{FORMATS[fmt]}", out)
    assert err == ("2 changed, 1 added, 1 removed, 29 unchanged\n" if fmt == "text" else "")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_directory_diff_with_stat(run_cli, golden, fmt: str) -> None:
    code, out, err = run_cli(["diff", "fixtures/diff/old", "fixtures/diff/new", "--ignore", "EntityLastModifiedOn",
                              "--stat", "--format", fmt])
    assert (code, err) == (1, "")
    golden(GOLDEN / "diff" / f"tree-stat.{FORMATS[fmt]}", out)


def test_json_equals_the_library_result(run_cli) -> None:
    from toolkit.delta import diff

    _, out, _ = run_cli(["diff", OLD, NEW, "--format", "json", "--ignore", "EntityLastModifiedOn"])
    assert json.loads(out) == diff(OLD, NEW, ignore=["EntityLastModifiedOn"]).to_dict()


def test_equal_files_exit_0(run_cli) -> None:
    assert run_cli(["diff", OLD, OLD]) == (0, "", "no differences\n")
    code, out, _ = run_cli(["diff", OLD, OLD, "--format", "json", "--stat"])
    assert code == 0 and json.loads(out)["summary"]["unchanged"] == 32 and "rows" not in json.loads(out)


def test_stat_prints_counts(run_cli) -> None:
    assert run_cli(["diff", OLD, NEW, "--stat", "--ignore", "EntityLastModifiedOn,MediaDisplayOrder"]) == (
        1, f"{NEW}: 1 changed, 1 added, 1 removed, 30 unchanged\n", "")


def test_bad_input_exits_2_with_one_line(run_cli, tmp_path: Path) -> None:
    dup = tmp_path / "products.tsv"
    dup.write_text("ProductNumber\tProductName\n1\tA\n1\tB\n")
    code, out, err = run_cli(["diff", dup, dup])
    assert (code, out) == (2, "")
    assert err == (f"omm: error: {dup}: duplicate key (ProductNumber=1) on lines 2 and 3 (make each key unique, "
                   "or pass --key with columns that identify one row)\n")
    assert run_cli(["diff", OLD, "nope.tsv"]) == (2, "", "omm: error: nope.tsv: no such file or directory (check the path)\n")
    code, _, err = run_cli(["diff", OLD, NEW, "--ignore", "Nope"])
    assert code == 2 and err.startswith("omm: error: --ignore names Nope, which is not a column of assignments")


def test_tsv_then_patch_gives_new(run_cli, tmp_path: Path) -> None:
    changes, out = tmp_path / "changes.tsv", tmp_path / "out.tsv"
    assert run_cli(["diff", OLD, NEW, "--format", "tsv", "-o", changes])[0] == 1
    assert run_cli(["patch", OLD, changes, "-o", out]) == (0, "", f"2 changed, 1 added, 1 removed → {out}\n")
    code, canonical_new, _ = run_cli(["diff", NEW, out])
    assert code == 0
    assert run_cli(["patch", OLD, changes, "--check"]) == (0, "", "2 changed, 1 added, 1 removed applies cleanly\n")
    code, stdout, _ = run_cli(["patch", OLD, changes, "--format", "json", "-o", out])
    assert code == 0 and json.loads(stdout)["summary"]["added"] == 1


def test_patch_refuses_another_base_with_exit_2(run_cli, tmp_path: Path) -> None:
    changes = tmp_path / "changes.tsv"
    run_cli(["diff", OLD, NEW, "--format", "tsv", "-o", changes])
    code, out, err = run_cli(["patch", NEW, changes, "-o", tmp_path / "out.tsv"])
    assert (code, out) == (2, "")
    assert err.startswith(f"omm: error: {NEW} is not the manifest this diff was made from: {changes} line ")
    assert not (tmp_path / "out.tsv").exists()


def test_tree_tsv_is_refused(run_cli) -> None:
    code, _, err = run_cli(["diff", "fixtures/diff/old", "fixtures/diff/new", "--format", "tsv"])
    assert code == 2 and "--format tsv writes one diff manifest" in err


def test_inputs_are_repo_fixtures() -> None:
    assert (REPO / OLD).is_file() and (REPO / NEW).is_file()
