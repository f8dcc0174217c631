"""``omm tenant init|list``: workspace resolution, messages, exit codes, JSON equal to ``to_dict()``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import REPO, WORKSPACE, run_omm
from toolkit.tenants import list_tenants


def test_init_in_the_given_workspace_then_validate(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli(["--workspace", tmp_path, "tenant", "init", "contoso-dev"])
    root = tmp_path / "tenants" / "contoso-dev"
    assert (code, out, err) == (0, "", f"created tenant contoso-dev at {root}\n")
    assert run_cli(["validate", root])[0] == 0


def test_workspace_from_the_environment_then_the_current_directory(run_cli, tmp_path: Path) -> None:
    assert run_cli(["tenant", "init", "from-env"], env={"OMM_WORKSPACE": str(tmp_path / "ws")})[0] == 0
    assert (tmp_path / "ws/tenants/from-env/settings.tsv").is_file()
    assert run_cli(["tenant", "init", "from-cwd"], cwd=tmp_path)[0] == 0
    assert (tmp_path / "tenants/from-cwd/settings.tsv").is_file()


def test_init_refuses_an_existing_tenant_and_a_bad_id(run_cli, tmp_path: Path) -> None:
    run_cli(["--workspace", tmp_path, "tenant", "init", "t1"])
    assert run_cli(["--workspace", tmp_path, "tenant", "init", "t1"]) == (
        2, "", f"omm: error: tenant t1 already exists in {tmp_path} (choose another name; omm tenant list shows the tenants)\n")
    code, out, err = run_cli(["--workspace", tmp_path, "tenant", "init", ".secret"])
    assert (code, out) == (2, "") and err.startswith("omm: error: invalid tenant id '.secret'")


def test_list_text(run_cli) -> None:
    code, out, err = run_cli(["--workspace", WORKSPACE, "tenant", "list"])
    assert (code, err) == (0, "")
    assert out == ("tenant        manifests  assets  assignments  OmnichannelContent  CsuMediaLocations\n"
                   "contoso-dev   8          23      32           true                true\n"
                   "contoso-prod  8          0       0            true                true\n")


def test_list_json_is_to_dict(run_cli) -> None:
    code, out, err = run_cli(["--workspace", WORKSPACE, "tenant", "list", "--format", "json"])
    assert (code, err) == (0, "")
    assert json.loads(out) == [i.to_dict() for i in list_tenants(WORKSPACE)]
    assert set(json.loads(out)[0]) == {"id", "path", "manifests", "assets", "assignments", "flags", "problems"}


def test_list_of_an_empty_workspace(run_cli, tmp_path: Path) -> None:
    assert run_cli(["--workspace", tmp_path, "tenant", "list"]) == (
        0, "", f"no tenants in {tmp_path} (create one with: omm tenant init NAME)\n")
    assert run_cli(["--workspace", tmp_path, "tenant", "list", "--format", "json"]) == (0, "[]\n", "")


def test_list_reports_unreadable_manifests_on_stderr(run_cli, tmp_path: Path) -> None:
    run_cli(["--workspace", tmp_path, "tenant", "init", "t1"])
    (tmp_path / "tenants/t1/cms/media.tsv").write_bytes(b"InternalMediaId\tMediaLocale\n\"open\n")
    code, out, err = run_cli(["--workspace", tmp_path, "tenant", "list"])
    assert code == 0 and out.splitlines()[1].split() == ["t1", "8", "-", "0", "true", "true"]
    assert err.startswith("tenant t1: cms/media.tsv: ")


@pytest.mark.parametrize("sub", ["init", "list"])
def test_subcommand_help_has_examples_and_imports_no_polars(sub: str) -> None:
    proc = run_omm(["tenant", sub, "--help"], python_args=["-X", "importtime"], cwd=REPO)
    assert proc.returncode == 0 and "Examples:" in proc.stdout
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "polars" not in imported and "pandera" not in imported
