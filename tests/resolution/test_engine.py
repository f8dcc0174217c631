from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from toolkit.resolution.engine import _with_assets
from toolkit.resolution.ladder import entity_candidates

S = pl.String


def _frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = pl.DataFrame({"set_id": [0, 0, 1, 2], "InternalMediaId": ["a", "b", "a", None],
                         "MediaLocale": ["en-us", "system_neutral", "fr-fr", "en-us"]},
                        schema={"set_id": pl.UInt32, "InternalMediaId": S, "MediaLocale": S})
    media = pl.DataFrame({"InternalMediaId": ["a", "b", "a"], "MediaLocale": ["en-us", "system_neutral", "de-de"],
                          "AssetType": ["Image", "Video", "Image"]})
    return rows, media


def _by_strings(rows: pl.DataFrame, media: pl.DataFrame) -> pl.DataFrame:
    return rows.join(media, on=["InternalMediaId", "MediaLocale"], how="left").sort("set_id", "InternalMediaId")


def test_assets_joined_by_hash_equal_the_join_on_the_strings() -> None:
    rows, media = _frames()
    got = _with_assets(rows, media).sort("set_id", "InternalMediaId")
    assert_frame_equal(got, _by_strings(rows, media))
    assert got.get_column("AssetType").to_list() == ["Image", "Video", None, None]


def test_a_hash_collision_falls_back_to_the_join_on_the_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    rows, media = _frames()
    # Every key hashes alike: the hash join matches wrong assets, the check sees it.
    monkeypatch.setattr(pl.DataFrame, "hash_rows", lambda self, *a, **k: pl.Series([7] * self.height, dtype=pl.UInt64))
    assert_frame_equal(_with_assets(rows, media).sort("set_id", "InternalMediaId"), _by_strings(rows, media))


def test_a_catalog_row_given_twice_gives_its_candidates_once() -> None:
    products = pl.DataFrame({"ProductNumber": ["M1", "V1", "V1"], "ProductType": ["Master", "Variant", "Variant"],
                             "MasterProductNumber": [None, "M1", "M1"], "Color": [None, "red", "red"],
                             "Size": [None, None, None], "Style": [None, None, None], "Configuration": [None] * 3},
                            schema={c: S for c in ["ProductNumber", "ProductType", "MasterProductNumber", "Color", "Size",
                                                   "Style", "Configuration"]})
    sets = pl.DataFrame({"EntityType": ["Product|DimensionMatrix"], "EntityKeyValue": ["M1|Color:red"]})
    categories = pl.DataFrame({"CategoryID": ["C1"]})
    got = entity_candidates(products, categories, sets)
    assert got.rows() == [("M1", 0, "Product|Master", "M1"), ("V1", 0, "Product|Variant", "V1"),
                          ("V1", 13, "Product|DimensionMatrix", "M1|Color:red"), ("V1", 20, "Product|Master", "M1"),
                          ("category:C1", 0, "Category", "C1")]
    assert entity_candidates(products.unique(maintain_order=True), categories, sets).rows() == got.rows()
