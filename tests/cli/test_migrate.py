"""``omm migrate legacy``: exit code, stdout, stderr and the files written, against goldens.

The cases run in an empty directory with ``--listing listing.txt -o out``, so the summary and the
JSON hold no machine paths. ``fixtures/golden/migrate/cli/summary.txt`` is the stderr of the text
run, ``result.json`` the stdout of ``--format json``; the manifests are those of the ``contoso``
case (tests/migration/test_migrate.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, GOLDEN, WORKSPACE

CLI = GOLDEN / "migrate" / "cli"
CONTOSO = GOLDEN / "migrate" / "contoso"


def omm_migrate(run_cli, cwd: Path, *args: str | Path) -> tuple[int, str, str]:
    shutil.copy(FIXTURES / "legacy" / "listing.txt", cwd / "listing.txt")
    return run_cli(["--workspace", WORKSPACE, "migrate", "legacy", "--tenant", "contoso-dev", *args], cwd=cwd)


def test_text_summary(tmp_path: Path, run_cli, golden) -> None:
    code, out, err = omm_migrate(run_cli, tmp_path, "--listing", "listing.txt", "--category-channel", "OUN00001",
                                 "-o", "out")
    assert (code, out) == (0, "")
    golden(CLI / "summary.txt", err)
    for name in ("assets.tsv", "assignments.tsv", "unmatched.tsv"):
        assert (tmp_path / "out" / name).read_bytes() == (CONTOSO / name).read_bytes()


def test_json(tmp_path: Path, run_cli, golden) -> None:
    code, out, err = omm_migrate(run_cli, tmp_path, "--listing", "listing.txt", "--category-channel", "OUN00001",
                                 "-o", "out", "--format", "json")
    assert (code, err) == (0, "")
    golden(CLI / "result.json", out)


def test_quiet_and_options(tmp_path: Path, run_cli) -> None:
    code, out, err = omm_migrate(run_cli, tmp_path, "--listing", "listing.txt", "-o", "out", "--separator", "|",
                                 "--dimension-order", "color,size,style", "--sequence", "2-3")
    assert (code, out) == (0, "")
    assert err.splitlines()[0] == "migrated 2 of 26 legacy files for contoso-dev → out"
    assert omm_migrate(run_cli, tmp_path, "--listing", "listing.txt", "-o", "out")[2].startswith("migrated 16 of 26")
    assert run_cli(["--quiet", "--workspace", WORKSPACE, "migrate", "legacy", "-t", "contoso-dev", "--listing",
                    "listing.txt", "-o", "out"], cwd=tmp_path) == (0, "", "")


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "out"], "give the legacy files as --listing FILE or as --media-dir DIR (give exactly one of them)"),
    (["--listing", "listing.txt", "--media-dir", ".", "-o", "out"],
     "give the legacy files as --listing FILE or as --media-dir DIR (give exactly one of them)"),
    (["--listing", "missing.txt", "-o", "out"],
     "--listing missing.txt: no such file (give a text file with one legacy path a line)"),
    (["--listing", "listing.txt", "--sequence", "one-five", "-o", "out"],
     "--sequence 'one-five' is not a range (give FIRST-LAST, e.g. 1-5 for _000_001 … _000_005)"),
    (["--listing", "listing.txt", "--dimension-order", "Style,Fit", "-o", "out"],
     "--dimension-order 'Style,Fit' is not an order of distinct dimensions (name each of Color, Size, Style, "
     "Configuration at most once, e.g. Style,Size,Color)"),
    (["--listing", "listing.txt", "--separator", "/", "-o", "out"],
     "--separator '/' cannot separate dimension values (use a visible character that is not / \\ _ or ., e.g. ^ "
     "(the default))"),
    (["--listing", "listing.txt", "--category-channel", "OUN7", "-o", "out"],
     "--category-channel OUN7: not a channel of tenant 'contoso-dev' (use one of: OUN00001, OUN00002, OUN00003)"),
])
def test_usage_errors(tmp_path: Path, run_cli, args: list[str], message: str) -> None:
    assert omm_migrate(run_cli, tmp_path, *args) == (2, "", f"omm: error: {message}\n")
    assert not (tmp_path / "out").exists()


def test_missing_output_option(tmp_path: Path, run_cli) -> None:
    code, out, err = omm_migrate(run_cli, tmp_path, "--listing", "listing.txt")
    assert (code, out) == (2, "")
    assert "Missing option '-o' / '--output'" in err
