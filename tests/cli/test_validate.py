"""``omm validate`` (SPEC §6): exit codes, text / json / github output, golden files of fixtures/bad/.

Goldens: ``fixtures/bad/<stem>.expected.json`` is the exact ``--format json`` output of
``omm validate fixtures/bad/<stem>.tsv`` run from the project root; the broken tenant's is
``fixtures/bad/tenant-integrity.expected.json``. Regenerate with ``pytest --update-goldens`` and
check the diff against fixtures/bad/README.md (also encoded in README_EXPECTATIONS below).
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from tests.helpers import BAD, REPO, WORKSPACE
from toolkit.validation import validate

BAD_FILES = sorted(p.name for p in BAD.glob("*.tsv"))


@cache
def report_of(name: str):
    """The library's report of one bad fixture (validated once per session: Pandera is not cheap)."""
    return validate([BAD / name])
TENANT = "fixtures/bad/tenant-integrity/tenants/broken"


def test_every_bad_fixture_is_documented() -> None:
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([^`]+\.tsv)` \|", readme, flags=re.M))
    assert documented == set(BAD_FILES)


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_fixture_json_matches_golden(name: str, run_cli, golden) -> None:
    code, out, err = run_cli(["validate", f"fixtures/bad/{name}", "--format", "json"])
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["valid"] is False and report["error_count"] == len(report["errors"]) >= 1
    assert {e["file"] for e in report["errors"]} == {f"fixtures/bad/{name}"}
    golden(BAD / f"{name.removesuffix('.tsv')}.expected.json", out)


def test_broken_tenant_json_matches_golden(run_cli, golden) -> None:
    code, out, err = run_cli(["validate", TENANT, "--format", "json"])
    assert (code, err) == (1, "")
    golden(BAD / "tenant-integrity.expected.json", out)


# What fixtures/bad/README.md says each file must produce: (line, column, rule) of every finding.
README_EXPECTATIONS: dict[str, set[tuple[int, str, str]]] = {
    "ragged-long.tsv": {(3, "", "ragged_row")},
    "ragged-short.tsv": {(4, "", "ragged_row")},
    "unterminated-quote.tsv": {(3, "ImageAltText", "unterminated_quote")},
    "bad-utf8.tsv": {(3, "MediaDisplayName", "encoding")},
    "utf16-no-bom.tsv": {(1, "", "encoding")},
    "empty.tsv": {(1, "", "empty_file")},
    "duplicate-column.tsv": {(1, "Color", "duplicate_column")},
    "missing-column.tsv": {(1, "ProductNumber", "missing_column")},
    "bad-enum.tsv": {(3, "MediaType", "enum")},
    "bad-locale.tsv": {(2, "MediaLocale", "format")},
    "bad-timestamp.tsv": {(3, "MediaLastModifiedOn", "format")},
    "bad-uuid.tsv": {(2, "InternalMediaId", "format")},
    "duplicate-key.tsv": {(4, "InternalMediaId", "duplicate_key")},
    "duplicate-display-name.tsv": {(3, "MediaDisplayName", "display_name_unique")},
    "missing-mandatory-new.tsv": {(2, "ImageAltText", "image_needs_alt_text"), (3, "MediaTitle", "video_needs_title")},
    "missing-mandatory-existing.tsv": {(3, "MediaDisplayName", "required_value")},
    "bad-channel.tsv": {(3, "EntityChannel", "format")},
    "bad-integer.tsv": {(3, "MediaDisplayOrder", "format")},
    "bad-swatch.tsv": {(3, "SwatchValue", "format")},
    "category-omnichannel.tsv": {(2, "EntityChannel", "category_channel_specific")},
    "category-two-primary.tsv": {(2, "MediaGroup", "category_one_primary_image"),
                                 (3, "MediaGroup", "category_one_primary_image")},
    "matrix-mixed-dimensions.tsv": {(4, "EntityKeyValue", "matrix_one_dimension_set")},
    "matrix-bad-key.tsv": {(2, "EntityKeyValue", "matrix_key_format")},
    "duplicate-display-order.tsv": {(3, "MediaDisplayOrder", "unique_primary_display_order")},
    "mixed-set-action.tsv": {(3, "EntityAssignmentAction", "one_action_per_set")},
    "several-errors.tsv": {
        (3, "InternalMediaId", "format"), (4, "MediaLocale", "format"), (5, "MediaType", "enum"),
        (6, "MediaVersion", "format"), (7, "MediaSourceIfExistsAction", "enum"), (8, "MediaAction", "enum"),
        (9, "MediaChannel", "format"), (10, "MediaLastModifiedOn", "format"), (11, "MediaPublished", "format"),
        (12, "ImageWidth", "format"), (13, "ImageHeight", "format"), (14, "ImageAltText", "image_needs_alt_text"),
        (15, "MediaTitle", "video_needs_title"), (16, "MediaDisplayName", "required_value"),
        (17, "MediaLastModifiedOn", "format"), (19, "InternalMediaId", "duplicate_key")},
}
# Where the tool and fixtures/bad/README.md disagree on purpose (none at the moment).
README_MISMATCHES: dict[str, str] = {}


def _readme_case(name: str):
    if name in README_MISMATCHES:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="README mismatch: " + README_MISMATCHES[name]))
    return name


def test_readme_expectations_cover_every_file() -> None:
    assert set(README_EXPECTATIONS) == set(BAD_FILES)


@pytest.mark.parametrize("name", [_readme_case(n) for n in sorted(README_EXPECTATIONS)])
def test_bad_fixture_findings_per_readme(name: str) -> None:
    report = report_of(name)
    assert {(f.line, f.column, f.rule) for f in report.findings} == README_EXPECTATIONS[name]
    assert report.error_count == len(README_EXPECTATIONS[name])


def test_several_errors_values_as_the_readme_lists_them() -> None:
    report = report_of("several-errors.tsv")
    values = {(f.line, f.column): f.value for f in report.findings}
    expected = {(3, "InternalMediaId"): "not-a-uuid", (5, "MediaType"): "Photo", (6, "MediaVersion"): "two",
                (7, "MediaSourceIfExistsAction"): "Replace", (8, "MediaAction"): "Publish", (9, "MediaChannel"): "Web",
                (10, "MediaLastModifiedOn"): "yesterday", (11, "MediaPublished"): "maybe", (12, "ImageWidth"): "wide",
                (13, "ImageHeight"): "1.5", (14, "ImageAltText"): None, (15, "MediaTitle"): None,
                (16, "MediaDisplayName"): None, (17, "MediaLastModifiedOn"): "2025-02-30T10:00:00Z",
                (19, "InternalMediaId"): "3a0b8f4e-5c1d-4e2f-9a7b-1c2d3e4f5a01"}
    assert {k: values.get(k, "<missing>") for k in expected} == expected


def test_several_errors_line_4_usa_is_not_a_locale() -> None:
    report = report_of("several-errors.tsv")
    assert (4, "MediaLocale", "format") in {(f.line, f.column, f.rule) for f in report.findings}


def test_cli_json_equals_library_report_same_paths(run_cli, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    for target in ("fixtures/bad/several-errors.tsv", TENANT, "fixtures/workspace", "fixtures/bad/empty.tsv"):
        _, out, _ = run_cli(["validate", target, "--format", "json"])
        assert json.loads(out) == validate([target]).to_dict()


def test_json_shape_exactly() -> None:
    out = report_of("bad-enum.tsv").to_dict()
    assert list(out) == ["valid", "error_count", "errors"]
    for e in out["errors"]:
        assert list(e) == ["file", "line", "column", "value", "rule", "message"]
        assert isinstance(e["line"], int) and isinstance(e["message"], str)


def test_valid_workspace_text(run_cli) -> None:
    n = len(list(WORKSPACE.rglob("*.tsv")))
    assert run_cli(["validate", "fixtures/workspace"]) == (0, "", f"✓ {n} files valid\n")


def test_valid_workspace_json(run_cli) -> None:
    assert run_cli(["validate", "fixtures/workspace", "--format", "json"]) == (
        0, '{\n  "valid": true,\n  "error_count": 0,\n  "errors": []\n}\n', "")


def test_valid_workspace_github(run_cli) -> None:
    assert run_cli(["validate", "fixtures/workspace", "--format", "github"]) == (0, "", "")


def test_one_file_text_output(run_cli) -> None:
    assert run_cli(["validate", "fixtures/bad/bad-enum.tsv"]) == (
        1, "fixtures/bad/bad-enum.tsv:3: MediaType: 'Picture': MediaType must be one of Image, Video, File [enum]\n",
        "✗ 1 error in 1 of 1 files\n")


def test_text_output_capped_by_max_errors(run_cli) -> None:
    code, out, err = run_cli(["validate", "fixtures/bad/several-errors.tsv", "--max-errors", "3"])
    total = report_of("several-errors.tsv").error_count
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == 4
    assert all(line.startswith("fixtures/bad/several-errors.tsv:") for line in lines[:3])
    assert lines[3] == f"… and {total - 3} more (--max-errors 0 lists them all)"
    assert err == f"✗ {total} errors in 1 of 1 files\n"


def test_max_errors_zero_lists_all(run_cli) -> None:
    total = report_of("several-errors.tsv").error_count
    code, out, _ = run_cli(["validate", "fixtures/bad/several-errors.tsv", "--max-errors", "0"])
    assert code == 1 and len(out.splitlines()) == total and "more" not in out


def test_default_cap_is_50(run_cli, tmp_path) -> None:
    rows = "".join(f"{i}\tKit\n" for i in range(60))
    (tmp_path / "products.tsv").write_text("ProductNumber\tProductType\n" + rows)
    code, out, err = run_cli(["validate", "products.tsv"], cwd=tmp_path)
    lines = out.splitlines()
    assert (code, len(lines), lines[-1], err) == (1, 51, "… and 10 more (--max-errors 0 lists them all)",
                                                  "✗ 60 errors in 1 of 1 files\n")


def test_json_is_never_capped(run_cli) -> None:
    total = report_of("several-errors.tsv").error_count
    _, out, _ = run_cli(["validate", "fixtures/bad/several-errors.tsv", "--format", "json", "--max-errors", "1"])
    assert json.loads(out)["error_count"] == len(json.loads(out)["errors"]) == total


def test_github_format(run_cli) -> None:
    code, out, err = run_cli(["validate", "fixtures/bad/bad-enum.tsv", "fixtures/bad/empty.tsv", "--format", "github"])
    assert (code, err) == (1, "")
    assert out == (
        "::error file=fixtures/bad/bad-enum.tsv,line=3,title=omm validate%3A enum::MediaType: MediaType must be one of "
        "Image, Video, File (value 'Picture')\n"
        "::error file=fixtures/bad/empty.tsv,line=1,title=omm validate%3A empty_file::the file is empty (a manifest "
        "needs at least a header row)\n")


def test_github_format_capped(run_cli) -> None:
    total = report_of("several-errors.tsv").error_count
    code, out, _ = run_cli(["validate", "fixtures/bad/several-errors.tsv", "--format", "github", "--max-errors", "2"])
    lines = out.splitlines()
    assert code == 1 and len(lines) == 3
    assert all(line.startswith("::error file=fixtures/bad/several-errors.tsv,line=") for line in lines[:2])
    assert lines[2] == f"::warning::{total - 2} more validation errors not shown"


def test_github_escapes_newlines_and_separators(run_cli, tmp_path) -> None:
    (tmp_path / "a,b:c.tsv").write_text('Name\tValue\n"x\ny"\t1\n')
    code, out, _ = run_cli(["validate", "a,b:c.tsv", "--format", "github"], cwd=tmp_path)
    assert code == 1
    assert out.startswith("::error file=a%2Cb%3Ac.tsv,line=2,title=omm validate%3A format::Name: ")
    assert "(value 'x\\ny')" in out and out.count("\n") == 1


def test_several_paths_and_summary(run_cli) -> None:
    code, out, err = run_cli(["validate", "fixtures/bad/bad-enum.tsv", "fixtures/bad/bad-uuid.tsv",
                              "fixtures/workspace/tenants/contoso-dev/channels.tsv"])
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == ["fixtures/bad/bad-enum.tsv", "fixtures/bad/bad-uuid.tsv"]
    assert err == "✗ 2 errors in 2 of 3 files\n"


def test_missing_path_exit_2(run_cli) -> None:
    assert run_cli(["validate", "fixtures/bad/nope.tsv"]) == (
        2, "", "omm: error: fixtures/bad/nope.tsv: no such file or directory (check the path)\n")


def test_missing_argument_is_usage_error(run_cli) -> None:
    code, out, err = run_cli(["validate"])
    assert (code, out) == (2, "")
    assert err.endswith("Error: Missing argument 'PATHS...'.\n")


def test_bad_format_choice(run_cli) -> None:
    code, _, err = run_cli(["validate", "fixtures/workspace", "--format", "xml"])
    assert code == 2 and "Invalid value for '--format'" in err


def test_quiet_silences_the_summary(run_cli) -> None:
    assert run_cli(["--quiet", "validate", "fixtures/workspace"]) == (0, "", "")
    code, out, err = run_cli(["-q", "validate", "fixtures/bad/bad-enum.tsv"])
    assert (code, err) == (1, "") and out.startswith("fixtures/bad/bad-enum.tsv:3:")


def test_kind_option(run_cli, tmp_path) -> None:
    (tmp_path / "map.tsv").write_text("Source\tDestination\nOUN1\tOUN2\n")
    assert run_cli(["validate", "map.tsv", "--kind", "maps"], cwd=tmp_path) == (0, "", "✓ 1 file valid\n")
