"""schemas/assignments.py — product media assignment manifests (SPEC §4 assignments)."""

from __future__ import annotations

import pytest

from schemas.assignments import RULES
from tests.helpers import findings, pandera_accepts, table

U1 = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"
U2 = "59c96fad-e227-402c-abec-6fefba40d6be"
U3 = "6cd6c9f6-1361-4164-85e1-ceba79b281ce"
U4 = "bea08afd-cffd-4eec-8f6d-48a5a95423c9"
H = ["InternalMediaId", "MediaLocale", "MediaType", "MediaDisplayName", "EntityType", "EntityKey", "EntityKeyValue", "EntityLocale",
     "CatalogNumber", "EntityChannel", "EntityAssignmentCurrentPublishState", "EntityAssignmentAction", "MediaGroup",
     "MediaPurpose", "MediaDisplayOrder", "SwatchGroup", "SwatchDimension", "SwatchValue", "EntityVersion"]
MASTER = {"InternalMediaId": U1, "MediaLocale": "system_neutral", "MediaType": "Image", "EntityType": "Product|Master", "EntityKey": "EntityId",
          "EntityKeyValue": "93039", "EntityLocale": "system_neutral", "EntityAssignmentCurrentPublishState": "Published",
          "EntityAssignmentAction": "PublishNow", "MediaGroup": "Primary", "MediaDisplayOrder": "1", "EntityVersion": "2"}
MASTER2 = {**MASTER, "InternalMediaId": U2, "MediaDisplayOrder": "2"}
ADDITIONAL = {**MASTER, "InternalMediaId": U3, "MediaGroup": "Additional", "MediaPurpose": "Size chart"}
CELL = {**MASTER, "EntityType": "Product|DimensionMatrix", "EntityKey": "EntityId|DimensionMatrix",
        "EntityKeyValue": "93039|Color:Black", "EntityVersion": "1"}
CELL2 = {**CELL, "EntityKeyValue": "93039|Color:Blue"}
SWATCH = {"MediaLocale": "system_neutral", "EntityType": "Product|Master|Swatch", "EntityKey": "EntityId|SwatchType|SwatchId",
          "EntityKeyValue": "93039|Color|Black", "EntityLocale": "system_neutral", "MediaGroup": "Primary",
          "SwatchGroup": "Color", "SwatchDimension": "Black", "SwatchValue": "#1a1a1a"}
CATEGORY = {"InternalMediaId": U4, "MediaLocale": "system_neutral", "MediaType": "Image", "EntityType": "Category", "EntityKey": "CategoryID",
            "EntityKeyValue": "C110", "EntityLocale": "system_neutral", "EntityChannel": "OUN00001",
            "MediaGroup": "Primary", "MediaDisplayOrder": "1"}
BY_NAME = {"MediaLocale": "Neutral", "MediaDisplayName": "Jeans black front", "EntityType": "Variant", "EntityKeyValue": "93039-006",
           "EntityLocale": "Neutral", "EntityChannel": "OUN00001", "MediaGroup": "primary", "MediaDisplayOrder": "1"}
VALID = (MASTER, MASTER2, ADDITIONAL, CELL, CELL2, SWATCH, CATEGORY, BY_NAME)


def manifest(*rows: dict[str, str], header: list[str] = H) -> str:
    return table(header, *rows)


def with_(row: dict[str, str], **changes: str) -> dict[str, str]:
    return {**row, **changes}


def test_rules() -> None:
    assert set(RULES) == {"duplicate_key", "media_identified", "media_group_present", "category_channel_specific",
                          "category_one_primary_image", "matrix_key_format", "matrix_one_dimension_set",
                          "unique_primary_display_order", "swatch_row_complete", "purpose_only_additional",
                          "one_action_per_set", "one_version_per_set"}


def test_valid_rows() -> None:
    text = manifest(*VALID)
    assert findings(text, "assignments") == []
    assert pandera_accepts(text, "assignments")


@pytest.mark.parametrize("entity_type", ["Master", "Variant", "DimensionMatrix", "product|master", "CATEGORY"])
def test_entity_type_synonyms_and_case_are_valid(entity_type: str) -> None:
    key = "93039|Color:Black" if "matrix" in entity_type.lower() else "93039"
    row = with_(MASTER, EntityType=entity_type, EntityKeyValue=key)
    if entity_type.lower() == "category":
        row = with_(CATEGORY)
        row["EntityType"] = entity_type
    assert findings(manifest(row), "assignments") == []


@pytest.mark.parametrize(("row", "expected"), [
    (with_(MASTER, InternalMediaId="abc"), [(2, "InternalMediaId", "format")]),
    (with_(MASTER, MediaType="Picture"), [(2, "MediaType", "enum")]),
    (with_(MASTER, EntityType="Product"), [(2, "EntityType", "enum")]),
    (with_(MASTER, EntityType=""), [(2, "EntityType", "required_value")]),
    (with_(MASTER, EntityKey="SKU"), [(2, "EntityKey", "enum")]),
    (with_(MASTER, EntityKeyValue=""), [(2, "EntityKeyValue", "required_value")]),
    (with_(MASTER, EntityLocale="english"), [(2, "EntityLocale", "format")]),
    (with_(MASTER, EntityChannel="Store7"), [(2, "EntityChannel", "format")]),
    (with_(MASTER, EntityAssignmentCurrentPublishState="Live"), [(2, "EntityAssignmentCurrentPublishState", "enum")]),
    (with_(MASTER, MediaGroup="Gallery"), [(2, "MediaGroup", "enum")]),
    (with_(MASTER, MediaDisplayOrder="first"), [(2, "MediaDisplayOrder", "format")]),
    (with_(MASTER, EntityVersion="v2"), [(2, "EntityVersion", "format")]),
    (with_(SWATCH, SwatchValue="red"), [(2, "SwatchValue", "format")]),
    (with_(SWATCH, SwatchGroup="Colour"), [(2, "SwatchGroup", "enum")]),
    (with_(MASTER, InternalMediaId=""), [(2, "InternalMediaId", "media_identified")]),
    (with_(MASTER, MediaGroup=""), [(2, "MediaGroup", "media_group_present")]),
    (with_(CATEGORY, EntityChannel=""), [(2, "EntityChannel", "category_channel_specific")]),
    (with_(CATEGORY, EntityChannel="Omnichannel"), [(2, "EntityChannel", "category_channel_specific")]),
    (with_(CELL, EntityKeyValue="93039|Colour=Black"), [(2, "EntityKeyValue", "matrix_key_format")]),
    (with_(CELL, EntityKeyValue="93039|Colour:Black"), [(2, "EntityKeyValue", "matrix_key_format")]),
    (with_(CELL, EntityKeyValue="93039|Color:Black|Color:Blue"), [(2, "EntityKeyValue", "matrix_key_format")]),
    (with_(CELL, EntityKeyValue="93039"), [(2, "EntityKeyValue", "matrix_key_format")]),
    (with_(SWATCH, SwatchDimension=""), [(2, "SwatchValue", "swatch_row_complete")]),
    (with_(MASTER, MediaPurpose="Size chart"), [(2, "MediaPurpose", "purpose_only_additional")]),
], ids=lambda v: ",".join(f"{k}={v[k]!r}" for k in ("EntityType", "EntityKeyValue")) if isinstance(v, dict) else None)
def test_one_bad_cell_one_finding(row: dict[str, str], expected: list[tuple[int, str, str]]) -> None:
    text = manifest(row)
    assert findings(text, "assignments") == expected


def test_matrix_dimensions_in_any_order_and_case_are_valid() -> None:
    rows = [with_(CELL, EntityKeyValue="93039|style:Slim|color:Black"),
            with_(CELL2, EntityKeyValue="93039|Color:Blue|Style:Slim")]
    assert findings(manifest(*rows), "assignments") == []


def test_mixed_matrix_dimensions_of_one_master() -> None:
    rows = [CELL, with_(CELL2, EntityKeyValue="93039|Color:Blue|Size:32")]
    got = findings(manifest(*rows), "assignments")
    assert (3, "EntityKeyValue", "matrix_one_dimension_set") in got
    assert {r for _, _, r in got} == {"matrix_one_dimension_set"}


def test_matrix_dimensions_may_differ_between_masters() -> None:
    rows = [CELL, with_(CELL2, EntityKeyValue="70050|Configuration:Monogrammed")]
    assert findings(manifest(*rows), "assignments") == []


def test_category_needs_exactly_one_primary_image() -> None:
    two = [CATEGORY, with_(CATEGORY, InternalMediaId=U1, MediaDisplayOrder="2")]
    assert findings(manifest(*two), "assignments") == [
        (2, "MediaGroup", "category_one_primary_image"), (3, "MediaGroup", "category_one_primary_image")]
    video = [with_(CATEGORY, MediaType="Video")]
    assert findings(manifest(*video), "assignments") == [(2, "MediaGroup", "category_one_primary_image")]
    additional_only = [with_(CATEGORY, MediaGroup="Additional")]
    assert findings(manifest(*additional_only), "assignments") == [(2, "MediaGroup", "category_one_primary_image")]


def test_category_primary_plus_additional_is_fine() -> None:
    rows = [CATEGORY, with_(CATEGORY, InternalMediaId=U1, MediaGroup="Additional", MediaPurpose="Banner")]
    assert findings(manifest(*rows), "assignments") == []


def test_category_sets_are_judged_per_channel() -> None:
    rows = [CATEGORY, with_(CATEGORY, InternalMediaId=U1, EntityChannel="OUN00002")]
    assert findings(manifest(*rows), "assignments") == []


def test_deleting_category_set_needs_no_primary() -> None:
    rows = [with_(CATEGORY, MediaGroup="Additional", EntityAssignmentAction="UnpublishAndDelete")]
    assert findings(manifest(*rows), "assignments") == []


def test_duplicate_primary_display_order() -> None:
    got = findings(manifest(MASTER, with_(MASTER2, MediaDisplayOrder="1")), "assignments")
    assert (3, "MediaDisplayOrder", "unique_primary_display_order") in got
    assert {r for _, _, r in got} == {"unique_primary_display_order"}


def test_display_order_may_repeat_across_groups_sets_and_states() -> None:
    rows = [MASTER, ADDITIONAL,                                            # Primary 1 and Additional 1
            with_(MASTER, EntityChannel="OUN00001"),                       # another set
            with_(MASTER, InternalMediaId=U2, EntityAssignmentCurrentPublishState="Draft", EntityVersion="3")]
    assert findings(manifest(*rows), "assignments") == []


def test_one_action_per_set() -> None:
    rows = [MASTER, with_(MASTER2, EntityAssignmentAction="Draft"), with_(ADDITIONAL)]
    got = findings(manifest(*rows), "assignments")
    assert (3, "EntityAssignmentAction", "one_action_per_set") in got
    assert {r for _, _, r in got} == {"one_action_per_set"}


def test_one_version_per_set() -> None:
    got = findings(manifest(MASTER, with_(MASTER2, EntityVersion="3")), "assignments")
    assert (3, "EntityVersion", "one_version_per_set") in got or (2, "EntityVersion", "one_version_per_set") in got
    assert {r for _, _, r in got} == {"one_version_per_set"}


def test_duplicate_row_key() -> None:
    got = findings(manifest(MASTER, with_(MASTER, MediaDisplayOrder="2")), "assignments")
    assert (3, "InternalMediaId", "duplicate_key") in got
    assert {r for _, _, r in got} == {"duplicate_key"}


def test_same_asset_in_primary_and_additional_is_no_duplicate() -> None:
    rows = [MASTER, with_(MASTER, MediaGroup="Additional", MediaPurpose="Zoom")]
    assert findings(manifest(*rows), "assignments") == []


def test_rows_naming_assets_by_display_name_are_keyed_by_it() -> None:
    rows = [BY_NAME, with_(BY_NAME, MediaDisplayName="Jeans black back", MediaDisplayOrder="2")]
    assert findings(manifest(*rows), "assignments") == []
    dup = [BY_NAME, with_(BY_NAME, MediaDisplayOrder="2")]
    assert {r for _, _, r in findings(manifest(*dup), "assignments")} == {"duplicate_key"}


def test_swatch_rows_need_no_media_id() -> None:
    assert findings(manifest(SWATCH, with_(SWATCH, EntityKeyValue="93039|Color|Blue", SwatchDimension="Blue",
                                           SwatchValue=U2.upper())), "assignments") == []


def test_deleting_rows_need_no_media() -> None:
    row = with_(MASTER, InternalMediaId="", MediaGroup="", EntityAssignmentAction="UnpublishAndDelete")
    assert findings(manifest(row), "assignments") == []


def test_no_cascade_after_a_bad_cell() -> None:
    # a malformed display order is one finding, not also a duplicate-order finding
    rows = [with_(MASTER, MediaDisplayOrder="x"), with_(MASTER2, MediaDisplayOrder="x")]
    assert findings(manifest(*rows), "assignments") == [(2, "MediaDisplayOrder", "format"),
                                                        (3, "MediaDisplayOrder", "format")]


def test_missing_required_columns() -> None:
    header = [c for c in H if c not in ("EntityType", "EntityKeyValue")]
    got = findings(manifest(MASTER, header=header), "assignments", name="assignments.tsv")
    assert got == [(1, "EntityKeyValue", "missing_column"), (1, "EntityType", "missing_column")]


def test_optional_locale_columns_may_be_absent() -> None:
    header = [c for c in H if c not in ("MediaLocale", "EntityLocale")]
    assert findings(manifest(MASTER, header=header), "assignments") == []
