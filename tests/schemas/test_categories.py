"""schemas/categories.py — the category tree (SPEC §4 categories)."""

from __future__ import annotations

import pytest

from tests.helpers import findings, pandera_accepts, table

H = ["CategoryID", "CategoryName", "ParentCategoryID"]
TREE = [["C100", "Fashion", ""], ["C110", "Womenswear", "C100"], ["C111", "Dresses", "C110"]]


def manifest(*rows: list[str], header: list[str] = H) -> str:
    return table(header, *rows)


def test_valid() -> None:
    text = manifest(*TREE)
    assert findings(text, "categories") == []
    assert pandera_accepts(text, "categories")


def test_parent_may_come_later_in_the_file() -> None:
    assert findings(manifest(["C111", "Dresses", "C110"], ["C110", "Womenswear", ""]), "categories") == []


@pytest.mark.parametrize(("row", "expected"), [
    (["C200", "Shoes", "C999"], [(5, "ParentCategoryID", "parent_exists")]),
    (["C200", "Shoes", "C200"], [(5, "ParentCategoryID", "not_own_parent")]),
    (["C200", "", ""], [(5, "CategoryName", "required_value")]),
    (["", "Shoes", ""], [(5, "CategoryID", "required_value")]),
    ([" C200", "Shoes", ""], [(5, "CategoryID", "format")]),
])
def test_one_bad_row_one_finding(row: list[str], expected: list[tuple[int, str, str]]) -> None:
    assert findings(manifest(*TREE, row), "categories") == expected


def test_duplicate_category_id() -> None:
    got = findings(manifest(*TREE, ["C110", "Again", ""]), "categories")
    assert (5, "CategoryID", "duplicate_key") in got
    assert {r for _, _, r in got} == {"duplicate_key"}


def test_required_columns() -> None:
    assert findings(manifest(["C1"], header=["CategoryID"]), "categories", name="categories.tsv") == [
        (1, "CategoryName", "missing_column")]


def test_parent_cycles_are_reported_once_per_category_in_or_under_them(tmp_path) -> None:
    from toolkit.validation import validate

    p = tmp_path / "categories.tsv"
    p.write_text("CategoryID\tCategoryName\tParentCategoryID\nA\ta\t\nB\tb\tA\nC\tc\tD\nD\td\tC\n"
                 "E\te\tB\nF\tf\tF\nG\tg\tC\n")
    found = [(f.line, f.rule) for f in validate([p]).findings]
    assert found == [(4, "no_parent_cycle"), (5, "no_parent_cycle"), (7, "not_own_parent"), (8, "no_parent_cycle")]
