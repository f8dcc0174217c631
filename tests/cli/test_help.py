"""--help of every command, --version, and a fast, Polars-free ``omm --help`` (SPEC §6, §8)."""

from __future__ import annotations

import pytest

from tests.helpers import PYTHON, REPO, run_omm
from toolkit import __version__

COMMANDS = ["validate", "fmt", "schema", "diff", "patch", "merge", "import", "export", "tenant", "settings", "checkout", "checkin",
            "discard", "jobs", "demo", "migrate", "publish", "group", "copy", "sync", "resolve",
            "preview"]


@pytest.mark.parametrize("args", [[], *([c] for c in COMMANDS)], ids=["root", *COMMANDS])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_has_an_example(run_cli, args: list[str], flag: str) -> None:
    code, out, err = run_cli([*args, flag])
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: omm {' '.join(args)}".rstrip() + " ")
    assert "Example" in out


SUBCOMMANDS = [["tenant", "init"], ["tenant", "list"], ["jobs", "show"], ["jobs", "retry"], ["migrate", "legacy"],
               ["group", "create"], ["group", "add"], ["group", "schedule"], ["group", "publish"], ["group", "run-due"],
               ["group", "list"]]


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=[" ".join(a) for a in SUBCOMMANDS])
def test_subcommand_help_has_an_example(run_cli, args: list[str]) -> None:
    code, out, err = run_cli([*args, "--help"])
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: omm {' '.join(args)} ") and "Example" in out


def test_root_help_lists_commands_and_global_options(run_cli) -> None:
    _, out, _ = run_cli(["--help"])
    for word in ("--workspace", "--quiet", "--debug", "--version", *COMMANDS):
        assert word in out


@pytest.mark.parametrize("command", ["validate", "fmt", "schema", "diff", "patch", "merge", "settings"])
def test_data_commands_take_format(run_cli, command: str) -> None:
    assert "--format" in run_cli([command, "--help"])[1]


def test_version(run_cli) -> None:
    assert run_cli(["--version"]) == (0, f"omm, version {__version__}\n", "")


def test_no_command_shows_usage(run_cli) -> None:
    code, out, err = run_cli([])
    assert (code, out) == (2, "")
    assert err.startswith("Usage: omm [OPTIONS] COMMAND [ARGS]...") and "Example" in err


def test_unknown_command(run_cli) -> None:
    code, out, err = run_cli(["frobnicate"])
    assert (code, out) == (2, "")
    assert err.endswith("Error: No such command 'frobnicate'.\n")


def test_help_subprocess_does_not_import_polars() -> None:
    code = ("import sys\n"
            "from toolkit.cli.app import main\n"
            "try:\n"
            "    main(['--help'])\n"
            "except SystemExit as exc:\n"
            "    assert exc.code == 0, exc.code\n"
            "heavy = sorted(m for m in ('polars', 'pandera', 'rich', 'numpy', 'pyarrow') if m in sys.modules)\n"
            "print('HEAVY', heavy, file=sys.stderr)\n"
            "assert not heavy, heavy\n")
    import subprocess

    proc = subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr
    assert "Usage: omm" in proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_does_not_import_polars(command: str) -> None:
    proc = run_omm([command, "--help"], python_args=["-X", "importtime"])
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "polars" not in imported and "pandera" not in imported


def test_installed_entry_point_version() -> None:
    proc = run_omm(["--version"])
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"omm, version {__version__}\n", "")
