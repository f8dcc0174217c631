"""toolkit.integrity: cross-manifest checks of one tenant (SPEC §6 validate)."""

from __future__ import annotations

import subprocess

import pytest

import toolkit.validation  # noqa: F401  (imported first: see test_integrity_imports_on_its_own)
from tests.helpers import PYTHON, REPO, table
from toolkit.integrity import (
    CHECKS,
    bad_swatches,
    missing_entities,
    tenant_findings,
    unconfigured_channels,
    unknown_assets,
    unknown_publish_groups,
)
from toolkit.tsv import Manifest, read_manifest_bytes

IMG = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"
IMG2 = "59c96fad-e227-402c-abec-6fefba40d6be"
VID = "8095dc74-d363-43f9-b9ec-c68dd3a1a8c4"
GHOST = "13736c4f-39b1-45da-9083-0d59db126733"

CHANNELS = table(["ChannelId", "ChannelName", "ChannelType", "DefaultLocale", "Locales"],
                 ["OUN00001", "Online", "Online", "en-us", "en-us,fr-fr"],
                 ["OUN00002", "Store", "Store", "en-us", "en-us"])
MEDIA = table(["InternalMediaId", "MediaChannel", "MediaLocale", "MediaType", "MediaDisplayName", "ImageAltText",
               "MediaTitle"],
              [IMG, "", "system_neutral", "Image", "Jeans front", "alt", ""],
              [IMG2, "OUN00001", "fr-fr", "Image", "Jeans back", "alt", ""],
              [VID, "", "system_neutral", "Video", "Video", "", "A video"])
PRODUCTS = table(["ProductNumber", "ProductName", "ProductType", "MasterProductNumber", "Color"],
                 ["93039", "Jeans", "Master", "", ""], ["93039-001", "Jeans", "Variant", "93039", "Black"],
                 ["1000", "Sunglasses", "Standalone", "", ""])
CATEGORIES = table(["CategoryID", "CategoryName", "ParentCategoryID"], ["C100", "Fashion", ""], ["C110", "Women", "C100"])
GROUPS = table(["PublishGroup", "Status"], ["spring", "Open"])
A_HEAD = ["InternalMediaId", "MediaType", "EntityType", "EntityKey", "EntityKeyValue", "EntityChannel", "EntityLocale",
          "MediaGroup", "MediaDisplayOrder", "SwatchGroup", "SwatchDimension", "SwatchValue", "PublishGroup"]
GOOD_ROWS = [
    {"InternalMediaId": IMG, "MediaType": "Image", "EntityType": "Product|Master", "EntityKeyValue": "93039",
     "EntityLocale": "system_neutral", "MediaGroup": "Primary", "MediaDisplayOrder": "1"},
    {"InternalMediaId": IMG2, "MediaType": "Image", "EntityType": "Product|Master", "EntityKeyValue": "93039",
     "EntityChannel": "OUN00001", "EntityLocale": "fr-fr", "MediaGroup": "Primary", "MediaDisplayOrder": "1",
     "PublishGroup": "spring"},
    {"InternalMediaId": IMG, "MediaType": "Image", "EntityType": "Product|Variant", "EntityKeyValue": "93039-001",
     "EntityLocale": "en-us", "MediaGroup": "Primary", "MediaDisplayOrder": "1"},
    {"InternalMediaId": IMG, "MediaType": "Image", "EntityType": "Product|DimensionMatrix",
     "EntityKeyValue": "93039|Color:Black", "EntityLocale": "system_neutral", "MediaGroup": "Primary",
     "MediaDisplayOrder": "1"},
    {"InternalMediaId": VID, "EntityType": "Product|Master", "EntityKeyValue": "1000", "EntityLocale": "system_neutral",
     "MediaGroup": "Primary", "MediaDisplayOrder": "1"},
    {"EntityType": "Product|Master|Swatch", "EntityKeyValue": "93039|Color|Black", "EntityLocale": "system_neutral",
     "MediaGroup": "Primary", "SwatchGroup": "Color", "SwatchDimension": "Black", "SwatchValue": IMG},
    {"EntityType": "Product|Master|Swatch", "EntityKeyValue": "93039|Color|Blue", "EntityLocale": "system_neutral",
     "MediaGroup": "Primary", "SwatchGroup": "Color", "SwatchDimension": "Blue", "SwatchValue": "#0000FF"},
    {"InternalMediaId": IMG, "MediaType": "Image", "EntityType": "Category", "EntityKey": "CategoryID",
     "EntityKeyValue": "C110", "EntityChannel": "OUN00002", "EntityLocale": "system_neutral", "MediaGroup": "Primary",
     "MediaDisplayOrder": "1"},
    {"InternalMediaId": IMG, "MediaType": "Image", "EntityType": "Product|Master", "EntityKey": "RecordId",
     "EntityKeyValue": "5637144576", "EntityLocale": "system_neutral", "MediaGroup": "Primary", "MediaDisplayOrder": "1"},
]


def read(text: str, kind: str) -> Manifest:
    return read_manifest_bytes(text.encode(), f"{kind}.tsv", kind)


def tenant(*assignment_rows: dict[str, str], media: str = MEDIA, **override: str) -> dict[str, Manifest]:
    texts = {"channels": CHANNELS, "assets": media, "products": PRODUCTS, "categories": CATEGORIES,
             "publish_groups": GROUPS, "assignments": table(A_HEAD, *assignment_rows), **override}
    return {kind: read(text, kind) for kind, text in texts.items()}


def places(fs) -> list[tuple[str, int, str, str, str | None]]:
    return [(f.file, f.line, f.column, f.rule, f.value) for f in fs]


def test_consistent_tenant_has_no_findings() -> None:
    assert tenant_findings(tenant(*GOOD_ROWS)) == []


def test_checks_registered() -> None:
    assert CHECKS == (unknown_assets, unconfigured_channels, missing_entities, bad_swatches, unknown_publish_groups)


def test_unknown_asset_and_type_mismatch() -> None:
    ms = tenant(GOOD_ROWS[0], {**GOOD_ROWS[0], "InternalMediaId": GHOST, "MediaDisplayOrder": "2"},
                {**GOOD_ROWS[0], "InternalMediaId": VID, "MediaType": "Image", "MediaDisplayOrder": "3"})
    assert places(unknown_assets(ms)) == [
        ("assignments.tsv", 3, "InternalMediaId", "unknown_asset", GHOST),
        ("assignments.tsv", 4, "MediaType", "asset_type_mismatch", "Image"),
    ]


def test_unknown_channel_and_locale() -> None:
    ms = tenant({**GOOD_ROWS[1], "EntityChannel": "OUN09999"},           # channel not configured
                {**GOOD_ROWS[1], "EntityLocale": "de-de"},               # OUN00001 serves en-us, fr-fr
                {**GOOD_ROWS[0], "EntityLocale": "it-it"},               # Omnichannel: no channel lists it
                {**GOOD_ROWS[0], "EntityChannel": "OUN00002", "EntityLocale": "system_neutral"})  # Neutral: fine
    assert places(unconfigured_channels(ms)) == [
        ("assignments.tsv", 2, "EntityChannel", "unknown_channel", "OUN09999"),
        ("assignments.tsv", 3, "EntityLocale", "unknown_locale", "de-de"),
        ("assignments.tsv", 4, "EntityLocale", "unknown_locale", "it-it"),
    ]


def test_media_channels_are_checked_too() -> None:
    media = table(["InternalMediaId", "MediaChannel", "MediaLocale", "MediaType", "MediaDisplayName", "ImageAltText"],
                  [IMG, "OUN7", "en-us", "Image", "A", "alt"], [IMG2, "OUN00002", "fr-fr", "Image", "B", "alt"])
    ms = tenant(media=media)
    assert places(unconfigured_channels(ms)) == [
        ("assets.tsv", 2, "MediaChannel", "unknown_channel", "OUN7"),
        ("assets.tsv", 3, "MediaLocale", "unknown_locale", "fr-fr"),
    ]


def test_missing_products_and_categories() -> None:
    ms = tenant({**GOOD_ROWS[0], "EntityKeyValue": "55555"},                        # not in the catalog
                {**GOOD_ROWS[2], "EntityKeyValue": "93039"},                        # a master is no variant
                {**GOOD_ROWS[3], "EntityKeyValue": "1000|Color:Black"},             # matrix of a standalone
                {**GOOD_ROWS[0], "EntityKeyValue": "93039-001"},                    # a variant is no master
                {**GOOD_ROWS[7], "EntityKeyValue": "C999"},                         # unknown category
                {**GOOD_ROWS[5], "EntityKeyValue": "77777|Color|Black"})            # swatch of an unknown master
    assert places(missing_entities(ms)) == [
        ("assignments.tsv", 2, "EntityKeyValue", "missing_product", "55555"),
        ("assignments.tsv", 3, "EntityKeyValue", "missing_product", "93039"),
        ("assignments.tsv", 4, "EntityKeyValue", "missing_product", "1000|Color:Black"),
        ("assignments.tsv", 5, "EntityKeyValue", "missing_product", "93039-001"),
        ("assignments.tsv", 7, "EntityKeyValue", "missing_product", "77777|Color|Black"),
        ("assignments.tsv", 6, "EntityKeyValue", "missing_category", "C999"),
    ]


def test_record_ids_are_not_looked_up() -> None:
    assert missing_entities(tenant(GOOD_ROWS[8])) == []


def test_swatch_values() -> None:
    ms = tenant(GOOD_ROWS[5], GOOD_ROWS[6],
                {**GOOD_ROWS[5], "EntityKeyValue": "93039|Color|Red", "SwatchDimension": "Red", "SwatchValue": GHOST},
                {**GOOD_ROWS[5], "EntityKeyValue": "93039|Color|Navy", "SwatchDimension": "Navy", "SwatchValue": VID})
    assert places(bad_swatches(ms)) == [
        ("assignments.tsv", 4, "SwatchValue", "swatch_not_image", GHOST),
        ("assignments.tsv", 5, "SwatchValue", "swatch_not_image", VID),
    ]


def test_unknown_publish_group() -> None:
    ms = tenant({**GOOD_ROWS[0], "PublishGroup": "autumn"}, GOOD_ROWS[1])
    assert places(unknown_publish_groups(ms)) == [("assignments.tsv", 2, "PublishGroup", "unknown_publish_group",
                                                   "autumn")]
    del ms["publish_groups"]
    assert [f.line for f in unknown_publish_groups(ms)] == [2, 3]


@pytest.mark.parametrize("absent", ["assets", "channels", "products", "categories", "assignments"])
def test_missing_manifests_skip_their_checks(absent: str) -> None:
    ms = tenant(*GOOD_ROWS)
    del ms[absent]
    assert tenant_findings(ms) == []


def test_findings_name_lines_after_embedded_newlines() -> None:
    rows = table(["InternalMediaId", "EntityType", "EntityKeyValue", "EntityLocale", "MediaGroup", "MediaPurpose"],
                 [IMG, "Product|Master", "93039", "system_neutral", "Additional", '"two\nlines"'],
                 [GHOST, "Product|Master", "93039", "system_neutral", "Primary", ""])
    ms = tenant(assignments=rows)
    assert places(unknown_assets(ms)) == [("assignments.tsv", 4, "InternalMediaId", "unknown_asset", GHOST)]


def test_integrity_imports_on_its_own() -> None:
    proc = subprocess.run([PYTHON, "-c", "import toolkit.integrity"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
