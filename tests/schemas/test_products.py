"""schemas/products.py — the product catalog (SPEC §4 products)."""

from __future__ import annotations

import pytest

from tests.helpers import findings, pandera_accepts, table

H = ["ProductNumber", "ProductName", "ProductType", "MasterProductNumber", "Color", "Size", "Style", "Configuration"]
STANDALONE = ["1000", "Aviator Sunglasses", "Standalone", "", "", "", "", ""]
MASTER = ["93039", "Contoso Denim Jeans", "Master", "", "", "", "", ""]
VARIANT = ["93039-001", "Contoso Denim Jeans", "Variant", "93039", "Black", "32", "Slim", ""]
CONFIG = ["70050-001", "Cap", "Variant", "70050", "", "", "", "Monogrammed"]
MASTER2 = ["70050", "Cap", "master", "", "", "", "", ""]


def manifest(*rows: list[str], header: list[str] = H) -> str:
    return table(header, *rows)


def test_valid() -> None:
    text = manifest(STANDALONE, MASTER, VARIANT, CONFIG, MASTER2)
    assert findings(text, "products") == []
    assert pandera_accepts(text, "products")


@pytest.mark.parametrize(("row", "expected"), [
    (["", "x", "Standalone", "", "", "", "", ""], [(3, "ProductNumber", "required_value")]),
    ([" 12", "x", "Standalone", "", "", "", "", ""], [(3, "ProductNumber", "format")]),
    (["12", "x", "Kit", "", "", "", "", ""], [(3, "ProductType", "enum")]),
    (["12", "x", "", "", "", "", "", ""], [(3, "ProductType", "required_value")]),
    (["12", "x", "Variant", "", "Red", "", "", ""], [(3, "MasterProductNumber", "variant_has_master")]),
    (["12", "x", "Variant", "99999", "Red", "", "", ""], [(3, "MasterProductNumber", "variant_has_master")]),
    # the master must be a Master, not a standalone product
    (["12", "x", "Variant", "1000", "Red", "", "", ""], [(3, "MasterProductNumber", "variant_has_master")]),
    (["12", "x", "Standalone", "93039", "", "", "", ""], [(3, "MasterProductNumber", "only_variants_have_master")]),
    (["12", "x", "Variant", "93039", "", "", "", ""], [(3, "ProductType", "variant_has_dimension")]),
])
def test_one_bad_row_one_finding(row: list[str], expected: list[tuple[int, str, str]]) -> None:
    assert findings(manifest(MASTER, row, STANDALONE), "products") == expected


def test_duplicate_product_number() -> None:
    got = findings(manifest(MASTER, STANDALONE, ["1000", "Other", "Standalone", "", "", "", "", ""]), "products")
    assert (4, "ProductNumber", "duplicate_key") in got
    assert {r for _, _, r in got} == {"duplicate_key"}


def test_missing_product_number_column() -> None:
    header = H[1:]
    assert findings(manifest(MASTER[1:], header=header), "products") == [(1, "ProductNumber", "missing_column")]


def test_no_cascade_rule_after_failed_cell() -> None:
    # a bad ProductType is reported once; the variant rules reading it stay quiet
    assert findings(manifest(MASTER, ["12", "x", "Variantt", "", "", "", "", ""]), "products") == [
        (3, "ProductType", "enum")]


def test_product_number_without_pipe() -> None:
    assert findings(manifest(MASTER, ["12|3", "x", "Standalone", "", "", "", "", ""]), "products") == [
        (3, "ProductNumber", "format")]
