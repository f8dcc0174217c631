"""Helpers shared by the tests (paths, golden files, running the CLI)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
BAD = FIXTURES / "bad"
GOLDEN = FIXTURES / "golden"
WORKSPACE = FIXTURES / "workspace"
PYTHON = sys.executable


def check_golden(path: Path, actual: bytes | str, update: bool) -> None:
    """Compare ``actual`` with the golden file ``path`` byte for byte (or rewrite it when updating)."""
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        return
    assert path.is_file(), f"golden {path.relative_to(REPO)} is missing; run pytest --update-goldens and review it"
    expected = path.read_bytes()
    if expected != data:
        # A text diff first, for a readable failure.
        assert data.decode("utf-8", "replace") == expected.decode("utf-8", "replace")
        assert data == expected


class _Main:
    """Lets ``CliRunner.invoke`` run ``toolkit.cli.app.main`` (where OmmError becomes an exit code)."""

    name = "omm"

    def main(self, args: Sequence[str], prog_name: str = "omm", **_: object) -> None:
        from toolkit.cli.app import main

        main(list(args))


def run_cli(args: Sequence[str | os.PathLike[str]], cwd: Path | str = REPO,
            env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    """Run ``omm ARGS`` in-process through ``toolkit.cli.app.main`` (so exit codes are those of the
    installed ``omm``); returns (exit code, stdout, stderr)."""
    runner = CliRunner()
    with contextlib.chdir(cwd):
        result = runner.invoke(_Main(), [str(a) for a in args], env={"OMM_WORKSPACE": None, **(env or {})},  # type: ignore[arg-type]
                               catch_exceptions=False, prog_name="omm")
    return result.exit_code, result.stdout, result.stderr


def run_omm(args: Sequence[str | os.PathLike[str]], cwd: Path | str = REPO, *, python_args: Sequence[str] = (),
            env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``omm`` as a real subprocess (``python -m toolkit``), for end-to-end checks."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("OMM_WORKSPACE", None)
    return subprocess.run([PYTHON, *python_args, "-m", "toolkit", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def tsv(*rows: str) -> bytes:
    """Rows given as tab-joined strings, each LF-terminated, as UTF-8 bytes."""
    return "".join(r + "\n" for r in rows).encode("utf-8")


def findings(raw: str | bytes, kind: str, name: str | None = None) -> list[tuple[int, str, str]]:
    """(line, column, rule) of every finding ``validate_manifest`` reports for ``raw``."""
    from toolkit.tsv import read_manifest_bytes
    from toolkit.validation import validate_manifest

    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    m = read_manifest_bytes(data, name or f"{kind}.tsv", kind, strict=False)
    return [(f.line, f.column, f.rule) for f in validate_manifest(m)]


def pandera_accepts(raw: str | bytes, kind: str) -> bool:
    """Whether the kind's Pandera model itself accepts the manifest, as validation prepares it."""
    import pandera.polars as pa

    from toolkit.tsv import read_manifest_bytes
    from toolkit.validation import validation_frame

    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    m = read_manifest_bytes(data, f"{kind}.tsv", kind, strict=False)
    frame = validation_frame(m)
    try:
        m.kind.model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


def table(header: list[str] | tuple[str, ...], *rows: dict[str, str] | list[str]) -> str:
    """A TSV text from a header and rows given as dicts (missing cells empty) or lists."""
    lines = ["\t".join(header)]
    for r in rows:
        cells = [r.get(h, "") for h in header] if isinstance(r, dict) else list(r)
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"
