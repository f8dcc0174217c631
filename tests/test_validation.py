"""toolkit.validation: validate_manifest, validate (files, tenants, workspaces), ValidationReport."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import BAD, REPO, WORKSPACE
from toolkit.errors import InputError
from toolkit.findings import Finding
from toolkit.tsv import read_manifest_bytes
from toolkit.validation import ValidationReport, validate, validate_manifest

UUID = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"


def test_report_shape() -> None:
    f = Finding("a.tsv", 3, "MediaType", "enum", "Picture", "MediaType must be one of Image, Video, File")
    report = ValidationReport(("a.tsv", "b.tsv"), (f,))
    assert not report.valid and report.error_count == 1
    d = report.to_dict()
    assert list(d) == ["valid", "error_count", "errors"]
    assert d == {"valid": False, "error_count": 1, "errors": [
        {"file": "a.tsv", "line": 3, "column": "MediaType", "value": "Picture", "rule": "enum",
         "message": "MediaType must be one of Image, Video, File"}]}
    assert list(d["errors"][0]) == ["file", "line", "column", "value", "rule", "message"]
    empty = ValidationReport(("a.tsv",), ())
    assert empty.valid and empty.to_dict() == {"valid": True, "error_count": 0, "errors": []}


def test_findings_sort_by_place_then_rule() -> None:
    a = Finding("a.tsv", 10, "X", "format", None, "m")
    b = Finding("a.tsv", 2, "Y", "enum", None, "m")
    c = Finding("a.tsv", 2, "X", "format", None, "m")
    d = Finding("0.tsv", 99, "", "encoding", None, "m")
    assert sorted([a, b, c, d]) == [d, c, b, a]


def test_validate_manifest_structure_and_cells_together() -> None:
    raw = (f"InternalMediaId\tMediaLocale\tMediaType\tMediaDisplayName\n{UUID}\ten-us\tPicture\tA\nragged\n"
           f"{UUID[:-1]}f\ten-us\tFile\t\n").encode()
    m = read_manifest_bytes(raw, "media.tsv", strict=False)
    assert validate_manifest(m) == (
        Finding("media.tsv", 2, "MediaType", "enum", "Picture", "MediaType must be one of Image, Video, File"),
        Finding("media.tsv", 3, "", "ragged_row", "ragged", "row has 1 fields but the header has 4; check for a missing "
                                                             "or extra tab"),
        Finding("media.tsv", 4, "MediaDisplayName", "required_value", None, "MediaDisplayName needs a value"),
    )


def test_validate_manifest_lines_follow_embedded_newlines() -> None:
    raw = (f'InternalMediaId\tMediaLocale\tMediaType\tMediaDisplayName\tMediaDescription\n'
           f'{UUID}\ten-us\tFile\tA\t"line one\nline two\nline three"\n'
           f'abc\ten-us\tFile\tB\t\n').encode()
    m = read_manifest_bytes(raw, "media.tsv")
    assert [(f.line, f.column) for f in validate_manifest(m)] == [(5, "InternalMediaId")]


def test_header_only_manifest_is_valid() -> None:
    m = read_manifest_bytes(b"ProductNumber\tProductType\n", "products.tsv")
    assert validate_manifest(m) == ()


def test_validate_a_file(tmp_path) -> None:
    p = tmp_path / "products.tsv"
    p.write_bytes(b"ProductNumber\tProductType\n1\tKit\n")
    report = validate([p])
    assert report.files == (str(p),)
    assert report.findings == (Finding(str(p), 2, "ProductType", "enum", "Kit",
                                       "ProductType must be one of Standalone, Master, Variant"),)


def test_validate_kind_override(tmp_path) -> None:
    p = tmp_path / "whatever.tsv"
    p.write_bytes(b"Source\tDestination\n\tx\n")
    assert [(f.line, f.column, f.rule) for f in validate([p], kind="maps").findings] == [(2, "Source", "required_value")]


def test_unreadable_file_is_one_finding(tmp_path) -> None:
    p = tmp_path / "p.tsv"
    p.write_bytes("ProductNumber\tProductType\n1\tMaster\n".encode("utf-16-le"))
    report = validate([p])
    assert report.findings == (Finding(str(p), 1, "", "encoding", None,
                                       'looks like UTF-16 without a byte-order mark (re-save it as UTF-8, or as UTF-16 '
                                       'with BOM ("Unicode text"))'),)


def test_undetectable_kind_is_one_finding(tmp_path) -> None:
    p = tmp_path / "x.tsv"
    p.write_bytes(b"Foo\tBar\n1\t2\n")
    (f,) = validate([p]).findings
    assert (f.line, f.column, f.rule) == (1, "", "unknown_kind")


def test_missing_path_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError) as exc:
        validate([tmp_path / "nope.tsv"])
    assert exc.value.exit_code == 2
    assert str(exc.value) == f"{tmp_path / 'nope.tsv'}: no such file or directory (check the path)"


def test_validate_a_plain_directory_searches_tsv_files(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "products.tsv").write_bytes(b"ProductNumber\tProductType\n1\tMaster\n")
    (tmp_path / "settings.tsv").write_bytes(b"Name\tValue\nA\t1\n")
    (tmp_path / "notes.txt").write_text("not a manifest")
    report = validate([tmp_path])
    assert report.files == (str(tmp_path / "settings.tsv"), str(tmp_path / "sub" / "products.tsv"))
    assert report.valid


def test_good_workspace_is_valid() -> None:
    report = validate([WORKSPACE])
    assert report.findings == ()
    assert report.valid
    tenants = sorted(p.name for p in (WORKSPACE / "tenants").iterdir())
    assert tenants == ["contoso-dev", "contoso-prod"]
    assert len(report.files) == len(list(WORKSPACE.rglob("*.tsv")))


def test_good_tenant_is_valid() -> None:
    assert validate([WORKSPACE / "tenants" / "contoso-dev"]).findings == ()


def test_tenant_missing_manifests(tmp_path) -> None:
    t = tmp_path / "tenants" / "t1"
    t.mkdir(parents=True)
    (t / "channels.tsv").write_bytes(b"ChannelId\tChannelName\tChannelType\tDefaultLocale\tLocales\n"
                                     b"OUN1\tWeb\tOnline\ten-us\ten-us\n")
    report = validate([t])
    assert report.files == (str(t / "channels.tsv"),)
    assert [(Path(f.file).relative_to(t).as_posix(), f.line, f.rule) for f in report.findings] == [
        ("cms/assignments.tsv", 0, "missing_manifest"), ("cms/media.tsv", 0, "missing_manifest"),
        ("hq/categories.tsv", 0, "missing_manifest"), ("hq/products.tsv", 0, "missing_manifest"),
        ("settings.tsv", 0, "missing_manifest")]


def test_workspace_validates_each_tenant(tmp_path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    products = ws / "tenants" / "contoso-prod" / "hq" / "products.tsv"
    products.write_bytes(products.read_bytes() + b"X1\tBroken\tKit\t\t\t\t\t\n")
    report = validate([ws])
    n = len(products.read_text().splitlines())
    assert [(f.file, f.line, f.column, f.rule) for f in report.findings] == [
        (str(products), n, "ProductType", "enum")]


def test_broken_tenant_integrity_findings() -> None:
    tenant = BAD / "tenant-integrity" / "tenants" / "broken"
    report = validate([tenant])
    assignments = str(tenant / "cms" / "assignments.tsv")
    assert [(f.file, f.line, f.column, f.rule) for f in report.findings] == [
        (assignments, 4, "InternalMediaId", "unknown_asset"),
        (assignments, 5, "EntityChannel", "unknown_channel"),
        (assignments, 6, "EntityLocale", "unknown_locale"),
        (assignments, 7, "EntityKeyValue", "missing_product"),
        (assignments, 8, "EntityKeyValue", "missing_category"),
        (assignments, 9, "SwatchValue", "swatch_not_image"),
        (assignments, 10, "SwatchValue", "swatch_not_image"),
        (assignments, 11, "MediaType", "asset_type_mismatch"),
    ]


def test_relative_paths_stay_relative(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    report = validate(["fixtures/bad/bad-enum.tsv"])
    assert [f.file for f in report.findings] == ["fixtures/bad/bad-enum.tsv"]


def test_config_unique_duplicates_report_each_repeat_once_against_the_first_line(tmp_path) -> None:
    p = tmp_path / "products.tsv"
    p.write_text("ProductNumber\tProductType\n1\tStandalone\n1\tStandalone\n2\tStandalone\n1\tStandalone\n")
    found = [(f.line, f.rule, f.message) for f in validate([p]).findings]
    assert found == [(3, "duplicate_key", "duplicate key ProductNumber; first at line 2"),
                     (5, "duplicate_key", "duplicate key ProductNumber; first at line 2")]
