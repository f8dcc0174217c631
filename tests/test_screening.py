"""Screening proves a file valid without loading it, and never says so of an invalid one."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from tests.helpers import BAD, WORKSPACE
from toolkit.screening import screen_file
from toolkit.tsv.parse import has_quoted_fields
from toolkit.validation import validate

TENANT = WORKSPACE / "tenants" / "contoso-dev"
GOOD = sorted(p for p in TENANT.rglob("*.tsv"))
PRODUCTS = TENANT / "hq" / "products.tsv"


@pytest.mark.parametrize("path", GOOD, ids=[str(p.relative_to(TENANT)) for p in GOOD])
def test_every_canonical_fixture_without_quoted_fields_is_proven_valid(path: Path) -> None:
    # A quoted field (media.tsv quotes an alt text holding 32") sends a file the full way.
    assert screen_file(path) is (not has_quoted_fields(path.read_bytes()))
    assert validate([path]).valid


@pytest.mark.parametrize("path", sorted(BAD.glob("*.tsv")), ids=lambda p: p.name)
def test_no_bad_fixture_is_ever_proven_valid(path: Path) -> None:
    assert screen_file(path) is False
    assert not validate([path]).valid


def _copy(tmp_path: Path, data: bytes, name: str = "products.tsv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: b.replace(b"\tMaster\t", b"\tmaster\t", 1), id="non-canonical-enum"),
        pytest.param(lambda b: codecs.BOM_UTF8 + b, id="utf8-bom"),
        pytest.param(lambda b: b.replace(b"Contoso Denim Jeans", b'"Contoso Denim Jeans"', 1), id="quoted-field"),
        pytest.param(lambda b: b + b"\n", id="blank-line"),
    ],
)
def test_files_it_cannot_prove_still_validate_the_full_way(tmp_path: Path, change) -> None:
    p = _copy(tmp_path, change(PRODUCTS.read_bytes()))
    assert screen_file(p) is False
    assert validate([p]).valid


def test_a_short_row_is_not_hidden_by_polars_padding(tmp_path: Path) -> None:
    lines = PRODUCTS.read_bytes().split(b"\n")
    header_width = lines[0].count(b"\t")
    short = next(i for i, line in enumerate(lines[1:], 1) if line.endswith(b"\t"))
    lines[short] = lines[short][:-1]  # drop the (empty) last field
    assert lines[short].count(b"\t") == header_width - 1
    p = _copy(tmp_path, b"\n".join(lines))
    assert screen_file(p) is False
    assert [f.rule for f in validate([p]).findings] == ["ragged_row"]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("final_newline", [True, False], ids=["final-newline", "no-final-newline"])
def test_full_rows_are_proven_and_a_short_one_is_caught_with_any_line_ending(
        tmp_path: Path, ending: bytes, final_newline: bool) -> None:
    # Byte accounting proves LF files; with carriage returns the tabs are counted instead.
    lines = PRODUCTS.read_bytes().rstrip(b"\n").split(b"\n")
    assert any(line.endswith(b"\t") for line in lines[1:])  # empty last cells: Polars nulls, as a short row's

    def write(rows: list[bytes]) -> Path:
        return _copy(tmp_path, ending.join(rows) + (ending if final_newline else b""))

    assert screen_file(write(lines)) is True
    short = next(i for i, line in enumerate(lines[1:], 1) if line.endswith(b"\t"))
    lines[short] = lines[short][:-1]
    assert screen_file(write(lines)) is False
    assert [f.rule for f in validate([write(lines)]).findings] == ["ragged_row"]


def test_a_trailing_tab_on_the_last_line_without_newline_is_caught(tmp_path: Path) -> None:
    # Polars drops that one extra empty field at the very end of a file, and nowhere else.
    lines = PRODUCTS.read_bytes().rstrip(b"\n").split(b"\n")
    p = _copy(tmp_path, b"\n".join([*lines[:-1], lines[-1] + b"\t"]))
    assert screen_file(p) is False
    assert [(f.line, f.rule) for f in validate([p]).findings] == [(len(lines), "ragged_row")]


def test_explicit_kind_and_unknown_files(tmp_path: Path) -> None:
    p = _copy(tmp_path, PRODUCTS.read_bytes(), "catalog.tsv")
    assert screen_file(p, "products") is True
    assert screen_file(p, "channels") is False
    assert screen_file(tmp_path / "missing.tsv") is False
    shutil.copyfile(BAD / "empty.tsv", tmp_path / "empty.tsv")
    assert screen_file(tmp_path / "empty.tsv") is False


# -- soundness: whatever screening proves, Pandera accepts --------------------------------------

ASSIGNMENTS = TENANT / "cms" / "assignments.tsv"
_UUID = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"
_TIME = "2025-03-11T09:00:00Z"
# Per column, values that pass, values that are not canonical, and values that break a rule.
_VALUES = {
    "InternalMediaId": [_UUID, "a8cbacea-49b2-40a8-b182-a92d95654760", _UUID.upper(), "not-a-uuid", ""],
    "MediaLocale": ["system_neutral", "en-us", "EN-US", "en_us", "x", ""],
    "MediaType": ["Image", "Video", "File", "image", "Photo", ""],
    "EntityType": ["Product|Master", "Product|Variant", "Product|DimensionMatrix", "Product|Master|Swatch",
                   "Category", "master", "DimensionMatrix", ""],
    "EntityKeyValue": ["1000", "93039|Color:Black", "93039|Size:32", "93039|Color:Black|Size:32",
                       "93039|Size:32|Color:Black", "93039|Fit:Slim", "93039|Color:Black|Color:Blue", "93039",
                       " 1000", ""],
    "EntityLocale": ["system_neutral", "en-us", "de-de", "EN-us", ""],
    "EntityChannel": ["", "OUN00001", "1", "oun00001", "web"],
    "EntityAssignmentCurrentPublishState": ["Published", "Draft", "draft", ""],
    "MediaGroup": ["Primary", "Additional", "primary", ""],
    "MediaPurpose": ["", "Manual"],
    "MediaDisplayOrder": ["1", "2", "3", "01", "-1", "x", ""],
    "SwatchGroup": ["", "Color", "color"],
    "SwatchDimension": ["", "Black"],
    "SwatchValue": ["", "#aabbcc", "#AABBCC", _UUID, "red"],
    "EntityCreatedOn": [_TIME, "2025-02-30T00:00:00Z", "2025-03-11T10:00:00+01:00", ""],
    "EntityVersion": ["1", "2", "01", "-3", ""],
}


def _mutations():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    cell = st.sampled_from(sorted(_VALUES)).flatmap(
        lambda col: st.tuples(st.just("set"), st.integers(0, 31), st.just(col), st.sampled_from(_VALUES[col])))
    copy = st.tuples(st.just("copy"), st.integers(0, 31), st.just(""), st.just(""))
    return st.lists(cell | copy, min_size=1, max_size=4)


def _mutated(mutations: list[tuple[str, int, str, str]]) -> bytes:
    # The alt text quoting 32" would send every file the full way: spell it without quotes.
    text = ASSIGNMENTS.read_bytes().decode().replace('"Close-up of the 32"" inseam stitching"', "Inseam close-up")
    header, *rows = text.rstrip("\n").split("\n")
    names = header.split("\t")
    table = [row.split("\t") for row in rows]
    for op, i, col, value in mutations:
        if op == "copy":
            table.append(list(table[i % len(table)]))
        else:
            table[i % len(table)][names.index(col)] = value
    return ("\n".join([header, *("\t".join(r) for r in table)]) + "\n").encode()


def test_a_file_screening_proves_valid_passes_every_pandera_check(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    from toolkit.tsv import read_manifest
    from toolkit.validation import validation_frame

    proven = []

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_mutations())
    def check(mutations: list[tuple[str, int, str, str]]) -> None:
        p = _copy(tmp_path, _mutated(mutations), "assignments.tsv")
        if not screen_file(p):
            return  # unproven: the full way reports (or passes) it, as the tests above show
        proven.append(mutations)
        manifest = read_manifest(p, strict=False)
        assert not manifest.problems
        manifest.kind.model.validate(validation_frame(manifest), lazy=True)  # raises on any failed check

    check()
    assert len(proven) >= 5  # the property was put to the test, not only to files screening gives up on
