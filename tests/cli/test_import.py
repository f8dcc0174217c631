"""``omm import`` on the command line: output, exit codes and the result manifest of every bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import FIXTURES, GOLDEN, WORKSPACE
from toolkit.tsv import read_manifest

MANIFESTS = FIXTURES / "manifests"
MEDIA = FIXTURES / "media"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
JOB_ID = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}$")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tmp_path / "ws"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _import(run_cli, ws: Path, manifest: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(["--workspace", ws, "import", manifest, "--tenant", "contoso-dev", *extra])


def test_json_is_the_spec_shape_and_matches_the_job_log(run_cli, ws: Path) -> None:
    code, out, err = _import(run_cli, ws, MANIFESTS / "import-assets.tsv", "--media-dir", MEDIA, "--format", "json",
                             "--user", "ana")
    assert (code, err) == (0, "import assets into contoso-dev: job " + json.loads(out)["job"]
                           + " Succeeded — 4 rows: 4 succeeded, 0 failed, 0 skipped\nresult manifest: tenants/"
                           "contoso-dev/" + json.loads(out)["result"] + "\n")
    got = json.loads(out)
    assert JOB_ID.match(got["job"])
    assert got == {"job": got["job"], "status": "Succeeded", "rows": {"total": 4, "succeeded": 4, "failed": 0,
                                                                      "skipped": 0},
                   "result": f"jobs/{got['job']}/result.tsv", "tenant": "contoso-dev", "kind": "assets",
                   "error_codes": {}}
    code, shown, _ = run_cli(["--workspace", ws, "jobs", "show", got["job"], "--format", "json"])
    row = json.loads(shown)
    assert (row["Status"], row["RowsTotal"], row["RowsSucceeded"], row["ResultPath"], row["CreatedBy"]) == (
        "Succeeded", "4", "4", got["result"], "ana")
    job_dir = ws / "tenants/contoso-dev/jobs" / got["job"]
    assert sorted(p.name for p in job_dir.iterdir()) == ["input.tsv", "options.json", "result.tsv"]
    assert (job_dir / "input.tsv").read_bytes() == (MANIFESTS / "import-assets.tsv").read_bytes()


def test_text_goes_to_stderr_and_importing_again_creates_nothing(run_cli, ws: Path) -> None:
    code, out, _ = _import(run_cli, ws, MANIFESTS / "import-assets.tsv", "--media-dir", MEDIA)
    assert (code, out) == (0, "")
    before = _tree(ws / "tenants/contoso-dev/cms")
    first = max((ws / "tenants/contoso-dev/jobs").glob("*/result.tsv"))
    # The result manifest names what it created: importing it again matches and skips every row.
    code, out, err = _import(run_cli, ws, first, "--media-dir", MEDIA)
    assert (code, out) == (0, "") and "4 rows: 0 succeeded, 0 failed, 4 skipped" in err
    # The original manifest has no ids: its rows are new assets, refused as duplicates by display name.
    code, out, err = _import(run_cli, ws, MANIFESTS / "import-assets.tsv", "--media-dir", MEDIA)
    assert (code, out) == (3, "") and "error codes: DuplicateDisplayName 4" in err
    assert _tree(ws / "tenants/contoso-dev/cms") == before


def _projection(result: Path) -> str:
    frame = read_manifest(result).frame.select(
        pl.col("MediaDisplayName"), "Result", "ErrorCode",
        pl.col("ResultDescription").str.replace_all(UUID.pattern, "<id>"))
    return frame.write_csv(separator="\t", null_value="", line_terminator="\n")


def test_every_bad_input_class_fails_its_own_row_with_its_own_code(run_cli, ws: Path, golden) -> None:
    code, out, err = _import(run_cli, ws, MANIFESTS / "import-assets-bad.tsv", "--media-dir", MEDIA,
                             "--format", "json")
    got = json.loads(out)
    assert code == 3
    assert got["status"] == "CompletedWithErrors"
    assert got["rows"] == {"total": 13, "succeeded": 2, "failed": 11, "skipped": 0}
    assert got["error_codes"] == {c: 1 for c in sorted(
        ["AbsolutePath", "DuplicateDisplayName", "FileNotFound", "InvalidImage", "InvalidValue", "MalformedRow",
         "MissingMandatoryField", "PathTraversal", "UnknownChannel", "UnknownLocale", "UnsupportedScheme"])}
    assert f"omm jobs retry {got['job']} --tenant contoso-dev" in err
    golden(GOLDEN / "import" / "import-assets-bad.result.tsv",
           _projection(ws / "tenants/contoso-dev" / got["result"]))


@pytest.mark.parametrize(("args", "message"), [
    (["no-such.tsv"], "omm: error: no-such.tsv: no such file (check the path of the manifest)\n"),
    ([str(MANIFESTS / "import-assets.tsv"), "--media-dir", "no-such-dir"],
     "omm: error: --media-dir no-such-dir: no such directory (give the directory MediaImportPath values are "
     "relative to)\n"),
    ([str(FIXTURES / "manifests/channel-map-dev-to-prod.tsv")],
     "omm: error: channel-map-dev-to-prod.tsv is a maps manifest, which omm import does not take (import one "
     "of: assets, assignments, products, categories, channels (use --kind if detection is wrong))\n"),
])
def test_unusable_input_is_exit_2_and_records_no_job(run_cli, ws: Path, args: list[str], message: str) -> None:
    before = _tree(ws)
    code, out, err = run_cli(["--workspace", ws, "import", *args, "--tenant", "contoso-dev"])
    assert (code, out, err) == (2, "", message)
    assert _tree(ws) == before


def test_assignments_are_refused_while_omnichannel_content_is_off(run_cli, ws: Path) -> None:
    assert run_cli(["--workspace", ws, "settings", "--tenant", "contoso-dev", "OmnichannelContent", "false"])[0] == 0
    before = _tree(ws)
    code, out, err = _import(run_cli, ws, MANIFESTS / "import-assignments.tsv")
    assert (code, out) == (2, "")
    assert err.startswith("omm: error: tenant contoso-dev: OmnichannelContent is off") and err.count("\n") == 1
    assert _tree(ws) == before


def test_an_invalid_catalog_is_refused_whole(run_cli, ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "products.tsv"
    bad.write_text("ProductNumber\tProductName\tProductType\n5000\tScarf\tStandalone\n5001\tHat\tThing\n")
    before = _tree(ws)
    code, out, err = _import(run_cli, ws, bad)
    assert (code, out) == (2, "")
    assert err.startswith("omm: error: products.tsv: line 3: ProductType 'Thing': ProductType must be one of")
    assert "nothing was imported" in err and err.count("\n") == 1
    assert _tree(ws) == before


def test_catalog_upsert_keeps_rows_not_named(run_cli, ws: Path, tmp_path: Path) -> None:
    new = tmp_path / "products.tsv"
    new.write_text("ProductNumber\tProductName\tProductType\n5000\tScarf\tStandalone\n")
    before = read_manifest(ws / "tenants/contoso-dev/hq/products.tsv").frame.height
    code, out, _ = _import(run_cli, ws, new, "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}
    assert read_manifest(ws / "tenants/contoso-dev/hq/products.tsv").frame.height == before + 1
    code, out, _ = _import(run_cli, ws, new, "--replace", "--format", "json")
    assert code == 0 and read_manifest(ws / "tenants/contoso-dev/hq/products.tsv").frame.height == 1


def test_assignments_then_reimport_of_the_result(run_cli, ws: Path) -> None:
    code, out, _ = _import(run_cli, ws, MANIFESTS / "import-assignments.tsv", "--format", "json")
    first = json.loads(out)
    assert code == 0 and first["rows"]["succeeded"] == 6
    code, out, _ = _import(run_cli, ws, ws / "tenants/contoso-dev" / first["result"], "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == {"total": 6, "succeeded": 0, "failed": 0, "skipped": 6}


def test_the_readme_documents_every_error_code() -> None:
    from tests.helpers import REPO
    from toolkit.importing.codes import all_codes

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [c for c in all_codes() if f"| `{c}` |" not in readme] == []


def test_progress_reports_rows_and_binaries_on_a_terminal(run_cli, ws: Path, monkeypatch) -> None:
    from toolkit.cli import progress as cli_progress

    calls: list[tuple[str, int, int]] = []

    class Spy:
        def __init__(self, console: object) -> None:
            pass

        def __call__(self, phase: str, done: int, total: int) -> None:
            calls.append((phase, done, total))

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(cli_progress, "ProgressBars", Spy)
    monkeypatch.setattr(cli_progress, "_is_terminal", lambda: True)
    assert _import(run_cli, ws, MANIFESTS / "import-assets.tsv", "--media-dir", MEDIA)[0] == 0
    assert [c for c in calls if c[0] == "rows"] == [("rows", 1, 4), ("rows", 2, 4), ("rows", 4, 4)]
    assert ("binaries", 4, 4) in calls
