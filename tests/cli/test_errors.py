"""Errors (SPEC §6): one line ``omm: error: …`` on stderr, no traceback, exit 2; ``--debug`` shows it."""

from __future__ import annotations

import signal

import pytest

from tests.helpers import run_omm
from toolkit.cli.app import main
from toolkit.errors import (
    InputError,
    KindError,
    ManifestStructureError,
    OmmError,
    UnsafePathError,
    UsageError,
    ValidationFailed,
    WorkspaceError,
)


def test_error_classes() -> None:
    assert OmmError("x").exit_code == 2
    assert ValidationFailed("x").exit_code == 1
    for cls in (UsageError, InputError, KindError, ManifestStructureError, WorkspaceError, UnsafePathError):
        assert issubclass(cls, OmmError) and cls("x").exit_code == 2
    assert str(OmmError("what went wrong", "what to do")) == "what went wrong (what to do)"
    assert str(OmmError("only this")) == "only this"
    assert InputError("x").rule == "unreadable" and KindError("x").rule == "unknown_kind"
    assert ManifestStructureError("x", problems=(1,)).problems == (1,)


def test_omm_error_is_one_line_on_stderr(run_cli) -> None:
    code, out, err = run_cli(["schema", "nope"])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("omm: error: unknown manifest kind 'nope' (use one of: ")
    assert "Traceback" not in err


def test_main_exit_code_and_stderr(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "definitely/not/here.tsv"])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "", "omm: error: definitely/not/here.tsv: no such file or directory (check the path)\n")


def test_main_success_exit_code(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("omm, version ")


def test_debug_shows_the_traceback(run_cli) -> None:
    code, out, err = run_cli(["--debug", "schema", "nope"])
    assert (code, out) == (2, "")
    assert err.startswith("Traceback (most recent call last):\n")
    assert "toolkit.errors.KindError: unknown manifest kind 'nope'" in err
    assert err.endswith("omm: error: unknown manifest kind 'nope' (use one of: assets, assignments, products, "
                        "categories, channels, settings, publish_groups, jobs, maps, flattened, default_images, diff)\n")


def test_unexpected_exception_is_an_internal_error_line(run_cli, monkeypatch) -> None:
    import toolkit.schema_doc

    def boom(name):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(toolkit.schema_doc, "describe", boom)
    code, out, err = run_cli(["schema", "assets"])
    assert (code, out) == (2, "")
    assert err == "omm: internal error: RuntimeError: kaboom (run with --debug for the traceback)\n"
    code, _, err = run_cli(["--debug", "schema", "assets"])
    assert code == 2 and "Traceback (most recent call last):" in err and "RuntimeError: kaboom" in err


def test_keyboard_interrupt(run_cli, monkeypatch) -> None:
    import toolkit.schema_doc

    def interrupted(name):
        raise KeyboardInterrupt

    monkeypatch.setattr(toolkit.schema_doc, "describe", interrupted)
    handler = signal.getsignal(signal.SIGINT)
    try:
        code, out, err = run_cli(["schema", "assets"])
        # ignored until the exit, so that a pending second SIGINT cannot kill the process after the message
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, handler)  # this process goes on running tests
    assert (code, out) == (130, "")
    assert err.strip("\n") == "omm: interrupted" and "Traceback" not in err


def test_usage_errors_exit_2(run_cli) -> None:
    code, out, err = run_cli(["validate", "--max-errors", "-1", "fixtures/workspace"])
    assert (code, out) == (2, "") and "Invalid value for '--max-errors'" in err
    code, _, err = run_cli(["fmt", "--encoding", "latin-1", "x.tsv"])
    assert code == 2 and "Invalid value for '--encoding'" in err


def test_subprocess_error_has_no_traceback() -> None:
    proc = run_omm(["validate", "fixtures/bad/nope.tsv"])
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2, "", "omm: error: fixtures/bad/nope.tsv: no such file or directory (check the path)\n")


def test_subprocess_debug_has_traceback() -> None:
    proc = run_omm(["--debug", "validate", "fixtures/bad/nope.tsv"])
    assert proc.returncode == 2
    assert proc.stderr.startswith("Traceback (most recent call last):")
    assert proc.stderr.endswith("omm: error: fixtures/bad/nope.tsv: no such file or directory (check the path)\n")


def test_subprocess_validate_exit_codes() -> None:
    assert run_omm(["validate", "fixtures/workspace"]).returncode == 0
    assert run_omm(["validate", "fixtures/bad/bad-enum.tsv"]).returncode == 1
