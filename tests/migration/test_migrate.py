"""``migrate_legacy`` as a whole: the three manifests it writes, compared with goldens.

Goldens: ``fixtures/golden/migrate/<case>/{assets,assignments,unmatched}.tsv`` (see the README
there). Every output must also validate: the manifests are meant for ``omm import`` as they are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import FIXTURES, GOLDEN, WORKSPACE
from toolkit.errors import UsageError, WorkspaceError
from toolkit.migration import LegacyGrammar, migrate_legacy
from toolkit.tsv import read_manifest, write_manifest
from toolkit.validation import validate

MIGRATE = GOLDEN / "migrate"
LEGACY = FIXTURES / "legacy"
DEV = WORKSPACE / "tenants" / "contoso-dev"
FILES = ("assets.tsv", "assignments.tsv", "unmatched.tsv")


def check(out: Path, case: str, golden) -> None:
    for name in FILES:
        golden(MIGRATE / case / name, (out / name).read_bytes())
    report = validate([out / "assets.tsv", out / "assignments.tsv"])
    assert report.findings == () and report.valid


def listing(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "listing.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_tenant(tmp_path: Path) -> Path:
    shutil.copytree(DEV, tmp_path / "ws" / "tenants" / "contoso-dev", ignore=shutil.ignore_patterns("blobs"))
    return tmp_path / "ws"


def test_fixture_listing(tmp_path: Path, golden) -> None:
    r = migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / "out", listing=LEGACY / "listing.txt",
                       category_channels=["OUN00001"])
    check(tmp_path / "out", "contoso", golden)
    assert (r.paths, r.assets, r.sets, r.rows) == (26, 18, (("Product|Master", 3), ("Product|DimensionMatrix", 3),
                                                            ("Product|Variant", 5), ("Category", 2)), 18)
    assert [m.to_dict() for m in r.matrix] == [
        {"master": "81120", "dimensions": ["Color"], "cells": ["81120|Color:Red"], "matrix_sets": 1,
         "variant_sets_replaced": 2},
        {"master": "93039", "dimensions": ["Color"], "cells": ["93039|Color:Black", "93039|Color:Blue"],
         "matrix_sets": 2, "variant_sets_replaced": 5}]
    assert r.unmatched == (("duplicate_order", 1), ("no_pattern", 1), ("no_variant", 1), ("not_a_master", 1),
                           ("sequence_out_of_range", 1), ("unknown_category", 1), ("unknown_locale", 1),
                           ("unknown_product", 1))


def test_media_dir_walk_gives_the_same_manifests(tmp_path: Path) -> None:
    migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / "a", listing=LEGACY / "listing.txt",
                   category_channels=["OUN00001"])
    r = migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / "b", media_dir=LEGACY / "media",
                       category_channels=["OUN00001"])
    for name in ("assets.tsv", "assignments.tsv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "b" / "unmatched.tsv").read_text() == (
        "Path\tReason\tDetail\nProducts/readme.txt\tno_pattern\ta product file is named {ProductNumber}…_000_{NNN}.{ext}\n")
    assert (r.paths, r.assets, r.unmatched) == (19, 18, (("no_pattern", 1),))


def test_categories(tmp_path: Path, golden) -> None:
    ws = copy_tenant(tmp_path)
    categories = read_manifest(ws / "tenants/contoso-dev/hq/categories.tsv")
    twin = pl.DataFrame({"CategoryID": ["C111"], "CategoryName": ["Tops"], "ParentCategoryID": ["C110"]})
    write_manifest(pl.concat([categories.frame, twin]), ws / "tenants/contoso-dev/hq/categories.tsv", "categories")
    lines = ["Categories/Menswear.png", "Categories/menswear.jpg", "Categories/Accessories.pdf", "Categories/Tops.png",
             "fr-fr/Categories/Womenswear.png", "de-de/Categories/Womenswear.png", "en-us/Categories/Womenswear.png"]
    r = migrate_legacy(ws, "contoso-dev", tmp_path / "out", listing=listing(tmp_path, *lines),
                       category_channels=["oun00002, 00001"])
    check(tmp_path / "out", "categories", golden)
    assert r.category_channels == ("OUN00001", "OUN00002")
    without = migrate_legacy(ws, "contoso-dev", tmp_path / "none", listing=tmp_path / "listing.txt")
    assert (without.assets, without.unmatched) == (0, (("ambiguous_category", 1), ("category_not_image", 1),
                                                       ("no_category_channel", 5)))


def test_separator_dimension_order_and_sequence(tmp_path: Path, golden) -> None:
    lines = ["Products/93039 | Black | 32 | Slim |_000_009.png", "Products/93039 | Black |  | Slim |_000_001.png",
             "Products/93039 | Blue | 34 | Regular |_000_001.png", "Products/70050 | Monogrammed_000_007.png",
             "Products/81120|Red|S||_000_010.png", "Products/81120 ^  ^ S ^ Red ^_000_001.png",
             "Products/1000_000_002.mp4", "Products/1000_000_003.PDF"]
    grammar = LegacyGrammar("|", ("Color", "Size", "Style"), (1, 9))
    migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / "out", listing=listing(tmp_path, *lines), grammar=grammar)
    check(tmp_path / "out", "options", golden)


def test_display_names_avoid_the_tenant_and_keep_what_it_stored(tmp_path: Path, golden) -> None:
    ws = copy_tenant(tmp_path)
    media_path = ws / "tenants/contoso-dev/cms/media.tsv"
    media = read_manifest(media_path)
    known = {"MediaChannel": None, "MediaLocale": "system_neutral", "MediaType": "Image", "MediaVersion": "1",
             "ImageAltText": "Belt", "MediaState": "Draft"}
    extra = pl.DataFrame([
        {**known, "InternalMediaId": "00000000-0000-4000-8000-000000000001", "MediaImportPath": "images/belt.png",
         "MediaDisplayName": "Braided Leather Belt 1001 001"},  # someone else's asset has the name
        {**known, "InternalMediaId": "00000000-0000-4000-8000-000000000002", "MediaImportPath": "Products/1001_000_002.png",
         "MediaDisplayName": "Belt from the old shop, 2", "MediaSourceProvider": "legacy",
         "MediaSourceId": "Products/1001_000_002.png"},  # migrated before, and renamed since
    ], schema={c: pl.String for c in [*known, "InternalMediaId", "MediaImportPath", "MediaDisplayName",
                                      "MediaSourceProvider", "MediaSourceId"]})
    write_manifest(pl.concat([media.frame, extra], how="diagonal"), media_path, "assets")
    lines = ["Products/1001_000_001.png", "Products/1001_000_002.png", "Products/1001_000_003.png"]
    migrate_legacy(ws, "contoso-dev", tmp_path / "out", listing=listing(tmp_path, *lines))
    check(tmp_path / "out", "names", golden)


def test_running_again_writes_the_same_bytes(tmp_path: Path) -> None:
    for out in ("one", "two"):
        migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / out, listing=LEGACY / "listing.txt",
                       category_channels=["OUN00001"])
    for name in FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_an_empty_listing_writes_header_only_manifests(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    r = migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / "out", listing=tmp_path / "empty.txt")
    assert (r.paths, r.assets, r.rows, r.unmatched) == (0, 0, 0, ())
    assert (tmp_path / "out" / "unmatched.tsv").read_text() == "Path\tReason\tDetail\n"
    assert validate([tmp_path / "out" / "assets.tsv", tmp_path / "out" / "assignments.tsv"]).valid


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({}, UsageError, "give the legacy files as --listing FILE or as --media-dir DIR (give exactly one of them)"),
    ({"listing": "a.txt", "media_dir": "m"}, UsageError,
     "give the legacy files as --listing FILE or as --media-dir DIR (give exactly one of them)"),
    ({"listing": LEGACY / "listing.txt", "category_channels": ["OUN09999"]}, UsageError,
     "--category-channel OUN09999: not a channel of tenant 'contoso-dev' (use one of: OUN00001, OUN00002, OUN00003)"),
])
def test_bad_calls(tmp_path: Path, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error) as err:
        migrate_legacy(WORKSPACE, "contoso-dev", tmp_path / "out", **kwargs)
    assert str(err.value) == message
    assert not (tmp_path / "out").exists()


def test_output_never_goes_into_the_tenant(tmp_path: Path) -> None:
    ws = copy_tenant(tmp_path)
    with pytest.raises(UsageError, match=r"refusing to write the migration into tenant 'contoso-dev' itself"):
        migrate_legacy(ws, "contoso-dev", ws / "tenants/contoso-dev/cms", listing=LEGACY / "listing.txt")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match=r"-o .*file is a file \(give a directory for assets.tsv"):
        migrate_legacy(ws, "contoso-dev", tmp_path / "file", listing=LEGACY / "listing.txt")
    with pytest.raises(WorkspaceError, match=r"no tenant 'nope'"):
        migrate_legacy(ws, "nope", tmp_path / "out", listing=LEGACY / "listing.txt")


def test_readme_lists_every_reason() -> None:
    from tests.helpers import REPO
    from toolkit.migration import REASONS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `omm migrate legacy"):readme.index("### `omm demo")]
    assert [r for r in REASONS if f"`{r}`" not in section] == []
