"""toolkit.delta.patch: applies a diff manifest, and refuses a base the diff was not made from."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.delta import diff, patch, to_frame
from toolkit.delta.result import ManifestDiff
from toolkit.errors import InputError
from toolkit.tsv import manifest_bytes, read_manifest

OLD = "ProductNumber\tProductName\tProductType\n1000\tSunglasses\tStandalone\n1001\tBelt\tStandalone\n1002\tCap\tStandalone\n"
NEW = "ProductNumber\tProductName\tProductType\tNote\n1000\tSunglasses\tStandalone\t\n1001\tBelt 2\tStandalone\tx\n1003\tHat\tStandalone\t\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text(OLD)
    b.write_text(NEW)
    d = diff(a, b, kind="products")
    assert isinstance(d, ManifestDiff)
    changes = tmp_path / "changes.tsv"
    changes.write_bytes(manifest_bytes(to_frame(d), "diff"))
    return a, b, changes


def test_diff_manifest_is_readable_and_complete(files: tuple[Path, Path, Path]) -> None:
    assert files[2].read_text() == (
        "DiffSeq\tDiffOp\tDiffKind\tDiffKey\tDiffColumn\tProductNumber\tProductName\tProductType\tNote\n"
        "1\tcolumn-added\tproducts\tProductNumber\tNote\t\t\t\t\n"
        "2\tchanged\tproducts\tProductNumber\t\t1001\tBelt\tStandalone\t\n".replace("changed", "before")
        + "2\tafter\tproducts\tProductNumber\t\t1001\tBelt 2\tStandalone\tx\n"
        "3\tremoved\tproducts\tProductNumber\t\t1002\tCap\tStandalone\t\n"
        "4\tadded\tproducts\tProductNumber\t\t1003\tHat\tStandalone\t\n")


def test_patch_gives_new(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, b, changes = files
    result = patch(a, changes, tmp_path / "out.tsv")
    assert (result.added, result.removed, result.changed, result.columns_added) == (1, 1, 1, ("Note",))
    assert (tmp_path / "out.tsv").read_bytes() == manifest_bytes(read_manifest(b))


def test_patch_refuses_a_changed_base(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, _, changes = files
    a.write_text(OLD.replace("1001\tBelt", "1001\tBelt!"))
    with pytest.raises(InputError) as exc:
        patch(a, changes, tmp_path / "out.tsv")
    assert str(exc.value) == (f"{a} is not the manifest this diff was made from: {changes} line 3 expects "
                              f"ProductName='Belt' but {a} line 3 has 'Belt!' (patch the OLD file the diff was "
                              "made from, or make the diff again)")
    assert not (tmp_path / "out.tsv").exists()


@pytest.mark.parametrize(("base", "says"), [
    (OLD.replace("1002\tCap\tStandalone\n", ""), "line 5 expects a row with key (ProductNumber=1002)"),
    (OLD + "1003\tHat\tStandalone\n", "line 6 adds key (ProductNumber=1003), which"),
    (OLD.replace("ProductType\n", "ProductType\tNote\n").replace("Standalone\n", "Standalone\t\n"),
     "it already has column Note, which the diff adds"),
    (OLD + "1000\tAgain\tStandalone\n", "duplicate key (ProductNumber=1000) on lines 2 and 5"),
])
def test_patch_refusals_name_the_row(files: tuple[Path, Path, Path], base: str, says: str) -> None:
    a, _, changes = files
    a.write_text(base)
    with pytest.raises(InputError, match=says.replace("(", r"\(").replace(")", r"\)")):
        patch(a, changes)


def test_patch_refuses_half_a_change(files: tuple[Path, Path, Path]) -> None:
    a, _, changes = files
    changes.write_text("".join(line for line in changes.read_text().splitlines(keepends=True) if "\tafter\t" not in line))
    with pytest.raises(InputError, match="line 3: a changed record needs one before row and one after row"):
        patch(a, changes)


def test_patch_refuses_another_kind(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, _, changes = files
    other = tmp_path / "categories.tsv"
    other.write_text("CategoryID\tCategoryName\nC1\tShoes\n")
    with pytest.raises(InputError, match="is a diff of products manifests but .* is a categories manifest"):
        patch(other, changes)
