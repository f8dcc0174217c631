"""migrate → import → publish → resolve: the legacy images arrive in the legacy order.

The fixture listing (``fixtures/legacy/listing.txt``) is migrated for a copy of contoso-dev, its
assets imported with ``--media-dir fixtures/legacy/media`` and its assignment sets after them;
the Draft sets of ``cms/assignments.tsv`` must hold the legacy files in their ``_000_NNN`` order.
Importing again and migrating again change nothing. Then the drafts are published and products
resolved (SPEC §5): variants reach their dimension-matrix cell or their own set, and the gallery
is the legacy pictures, 001 first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import FIXTURES, WORKSPACE
from toolkit.importing.job import ImportOptions, import_manifest
from toolkit.migration import migrate_legacy
from toolkit.tsv import read_manifest
from toolkit.workspace import Tenant, tenant

LEGACY = FIXTURES / "legacy"
# (EntityType, EntityKeyValue, EntityChannel, EntityLocale) → the legacy files, in display order
EXPECTED_SETS = [
    ("Category", "C110", "OUN00001", "system_neutral", ["Categories/Womenswear.png"]),
    ("Category", "C130", "OUN00001", "en-us", ["en-us/Categories/Accessories.png"]),
    ("Product|DimensionMatrix", "81120|Color:Red", "", "system_neutral",
     ["Products/81120 ^  ^  ^ Red ^_000_001.png", "Products/81120 ^  ^  ^ Red ^_000_002.png"]),
    ("Product|DimensionMatrix", "93039|Color:Black", "", "system_neutral",
     ["Products/93039 ^  ^  ^ Black ^_000_001.png", "Products/93039 ^  ^  ^ Black ^_000_002.png"]),
    ("Product|DimensionMatrix", "93039|Color:Blue", "", "system_neutral", ["Products/93039^^^Blue^_000_001.png"]),
    ("Product|Master", "1000", "", "fr-fr", ["fr-FR/Products/1000_000_001.png"]),
    ("Product|Master", "1001", "", "system_neutral", ["Products/1001_000_001.png", "Products/1001_000_002.png"]),
    ("Product|Master", "93039", "", "en-us", ["en-us/Products/93039_000_001.png", "en-us/Products/93039_000_002.png"]),
    ("Product|Variant", "70050-001", "", "system_neutral", ["Products/70050 ^ Standard_000_001.png"]),
    ("Product|Variant", "70050-002", "", "system_neutral",
     ["Products/70050 ^ Monogrammed_000_001.png", "Products/70050 ^ Monogrammed_000_002.png"]),
    ("Product|Variant", "81120-001", "", "system_neutral", ["Products/81120 ^  ^ S ^ White ^_000_001.png"]),
    ("Product|Variant", "81120-002", "", "system_neutral", ["Products/81120 ^  ^ M ^ White ^_000_001.png"]),
    ("Product|Variant", "93039-006", "", "system_neutral", ["Products/93039 ^ Regular ^ 34 ^ Blue ^_000_001.png"]),
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tenant, Path]:
    """A copy of contoso-dev with the fixture listing migrated and both manifests imported."""
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(WORKSPACE / "tenants" / "contoso-dev", root / "ws" / "tenants" / "contoso-dev")
    t = tenant(root / "ws", "contoso-dev")
    migrate_legacy(root / "ws", "contoso-dev", root / "out", listing=LEGACY / "listing.txt",
                   category_channels=["OUN00001"])
    opts = ImportOptions(media_dir=str(LEGACY / "media"), user="migrator")
    for name in ("assets.tsv", "assignments.tsv"):
        r = import_manifest(t, root / "out" / name, opts)
        assert (r.status, r.rows.failed, r.rows.skipped) == ("Succeeded", 0, 0), r.to_dict()
    return t, root


def legacy_paths(t: Tenant) -> pl.DataFrame:
    media = read_manifest(t.path("cms/media.tsv")).frame
    return media.filter(pl.col("MediaSourceProvider") == "legacy").select("InternalMediaId", "MediaSourceId").unique()


def draft_sets(t: Tenant) -> list[tuple]:
    rows = read_manifest(t.path("cms/assignments.tsv")).frame.filter(
        pl.col("EntityAssignmentCurrentPublishState") == "Draft")
    ours = rows.join(legacy_paths(t), on="InternalMediaId", how="inner")
    grouped = (ours.sort(pl.col("MediaDisplayOrder").cast(pl.Int64))
               .group_by("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", maintain_order=True)
               .agg(pl.col("MediaSourceId")).with_columns(pl.col("EntityChannel").fill_null(""))
               .sort("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale"))
    return grouped.rows()


def test_imported_drafts_hold_the_legacy_images_in_order(migrated: tuple[Tenant, Path]) -> None:
    t, _ = migrated
    assert draft_sets(t) == [tuple(s) for s in EXPECTED_SETS]
    assert legacy_paths(t).height == 18


def test_importing_and_migrating_again_change_nothing(migrated: tuple[Tenant, Path], tmp_path: Path) -> None:
    t, root = migrated
    before = {rel: t.path(rel).read_bytes() for rel in ("cms/media.tsv", "cms/assignments.tsv")}
    again = migrate_legacy(root / "ws", "contoso-dev", tmp_path / "again", listing=LEGACY / "listing.txt",
                           category_channels=["OUN00001"])
    assert again.assets == 18
    for name in ("assets.tsv", "assignments.tsv", "unmatched.tsv"):
        assert (tmp_path / "again" / name).read_bytes() == (root / "out" / name).read_bytes()
    opts = ImportOptions(media_dir=str(LEGACY / "media"), user="migrator")
    for name in ("assets.tsv", "assignments.tsv"):
        r = import_manifest(t, tmp_path / "again" / name, opts)
        assert (r.status, r.rows.succeeded, r.rows.failed, r.rows.skipped) == ("Succeeded", 0, 0, r.rows.total)
    assert {rel: t.path(rel).read_bytes() for rel in before} == before


def test_published_products_resolve_to_the_legacy_gallery(migrated: tuple[Tenant, Path]) -> None:
    from toolkit.publishing import publish, selection
    from toolkit.resolution import resolve

    t, _ = migrated
    done = publish(t, selection(products=["1000", "1001", "70050", "81120", "93039"], categories=["C110", "C130"]),
                   publish_dependencies=True, user="migrator")
    assert done.status == "Succeeded", done.to_dict()
    path = dict(legacy_paths(t).iter_rows())
    cases = [("93039-002", None, None), ("93039-004", None, None), ("93039-006", None, None), ("93039", None, "en-us"),
             ("81120-003", None, None), ("81120-001", None, None), ("70050-002", None, None), ("1001", None, None),
             ("1000", None, "fr-fr"), ("category:C110", "OUN00001", None)]
    seen = []
    for product, channel, locale in cases:
        r = resolve(t, product, channel=channel, locale=locale)
        assert r.source is not None and r.default_image == r.items[0].media_id
        seen.append((product, r.source.to_dict()["EntityKeyValue"], [path[i.media_id] for i in r.items]))
    assert seen == [
        ("93039-002", "93039|Color:Black", ["Products/93039 ^  ^  ^ Black ^_000_001.png",
                                            "Products/93039 ^  ^  ^ Black ^_000_002.png"]),
        ("93039-004", "93039|Color:Blue", ["Products/93039^^^Blue^_000_001.png"]),
        ("93039-006", "93039-006", ["Products/93039 ^ Regular ^ 34 ^ Blue ^_000_001.png"]),
        ("93039", "93039", ["en-us/Products/93039_000_001.png", "en-us/Products/93039_000_002.png"]),
        ("81120-003", "81120|Color:Red", ["Products/81120 ^  ^  ^ Red ^_000_001.png",
                                          "Products/81120 ^  ^  ^ Red ^_000_002.png"]),
        ("81120-001", "81120-001", ["Products/81120 ^  ^ S ^ White ^_000_001.png"]),
        ("70050-002", "70050-002", ["Products/70050 ^ Monogrammed_000_001.png",
                                    "Products/70050 ^ Monogrammed_000_002.png"]),
        ("1001", "1001", ["Products/1001_000_001.png", "Products/1001_000_002.png"]),
        ("1000", "1000", ["fr-FR/Products/1000_000_001.png"]),
        ("category:C110", "C110", ["Categories/Womenswear.png"]),
    ]
