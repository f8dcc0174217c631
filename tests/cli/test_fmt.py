"""``omm fmt`` (SPEC §6): canonical rewrite in place, ``--check``, errors.

The canonical bytes of the messy inputs below are goldens under ``fixtures/golden/fmt/``
(regenerate with ``pytest --update-goldens``; review the diff by hand).
"""

from __future__ import annotations

import codecs
import json
import os

import pytest

from tests.helpers import GOLDEN

FMT = GOLDEN / "fmt"

# A spreadsheet-style asset export: BOM, CRLF, shuffled columns, unsorted rows, an unknown column,
# Omnichannel / bare-digit channels, EN-US / Neutral locales, enum case, upper-case GUIDs, offsets,
# a quoted field with a newline and doubled quotes, and a literal mid-field quote.
MESSY_ASSETS = codecs.BOM_UTF8 + "\r\n".join([
    "Reviewer notes\tMediaDisplayName\tMediaType\tMediaLocale\tMediaChannel\tInternalMediaId\tImageAltText\t"
    "MediaLastModifiedOn\tMediaPublished\tMediaVersion\tMediaTitle",
    "ok\tJeans black front\timage\tEN-US\tOmnichannel\t7C522F2E-2A89-4557-86D3-1B8889C5B44E\tJeans, front\t"
    "2025-03-15T12:02:00+02:00\tYES\t01\t",
    "\tJeans inseam\tIMAGE\tNeutral\t00001\tb98a258d-ae87-4b34-b384-9bf61f7a22b5\tInseam 32\" detail\t"
    "2025-03-15 10:02:00\tfalse\t2\t",
    "\"check \"\"this\"\"\nagain\"\tAviator video\tvideo\t\tomnichannel\t8095dc74-d363-43f9-b9ec-c68dd3a1a8c4\t\t"
    "2025-03-15T10:02:00.500Z\ttrue\t1\tAviator 360°",
    "\tJeans black front\tImage\tfr_FR\t\t7c522f2e-2a89-4557-86d3-1b8889c5b44e\tJean noir\t"
    "2025-03-15T10:02:00Z\tno\t1\t",
]).encode("utf-8") + b"\r\n"

MESSY_ASSIGNMENTS = "\r\n".join([
    "MediaGroup\tEntityKeyValue\tEntityType\tEntityChannel\tEntityLocale\tInternalMediaId\tMediaDisplayOrder\tX-Flag\t"
    "MediaType\tMediaLocale",
    "primary\t93039|style:Slim|COLOR:Black\tDimensionMatrix\t\tNeutral\t7c522f2e-2a89-4557-86d3-1b8889c5b44e\t1\ty\t"
    "image\tNeutral",
    "Primary\t93039\tMaster\t1\tEN-us\t59C96FAD-E227-402C-ABEC-6FEFBA40D6BE\t02\t\tImage\t",
    "Primary\t93039\tproduct|master\tOmnichannel\t\t7c522f2e-2a89-4557-86d3-1b8889c5b44e\t10\t\tImage\t",
    "Primary\t93039\tMaster\tOmnichannel\tneutral\t59c96fad-e227-402c-abec-6fefba40d6be\t9\t\tImage\t",
    "Additional\t93039\tMaster\t\tsystem_neutral\t6cd6c9f6-1361-4164-85e1-ceba79b281ce\t1\t\tImage\ten-US",
    "Primary\tC110\tcategory\toun00001\t\tbea08afd-cffd-4eec-8f6d-48a5a95423c9\t1\t\tIMAGE\t",
]).encode("utf-16-le")
MESSY_ASSIGNMENTS = codecs.BOM_UTF16_LE + MESSY_ASSIGNMENTS + "\r\n".encode("utf-16-le")

CASES = {"media.tsv": (MESSY_ASSETS, "assets.expected.tsv"),
         "assignments.tsv": (MESSY_ASSIGNMENTS, "assignments.expected.tsv")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fmt_rewrites_messy_file_to_golden(name: str, run_cli, golden, tmp_path) -> None:
    raw, expected = CASES[name]
    p = tmp_path / name
    p.write_bytes(raw)
    assert run_cli(["fmt", name], cwd=tmp_path) == (0, f"reformatted {name}\n", "1 file reformatted, 0 already canonical\n")
    out = p.read_bytes()
    golden(FMT / expected, out)
    # the canonical file is LF, UTF-8 without BOM, and formatting it again changes nothing
    assert not out.startswith(codecs.BOM_UTF8) and b"\r\n" not in out
    assert run_cli(["fmt", "--check", name], cwd=tmp_path) == (0, "", "0 files would be reformatted, 1 already canonical\n")
    assert run_cli(["fmt", name], cwd=tmp_path) == (0, "", "0 files reformatted, 1 already canonical\n")
    assert p.read_bytes() == out


def test_golden_assets_content() -> None:
    """The golden itself, read as a reviewer would: every token canonical, the notes column last."""
    lines = (FMT / "assets.expected.tsv").read_text(encoding="utf-8").split("\n")
    assert lines[0] == ("InternalMediaId\tMediaChannel\tMediaLocale\tMediaType\tMediaVersion\tImageAltText\t"
                        "MediaDisplayName\tMediaLastModifiedOn\tMediaPublished\tMediaTitle\tReviewer notes")
    assert lines[1:] == [
        "7c522f2e-2a89-4557-86d3-1b8889c5b44e\t\ten-us\tImage\t1\tJeans, front\tJeans black front\t"
        "2025-03-15T10:02:00Z\ttrue\t\tok",
        "7c522f2e-2a89-4557-86d3-1b8889c5b44e\t\tfr-fr\tImage\t1\tJean noir\tJeans black front\t"
        "2025-03-15T10:02:00Z\tfalse\t\t",
        "8095dc74-d363-43f9-b9ec-c68dd3a1a8c4\t\tsystem_neutral\tVideo\t1\t\tAviator video\t"
        "2025-03-15T10:02:00.5Z\ttrue\tAviator 360°\t\"check \"\"this\"\"",
        "again\"",
        "b98a258d-ae87-4b34-b384-9bf61f7a22b5\tOUN00001\tsystem_neutral\tImage\t2\t\"Inseam 32\"\" detail\"\t"
        "Jeans inseam\t2025-03-15T10:02:00Z\tfalse\t\t",
        "",
    ]


def test_golden_assignments_content() -> None:
    lines = (FMT / "assignments.expected.tsv").read_text(encoding="utf-8").split("\n")
    assert lines[0] == ("InternalMediaId\tMediaLocale\tMediaType\tEntityType\tEntityKeyValue\tEntityLocale\t"
                        "EntityChannel\tMediaGroup\tMediaDisplayOrder\tX-Flag")
    assert lines[1:] == [
        "59c96fad-e227-402c-abec-6fefba40d6be\tsystem_neutral\tImage\tProduct|Master\t93039\tsystem_neutral\t\t"
        "Primary\t9\t",
        "7c522f2e-2a89-4557-86d3-1b8889c5b44e\tsystem_neutral\tImage\tProduct|Master\t93039\tsystem_neutral\t\t"
        "Primary\t10\t",
        "6cd6c9f6-1361-4164-85e1-ceba79b281ce\ten-us\tImage\tProduct|Master\t93039\tsystem_neutral\t\t"
        "Additional\t1\t",
        "59c96fad-e227-402c-abec-6fefba40d6be\tsystem_neutral\tImage\tProduct|Master\t93039\ten-us\tOUN1\t"
        "Primary\t2\t",
        "7c522f2e-2a89-4557-86d3-1b8889c5b44e\tsystem_neutral\tImage\tProduct|DimensionMatrix\t"
        "93039|Color:Black|Style:Slim\tsystem_neutral\t\tPrimary\t1\ty",
        "bea08afd-cffd-4eec-8f6d-48a5a95423c9\tsystem_neutral\tImage\tCategory\tC110\tsystem_neutral\tOUN00001\t"
        "Primary\t1\t",
        "",
    ]


def test_goldens_are_valid_manifests() -> None:
    from toolkit.validation import validate

    assert validate([FMT]).findings == ()


def test_check_changes_nothing_and_exits_1(run_cli, tmp_path) -> None:
    p = tmp_path / "media.tsv"
    p.write_bytes(MESSY_ASSETS)
    os.utime(p, ns=(1_500_000_000_000_000_000, 1_500_000_000_000_000_000))
    before = os.stat(p)
    assert run_cli(["fmt", "--check", "media.tsv"], cwd=tmp_path) == (
        1, "would reformat media.tsv\n", "1 file would be reformatted, 0 already canonical\n")
    after = os.stat(p)
    assert p.read_bytes() == MESSY_ASSETS
    assert (after.st_mtime_ns, after.st_ino, after.st_size) == (before.st_mtime_ns, before.st_ino, before.st_size)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["media.tsv"]


def test_check_exits_0_on_canonical_input(run_cli) -> None:
    code, out, err = run_cli(["fmt", "--check", "fixtures/workspace"])
    assert (code, out) == (0, "")
    assert err.startswith("0 files would be reformatted, ") and err.endswith(" already canonical\n")


def test_check_on_several_files(run_cli, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "settings.tsv").write_bytes(b"Name\tValue\nA\t1\n")
    (tmp_path / "a" / "products.tsv").write_bytes(b"ProductType\tProductNumber\nmaster\t1\n")
    (tmp_path / "media.tsv").write_bytes(MESSY_ASSETS)
    assert run_cli(["fmt", "--check", "a", "media.tsv"], cwd=tmp_path) == (
        1, "would reformat a/products.tsv\nwould reformat media.tsv\n",
        "2 files would be reformatted, 1 already canonical\n")


def test_unknown_columns_kept(run_cli, tmp_path) -> None:
    p = tmp_path / "products.tsv"
    p.write_bytes(b"Zeta\tProductType\tAlpha\tProductNumber\nz\tmaster\ta\t2\n\tStandalone\t\t1\n")
    assert run_cli(["fmt", "products.tsv"], cwd=tmp_path)[0] == 0
    assert p.read_bytes() == b"ProductNumber\tProductType\tZeta\tAlpha\n1\tStandalone\t\t\n2\tMaster\tz\ta\n"


def test_unreadable_file_exit_2_one_line_error(run_cli, tmp_path) -> None:
    p = tmp_path / "products.tsv"
    raw = "ProductNumber\tProductType\n1\tMaster\n".encode("utf-16-le")
    p.write_bytes(raw)
    code, out, err = run_cli(["fmt", "products.tsv"], cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == ('omm: error: products.tsv: looks like UTF-16 without a byte-order mark (re-save it as UTF-8, or as '
                   'UTF-16 with BOM ("Unicode text"))\n'
                   "0 files reformatted, 0 already canonical, 1 unreadable\n")
    assert [line for line in err.splitlines() if line.startswith("omm: error:")] == [err.splitlines()[0]]
    assert "Traceback" not in err
    assert p.read_bytes() == raw


def test_ragged_file_is_not_rewritten(run_cli, tmp_path) -> None:
    p = tmp_path / "settings.tsv"
    raw = b"Value\tName\n1\tA\nbroken\n"
    p.write_bytes(raw)
    code, out, err = run_cli(["fmt", "settings.tsv"], cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == ("omm: error: settings.tsv: line 3: row has 1 fields but the header has 2; check for a missing or "
                   "extra tab (fix the file, or run omm validate to list every problem)\n"
                   "0 files reformatted, 0 already canonical, 1 unreadable\n")
    assert p.read_bytes() == raw


def test_other_files_still_formatted_when_one_is_unreadable(run_cli, tmp_path) -> None:
    (tmp_path / "bad.tsv").write_bytes(b"")
    (tmp_path / "settings.tsv").write_bytes(b"Value\tName\n1\tA\n")
    code, out, err = run_cli(["fmt", "."], cwd=tmp_path)
    assert (code, out) == (2, "reformatted settings.tsv\n")
    assert err == ("omm: error: bad.tsv: the file is empty (a manifest needs at least a header row)\n"
                   "1 file reformatted, 0 already canonical, 1 unreadable\n")
    assert (tmp_path / "settings.tsv").read_bytes() == b"Name\tValue\nA\t1\n"


def test_missing_path_exit_2(run_cli, tmp_path) -> None:
    assert run_cli(["fmt", "nope.tsv"], cwd=tmp_path) == (
        2, "", "omm: error: nope.tsv: no such file or directory (check the path)\n")


def test_json_output(run_cli, tmp_path) -> None:
    (tmp_path / "media.tsv").write_bytes(MESSY_ASSETS)
    (tmp_path / "settings.tsv").write_bytes(b"Name\tValue\n")
    code, out, err = run_cli(["fmt", "--check", ".", "--format", "json"], cwd=tmp_path)
    assert code == 1
    assert json.loads(out) == {"check": True, "changed": ["media.tsv"], "unchanged": ["settings.tsv"], "errors": []}
    assert err == "1 file would be reformatted, 1 already canonical\n"


def test_utf16_encoding_option(run_cli, tmp_path) -> None:
    p = tmp_path / "settings.tsv"
    p.write_bytes(b"Name\tValue\nA\t1\n")
    assert run_cli(["fmt", "--encoding", "utf-16", "settings.tsv"], cwd=tmp_path)[0] == 0
    assert p.read_bytes() == codecs.BOM_UTF16_LE + "Name\tValue\nA\t1\n".encode("utf-16-le")
    assert run_cli(["fmt", "--check", "--encoding", "utf-16", "settings.tsv"], cwd=tmp_path)[0] == 0


def test_kind_option(run_cli, tmp_path) -> None:
    p = tmp_path / "x.tsv"
    p.write_bytes(b"Destination\tSource\nx\tb\n")
    assert run_cli(["fmt", "--kind", "maps", "x.tsv"], cwd=tmp_path)[0] == 0
    assert p.read_bytes() == b"Source\tDestination\nb\tx\n"


def test_quiet(run_cli, tmp_path) -> None:
    (tmp_path / "settings.tsv").write_bytes(b"Value\tName\n1\tA\n")
    assert run_cli(["-q", "fmt", "--check", "settings.tsv"], cwd=tmp_path) == (1, "would reformat settings.tsv\n", "")


def test_no_paths_is_a_usage_error(run_cli) -> None:
    code, out, err = run_cli(["fmt"])
    assert (code, out) == (2, "") and err.endswith("Error: Missing argument 'PATHS...'.\n")
