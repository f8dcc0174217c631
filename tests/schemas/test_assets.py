"""schemas/assets.py — the media library (SPEC §4 assets)."""

from __future__ import annotations

import pytest

from schemas.assets import RULES, AssetsSchema
from tests.helpers import findings, pandera_accepts, table

U1 = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"
U2 = "8095dc74-d363-43f9-b9ec-c68dd3a1a8c4"
U3 = "21143d16-a0e2-4cb2-a5ff-2bec03a05351"
H = ["InternalMediaId", "MediaChannel", "MediaLocale", "MediaType", "MediaVersion", "MediaImportPath", "ImageAltText",
     "MediaDisplayName", "MediaTitle", "MediaLastModifiedOn", "MediaPublished", "ImageWidth", "MediaState",
     "MediaReferenceUrl", "VideoPlaytime", "MediaChecksum", "MediaAction", "MediaSourceIfExistsAction"]
IMAGE = {"InternalMediaId": U1, "MediaLocale": "system_neutral", "MediaType": "Image", "MediaVersion": "1",
         "ImageAltText": "Jeans, front", "MediaDisplayName": "Jeans front", "MediaLastModifiedOn": "2025-03-15T10:02:00Z",
         "MediaPublished": "true", "ImageWidth": "16", "MediaState": "Published"}
VIDEO = {"InternalMediaId": U2, "MediaChannel": "OUN00001", "MediaLocale": "en-us", "MediaType": "Video",
         "MediaDisplayName": "360 video", "MediaTitle": "Aviator 360°", "VideoPlaytime": "1:02:03.5"}
FILE = {"InternalMediaId": U3, "MediaLocale": "fr-fr", "MediaType": "File", "MediaDisplayName": "Size chart FR",
        "MediaReferenceUrl": "https://example.com/chart", "MediaChecksum": "AB" * 32}
NEW = {"MediaLocale": "Neutral", "MediaType": "image", "MediaImportPath": "images/new.png", "ImageAltText": "New",
       "MediaDisplayName": "New image", "MediaAction": "publishnow", "MediaSourceIfExistsAction": "KeepBoth"}


def manifest(*rows: dict[str, str], header: list[str] = H) -> str:
    return table(header, *rows)


def with_(row: dict[str, str], **changes: str) -> dict[str, str]:
    return {**row, **changes}


def test_valid_rows() -> None:
    text = manifest(IMAGE, VIDEO, FILE, NEW)
    assert findings(text, "assets") == []
    assert pandera_accepts(text, "assets")


def test_the_pandera_model_is_the_schema() -> None:
    assert AssetsSchema.Config.metadata["kind"] == "assets"
    assert set(RULES) == {"duplicate_key", "display_name_unique", "new_asset_needs_import_path",
                          "image_needs_alt_text", "video_needs_title"}


@pytest.mark.parametrize(("row", "expected"), [
    (with_(IMAGE, InternalMediaId="abc"), [(3, "InternalMediaId", "format")]),
    (with_(IMAGE, MediaChannel="Store7"), [(3, "MediaChannel", "format")]),
    (with_(IMAGE, MediaLocale="english"), [(3, "MediaLocale", "format")]),
    (with_(IMAGE, MediaType="Picture"), [(3, "MediaType", "enum")]),
    (with_(IMAGE, MediaType=""), [(3, "MediaType", "required_value")]),
    (with_(IMAGE, MediaVersion="two"), [(3, "MediaVersion", "format")]),
    (with_(IMAGE, MediaVersion="-1"), [(3, "MediaVersion", "format")]),
    (with_(IMAGE, MediaLastModifiedOn="15/03/2025"), [(3, "MediaLastModifiedOn", "format")]),
    (with_(IMAGE, MediaLastModifiedOn="2025-02-30T10:00:00Z"), [(3, "MediaLastModifiedOn", "format")]),
    (with_(IMAGE, MediaLastModifiedOn="2025-03-15T24:00:00Z"), [(3, "MediaLastModifiedOn", "format")]),
    (with_(IMAGE, ImageWidth="1.5"), [(3, "ImageWidth", "format")]),
    (with_(IMAGE, MediaState="Archived"), [(3, "MediaState", "enum")]),
    (with_(IMAGE, MediaReferenceUrl="ftp://example.com/x"), [(3, "MediaReferenceUrl", "format")]),
    (with_(IMAGE, VideoPlaytime="1:75"), [(3, "VideoPlaytime", "format")]),
    (with_(IMAGE, MediaChecksum="abc"), [(3, "MediaChecksum", "format")]),
    (with_(IMAGE, MediaAction="Publish"), [(3, "MediaAction", "enum")]),
    (with_(IMAGE, MediaSourceIfExistsAction="Replace"), [(3, "MediaSourceIfExistsAction", "enum")]),
    (with_(IMAGE, MediaDisplayName=""), [(3, "MediaDisplayName", "required_value")]),
    (with_(IMAGE, ImageAltText=""), [(3, "ImageAltText", "image_needs_alt_text")]),
    (with_(VIDEO, InternalMediaId=U1, MediaTitle=""), [(3, "MediaTitle", "video_needs_title")]),
    (with_(NEW, MediaImportPath=""), [(3, "MediaImportPath", "new_asset_needs_import_path")]),
], ids=lambda v: "-".join(f"{k}={v[k]!r}" for k in v) if isinstance(v, dict) else None)
def test_one_bad_cell_one_finding(row: dict[str, str], expected: list[tuple[int, str, str]]) -> None:
    text = manifest(FILE, row)
    assert findings(text, "assets") == expected


def test_valid_edge_values() -> None:
    rows = [with_(IMAGE, MediaLastModifiedOn="2024-02-29T23:59:59Z"),
            with_(VIDEO, VideoPlaytime="90"),
            with_(FILE, MediaChecksum="0" * 64, MediaReferenceUrl="http://x.example/a?b=c")]
    assert findings(manifest(*rows), "assets") == []


def test_file_needs_neither_alt_text_nor_title() -> None:
    assert findings(manifest(with_(FILE, ImageAltText="", MediaTitle="")), "assets") == []


def test_duplicate_key_names_both_lines() -> None:
    text = manifest(IMAGE, FILE, with_(IMAGE, MediaDisplayName="Jeans front", MediaVersion="2"))
    got = findings(text, "assets")
    assert (4, "InternalMediaId", "duplicate_key") in got
    assert {rule for _, _, rule in got} == {"duplicate_key"}


def test_same_id_in_another_locale_or_state_is_no_duplicate() -> None:
    rows = [IMAGE, with_(IMAGE, MediaLocale="en-us"), with_(IMAGE, MediaState="Draft", MediaVersion="2")]
    assert findings(manifest(*rows), "assets") == []


def test_new_assets_are_never_duplicates_of_each_other() -> None:
    assert findings(manifest(NEW, with_(NEW, MediaDisplayName="Other new", MediaImportPath="b.png")), "assets") == []


def test_display_name_unique_across_assets() -> None:
    got = findings(manifest(IMAGE, with_(VIDEO, MediaDisplayName="Jeans front")), "assets")
    assert (3, "MediaDisplayName", "display_name_unique") in got
    assert {rule for _, _, rule in got} == {"display_name_unique"}


def test_display_name_shared_by_rows_of_one_asset() -> None:
    assert findings(manifest(IMAGE, with_(IMAGE, MediaLocale="fr-fr")), "assets") == []


def test_display_name_of_two_new_assets_must_differ() -> None:
    got = findings(manifest(NEW, with_(NEW, MediaImportPath="b.png")), "assets")
    assert (3, "MediaDisplayName", "display_name_unique") in got


def test_missing_required_columns_reported_once_on_the_header() -> None:
    header = [c for c in H if c not in ("MediaType", "MediaDisplayName")]
    got = findings(manifest(IMAGE, VIDEO, header=header), "assets")
    assert got == [(1, "MediaDisplayName", "missing_column"), (1, "MediaType", "missing_column")]


def test_no_cascade_row_rule_on_a_cell_that_failed() -> None:
    # both ids are malformed (format); the duplicate_key rule reading them says nothing more
    text = manifest(with_(IMAGE, InternalMediaId="abc"), with_(FILE, InternalMediaId="abc", MediaLocale="system_neutral"))
    assert findings(text, "assets") == [(2, "InternalMediaId", "format"), (3, "InternalMediaId", "format")]


def test_every_failure_reported_not_only_the_first() -> None:
    rows = [with_(IMAGE, InternalMediaId="abc"), with_(VIDEO, MediaType="Film"), with_(FILE, MediaLocale="french")]
    assert findings(manifest(*rows), "assets") == [
        (2, "InternalMediaId", "format"), (3, "MediaType", "enum"), (4, "MediaLocale", "format")]


def test_findings_show_the_value_as_written() -> None:
    from toolkit.tsv import read_manifest_bytes
    from toolkit.validation import validate_manifest

    m = read_manifest_bytes(manifest(with_(IMAGE, ImageWidth=" -3 ")).encode(), "media.tsv")
    (f,) = validate_manifest(m)
    assert (f.line, f.column, f.rule, f.value, f.message) == (2, "ImageWidth", "format", " -3 ",
                                                              "ImageWidth must be a whole number ≥ 0")


BOOLEAN_BUG = ("bug: toolkit/validation.py _column_probes has no probe for boolean columns (no enum, no pattern), so "
               "_passes_all says a file passes and Pandera never runs: 'maybe' in MediaPublished is only reported "
               "when some other check fails")


@pytest.mark.parametrize("column", ["MediaPublished", "DocumentForceDownload"])
def test_bad_boolean_alone_is_reported(column: str) -> None:
    text = manifest(FILE, with_(IMAGE, **{column: "maybe"}), header=[*H, "DocumentForceDownload"])
    assert findings(text, "assets") == [(3, column, "format")]


def test_bad_boolean_reported_next_to_another_failure() -> None:
    text = manifest(with_(FILE, MediaType="Film"), with_(IMAGE, MediaPublished="maybe"))
    assert findings(text, "assets") == [(2, "MediaType", "enum"), (3, "MediaPublished", "format")]


def test_empty_media_locale_is_neutral_and_valid() -> None:
    assert findings(manifest(IMAGE, with_(VIDEO, MediaLocale="")), "assets") == []


def test_quoted_empty_required_cells_fail() -> None:
    text = manifest(FILE, with_(IMAGE, MediaDisplayName='""', ImageAltText='""'))
    assert findings(text, "assets") == [(3, "ImageAltText", "image_needs_alt_text"),
                                        (3, "MediaDisplayName", "required_value")]
