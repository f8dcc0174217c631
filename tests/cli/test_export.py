"""``omm export`` (SPEC §6, §7): whole outputs — exit code, stdout, stderr, the file written — against goldens.

Goldens live in ``fixtures/golden/export/`` (see the README there): ``<case>.tsv`` is the file the
case wrote with ``-o out.tsv`` from an empty directory, so summaries hold no machine paths.
Regenerate with ``pytest --update-goldens`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import GOLDEN, PYTHON, REPO, WORKSPACE, run_omm
from tests.test_export import copy_tenant
from toolkit.cli import progress as cli_progress
from toolkit.tsv import read_manifest, write_manifest

EXPORT = GOLDEN / "export"
DEV = WORKSPACE / "tenants" / "contoso-dev"
# case → (arguments after `omm --workspace W export -t contoso-dev`, summary on stderr)
CASES: dict[str, tuple[list[str], str]] = {
    "assignments-93039": (["assignments", "--products", "93039"],
                          "exported 18 of 32 assignment rows of contoso-dev → out.tsv (products 93039)"),
    "assets-93039": (["assets", "-p", "93039"], "exported 12 of 23 asset rows of contoso-dev → out.tsv (products 93039)"),
    "assignments-70050-1000": (["assignments", "-p", "70050,1000"],
                               "exported 4 of 32 assignment rows of contoso-dev → out.tsv (products 1000, 70050)"),
    "assignments-fr-fr": (["assignments", "--locale", "fr_FR"],
                          "exported 29 of 32 assignment rows of contoso-dev → out.tsv (locale fr-fr + system_neutral)"),
    "assets-draft": (["assets", "--state", "draft", "--all-locales"],
                     "exported 2 of 23 asset rows of contoso-dev → out.tsv (state draft)"),
    "assignments-81120-draft-de-de": (["assignments", "-p", "81120", "--state", "draft", "--locale", "de-de"],
                                      "exported 3 of 32 assignment rows of contoso-dev → out.tsv "
                                      "(products 81120; locale de-de + system_neutral; state draft)"),
    "assignments-published-utf16": (["assignments", "--state", "published", "--encoding", "utf-16"],
                                    "exported 29 of 32 assignment rows of contoso-dev → out.tsv "
                                    "(state published; utf-16)"),
}


def omm_export(run_cli, cwd: Path, *args: str | Path, workspace: Path = WORKSPACE,
               tenant: str = "contoso-dev") -> tuple[int, str, str]:
    return run_cli(["--workspace", workspace, "export", "-t", tenant, *args], cwd=cwd)


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_golden(case: str, tmp_path: Path, run_cli, golden) -> None:
    args, summary = CASES[case]
    assert omm_export(run_cli, tmp_path, *args, "-o", "out.tsv") == (0, "", summary + "\n")
    golden(EXPORT / f"{case}.tsv", (tmp_path / "out.tsv").read_bytes())


def test_excel_safe_guards_hostile_cells(tmp_path: Path, run_cli, golden) -> None:
    workspace = hostile_tenant(tmp_path / "ws")
    assert omm_export(run_cli, tmp_path, "assets", "--excel-safe", "-o", "out.tsv", workspace=workspace) == (
        0, "", "exported 10 of 10 asset rows of contoso-dev → out.tsv (excel-safe: 9 cells guarded)\n")
    golden(EXPORT / "assets-excel-safe.tsv", (tmp_path / "out.tsv").read_bytes())
    # Without the flag the hostile values are exported as they are (the file is the tenant's).
    assert omm_export(run_cli, tmp_path, "assets", "-o", "plain.tsv", workspace=workspace)[0] == 0
    assert (tmp_path / "plain.tsv").read_bytes() == (workspace / "tenants/contoso-dev/cms/media.tsv").read_bytes()


@pytest.mark.parametrize("dash", [[], ["-o", "-"]], ids=["default", "dash"])
def test_manifest_goes_to_stdout_without_a_file(dash: list[str], tmp_path: Path, run_cli) -> None:
    code, out, err = omm_export(run_cli, tmp_path, "assignments", "-p", "93039", *dash)
    assert (code, err) == (0, "exported 18 of 32 assignment rows of contoso-dev → stdout (products 93039)\n")
    assert out == (EXPORT / "assignments-93039.tsv").read_text("utf-8")
    assert list(tmp_path.iterdir()) == []


def test_quiet_prints_only_data(tmp_path: Path, run_cli) -> None:
    code, out, err = run_cli(["--quiet", "--workspace", WORKSPACE, "export", "-t", "contoso-dev", "assets"], cwd=tmp_path)
    assert (code, out, err) == (0, (DEV / "cms/media.tsv").read_text("utf-8"), "")


def test_workspace_from_environment_and_current_directory(tmp_path: Path, run_cli) -> None:
    expected = (0, (DEV / "cms/assignments.tsv").read_text("utf-8"),
                "exported 32 of 32 assignment rows of contoso-dev → stdout\n")
    assert run_cli(["export", "-t", "contoso-dev", "assignments"], cwd=WORKSPACE) == expected
    assert run_cli(["export", "-t", "contoso-dev", "assignments"], cwd=tmp_path,
                   env={"OMM_WORKSPACE": str(WORKSPACE)}) == expected


def test_json_summary(tmp_path: Path, run_cli) -> None:
    code, out, err = omm_export(run_cli, tmp_path, "assets", "--locale", "en-US", "-p", "93039", "--format", "json",
                                "-o", "out.tsv")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "tenant": "contoso-dev", "kind": "assets", "output": "out.tsv", "rows": 11, "total_rows": 23,
        "filters": {"products": ["93039"], "locale": "en-us", "state": "all"}, "encoding": "utf-8",
        "excel_safe": False, "cells_guarded": 0}
    assert out.startswith('{\n  "tenant": "contoso-dev",\n')


def test_unfiltered_export_diffs_equal_to_the_tenant(tmp_path: Path, run_cli) -> None:
    assert omm_export(run_cli, tmp_path, "assignments", "-o", "out.tsv")[0] == 0
    code, out, err = run_cli(["diff", DEV / "cms/assignments.tsv", "out.tsv"], cwd=tmp_path)
    assert (code, out) == (0, "")


def test_two_runs_write_identical_bytes(tmp_path: Path, run_cli) -> None:
    for name in ("a.tsv", "b.tsv"):
        assert omm_export(run_cli, tmp_path, "assets", "-p", "81120", "--encoding", "utf-16", "-o", name)[0] == 0
    assert (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()


# --- errors: exit 2, one sentence on stderr, nothing on stdout, nothing written -------------------------------------


def test_unknown_tenant(tmp_path: Path, run_cli) -> None:
    assert omm_export(run_cli, tmp_path, "assets", "-o", "out.tsv", tenant="nope") == (
        2, "", f"omm: error: no tenant 'nope' in {WORKSPACE} (create it with: omm tenant init nope)\n")
    assert list(tmp_path.iterdir()) == []


def test_unknown_products(tmp_path: Path, run_cli) -> None:
    assert omm_export(run_cli, tmp_path, "assignments", "-p", "93039,99999", "-p", "C110", "-o", "out.tsv") == (
        2, "", "omm: error: unknown products 99999, C110 in tenant 'contoso-dev' "
               "(name products listed in hq/products.tsv)\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--locale", "de-de", "--all-locales"], "--locale and --all-locales exclude each other (give one of them)"),
    (["--locale", "german"], "--locale 'german' is not a locale (use a locale such as de-de or en_US)"),
    (["--format", "json"], "--format json prints the summary on stdout, where the manifest would go "
                           "(give -o FILE for the manifest)"),
    (["-o", str(DEV / "cms" / "media.tsv")], f"refusing to export into tenant 'contoso-dev' itself "
                                             f"({DEV / 'cms' / 'media.tsv'}) (write the export outside tenants/, "
                                             "edit it, then omm import it)"),
], ids=["locale-and-all-locales", "bad-locale", "json-to-stdout", "into-the-tenant"])
def test_usage_errors(args: list[str], message: str, tmp_path: Path, run_cli) -> None:
    before = (DEV / "cms" / "media.tsv").read_bytes()
    assert omm_export(run_cli, tmp_path, "assets", *args) == (2, "", f"omm: error: {message}\n")
    assert (DEV / "cms" / "media.tsv").read_bytes() == before


@pytest.mark.parametrize(("args", "error"), [
    (["assets", "--state", "checked-in"],
     "Error: Invalid value for '--state': 'checked-in' is not one of 'all', 'published', 'draft'.\n"),
    (["products"], "Error: Invalid value for '{assets|assignments}': 'products' is not one of 'assets', "
                   "'assignments'.\n"),
    (["assets", "--encoding", "latin-1"],
     "Error: Invalid value for '--encoding': 'latin-1' is not one of 'utf-8', 'utf-16'.\n"),
], ids=["state", "kind", "encoding"])
def test_bad_choices(args: list[str], error: str, tmp_path: Path, run_cli) -> None:
    code, out, err = omm_export(run_cli, tmp_path, *args)
    assert (code, out) == (2, "")
    assert err == f"Usage: omm export [OPTIONS] {{assets|assignments}}\nTry 'omm export --help' for help.\n\n{error}"


def test_tenant_is_required(tmp_path: Path, run_cli) -> None:
    code, out, err = run_cli(["--workspace", WORKSPACE, "export", "assets"], cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.endswith("Error: Missing option '--tenant' / '-t'.\n")


# --- progress ----------------------------------------------------------------------------------------------------


def test_no_progress_text_when_stderr_is_not_a_terminal(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setattr(cli_progress, "MIN_PROGRESS", {"read": 0, "write": 0})  # would show even for 32 rows
    assert omm_export(run_cli, tmp_path, "assignments", "-o", "out.tsv") == (
        0, "", "exported 32 of 32 assignment rows of contoso-dev → out.tsv\n")


def test_progress_is_wired_only_on_a_terminal_without_quiet(tmp_path: Path, run_cli, monkeypatch) -> None:
    seen: list[object] = []
    real = cli_progress.ProgressBars

    def spy(console: object) -> object:
        bars = real(console)
        seen.append(bars)
        return bars

    monkeypatch.setattr(cli_progress, "ProgressBars", spy)
    monkeypatch.setattr(cli_progress, "_is_terminal", lambda: True)
    assert omm_export(run_cli, tmp_path, "assets", "-o", "out.tsv")[0] == 0
    assert len(seen) == 1
    assert run_cli(["-q", "--workspace", WORKSPACE, "export", "-t", "contoso-dev", "assets", "-o", "o2.tsv"],
                   cwd=tmp_path) == (0, "", "")
    assert len(seen) == 1


def test_progress_bars_draw_only_for_large_phases() -> None:
    from rich.console import Console

    small, large = io.StringIO(), io.StringIO()
    with cli_progress.ProgressBars(Console(file=small, force_terminal=True, width=80)) as bars:
        bars("read", 0, 1000)
        bars("write", 32, 32)
    with cli_progress.ProgressBars(Console(file=large, force_terminal=True, width=80)) as bars:
        bars("read", 0, 3 << 20)
        bars("read", 3 << 20, 3 << 20)
        bars("write", 6000, 6000)
    assert small.getvalue() == ""
    assert "reading" in large.getvalue() and "writing" in large.getvalue() and "100%" in large.getvalue()


def test_progress_bar_on_a_real_terminal(tmp_path: Path) -> None:
    workspace = big_tenant(tmp_path / "ws", 6000)
    args = [PYTHON, "-m", "toolkit", "--workspace", str(workspace), "export", "-t", "big", "assets", "-o", "out.tsv"]
    for quiet, expect_bar in (([], True), (["--quiet"], False)):
        shown = run_on_terminal(args[:3] + quiet + args[3:], tmp_path)
        assert ("writing" in shown and "100%" in shown) is expect_bar, shown
        assert shown.endswith("exported 6000 of 6000 asset rows of big → out.tsv\r\n") is not bool(quiet)
    piped = run_omm(args[3:], cwd=tmp_path)
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, "", "exported 6000 of 6000 asset rows of big → out.tsv\n")


# --- helpers -----------------------------------------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTabbed",
           "\rCarriage", "-5", "+1.5", "-", "a = b"]


def hostile_tenant(workspace: Path) -> Path:
    """contoso-dev with ten assets whose MediaDescription (and an unknown column) hold formulas."""
    copy_tenant(workspace)
    media = workspace / "tenants" / "contoso-dev" / "cms" / "media.tsv"
    frame = read_manifest(media).frame.head(len(HOSTILE)).with_columns(
        MediaDescription=pl.Series(HOSTILE, dtype=pl.String),
        **{"=Evil": pl.Series(["=1+1"] + [None] * (len(HOSTILE) - 1), dtype=pl.String)})
    write_manifest(frame, media, kind="assets")
    return workspace


def big_tenant(workspace: Path, n: int) -> Path:
    """A tenant "big" holding only cms/media.tsv with ``n`` copies of one asset under new ids."""
    row = read_manifest(DEV / "cms/media.tsv").frame.head(1)
    ids = pl.format("{}-0000-4000-8000-000000000000", pl.int_range(n).cast(pl.String).str.zfill(8))
    frame = pl.concat([row] * n).with_columns(InternalMediaId=ids, MediaDisplayName=pl.format("img {}", pl.int_range(n)))
    write_manifest(frame, workspace / "tenants" / "big" / "cms" / "media.tsv", kind="assets")
    return workspace


def run_on_terminal(args: list[str], cwd: Path) -> str:
    """Run a command with stderr on a pseudo-terminal; returns what the terminal received."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("OMM_WORKSPACE", "NO_COLOR")}
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=slave, env={**env, "TERM": "xterm"})
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other end closed (Linux reports EIO)
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0, received
    return received.decode("utf-8", "replace")


def test_help_mentions_decisions(run_cli) -> None:
    code, out, _ = run_cli(["export", "--help"], cwd=REPO)
    assert code == 0
    for phrase in ("Neutral (system_neutral) rows", "default, all, keeps both", "stdout", "Examples:"):
        assert phrase in out
