"""``omm import`` of products, categories and channels manifests: validated whole, upserted by key."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import REPO, table
from toolkit.errors import InputError
from toolkit.importing.job import ImportOptions, import_manifest
from toolkit.importing.result import ImportResult
from toolkit.tsv import read_manifest
from toolkit.workspace import Tenant, tenant

PRODUCTS = "hq/products.tsv"
CATEGORIES = "hq/categories.tsv"
CHANNELS = "channels.tsv"
P_HEADER = ("ProductNumber", "ProductName", "ProductType", "MasterProductNumber", "Color", "Size", "Style",
            "Configuration")


@pytest.fixture
def t(tmp_path: Path) -> Tenant:
    shutil.copytree(REPO / "fixtures/workspace", tmp_path / "ws")
    return tenant(tmp_path / "ws", "contoso-dev")


def run(t: Tenant, tmp_path: Path, text: str, name: str = "products.tsv", **opts: object
        ) -> tuple[ImportResult, pl.DataFrame]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_manifest(t, path, ImportOptions(user="bob", **opts))  # type: ignore[arg-type]
    assert result.result is not None
    return result, read_manifest(t.path(result.result)).frame


def stored(t: Tenant, rel: str, kind: str) -> pl.DataFrame:
    return read_manifest(t.path(rel), kind).frame


def row_of(frame: pl.DataFrame, col: str, key: str) -> dict[str, str | None]:
    rows = frame.filter(pl.col(col) == key)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def tenant_bytes(t: Tenant) -> dict[str, bytes]:
    return {str(p.relative_to(t.root)): p.read_bytes() for p in sorted(t.root.rglob("*")) if p.is_file()}


def content_bytes(t: Tenant) -> dict[str, bytes]:
    """The tenant's data: not its job log, nor the writer lock file a job leaves."""
    return {k: v for k, v in tenant_bytes(t).items() if not k.startswith(("jobs/", ".omm/"))}


# -- products ---------------------------------------------------------------------------------------------

def test_products_are_upserted_by_key(t: Tenant, tmp_path: Path) -> None:
    before = stored(t, PRODUCTS, "products")
    text = table(P_HEADER,
                 {"ProductNumber": "2000", "ProductName": "Canvas Tote", "ProductType": "Standalone"},
                 {"ProductNumber": "1001", "ProductName": "Braided Belt", "ProductType": "Standalone"},
                 {"ProductNumber": "1000", "ProductName": "Aviator Sunglasses", "ProductType": "Standalone"})
    res, out = run(t, tmp_path, text)
    assert (res.kind, res.status, res.rows.total, res.rows.succeeded, res.rows.skipped) == (
        "products", "Succeeded", 3, 2, 1)
    assert out["Result"].to_list() == ["Succeeded", "Succeeded", "Skipped"]
    assert out["ResultDescription"].to_list() == ["created", "updated", "unchanged"]
    assert out["ErrorCode"].to_list() == [None, None, None]
    after = stored(t, PRODUCTS, "products")
    assert after.height == before.height + 1
    assert row_of(after, "ProductNumber", "2000")["ProductName"] == "Canvas Tote"
    assert row_of(after, "ProductNumber", "1001")["ProductName"] == "Braided Belt"
    untouched = pl.col("ProductNumber").is_in(["2000", "1001"]).not_()
    assert after.filter(untouched).equals(before.filter(untouched))


def test_reimporting_the_result_manifest_changes_nothing(t: Tenant, tmp_path: Path) -> None:
    text = table(P_HEADER, {"ProductNumber": "2000", "ProductName": "Canvas Tote", "ProductType": "Standalone"})
    res, _ = run(t, tmp_path, text)
    data = t.path(PRODUCTS).read_bytes()
    assert b"Result" not in data
    again = import_manifest(t, t.path(res.result or ""), ImportOptions(user="bob"))
    assert again.rows.skipped == 1
    assert t.path(PRODUCTS).read_bytes() == data


def test_columns_absent_from_the_manifest_keep_their_stored_values(t: Tenant, tmp_path: Path) -> None:
    before = stored(t, PRODUCTS, "products")
    text = table(("ProductNumber", "ProductName", "ProductType", "MasterProductNumber"),
                 ["81120-001", "Crew Neck Tee", "Variant", "81120"])
    res, out = run(t, tmp_path, text)
    assert out["ResultDescription"].to_list() == ["updated"]
    row = row_of(stored(t, PRODUCTS, "products"), "ProductNumber", "81120-001")
    assert (row["ProductName"], row["Color"], row["Size"]) == ("Crew Neck Tee", "White", "S")
    # The same manifest again is no change at all.
    data = t.path(PRODUCTS).read_bytes()
    res, out = run(t, tmp_path, text)
    assert out["ResultDescription"].to_list() == ["unchanged"] and res.rows.skipped == 1
    assert t.path(PRODUCTS).read_bytes() == data
    assert stored(t, PRODUCTS, "products").height == before.height


def test_a_new_variant_of_a_stored_master_is_accepted(t: Tenant, tmp_path: Path) -> None:
    text = table(P_HEADER, {"ProductNumber": "81120-005", "ProductName": "Crew Neck T-Shirt", "ProductType": "Variant",
                            "MasterProductNumber": "81120", "Color": "Red", "Size": "L"})
    res, out = run(t, tmp_path, text)
    assert (res.status, out["ResultDescription"].to_list()) == ("Succeeded", ["created"])
    assert row_of(stored(t, PRODUCTS, "products"), "ProductNumber", "81120-005")["MasterProductNumber"] == "81120"


def test_replace_swaps_the_whole_file(t: Tenant, tmp_path: Path) -> None:
    text = table(P_HEADER, {"ProductNumber": "2000", "ProductName": "Canvas Tote", "ProductType": "Standalone"},
                 {"ProductNumber": "1000", "ProductName": "Aviator Sunglasses", "ProductType": "Standalone"})
    res, out = run(t, tmp_path, text, replace=True)
    assert out["ResultDescription"].to_list() == ["created", "unchanged"]
    after = stored(t, PRODUCTS, "products")
    assert sorted(after["ProductNumber"].to_list()) == ["1000", "2000"]


INVALID = {
    "bad ProductType": table(P_HEADER, {"ProductNumber": "2000", "ProductName": "Tote", "ProductType": "Bundle"}),
    "duplicate key": table(P_HEADER, {"ProductNumber": "2000", "ProductName": "Tote", "ProductType": "Standalone"},
                           {"ProductNumber": "2000", "ProductName": "Tote 2", "ProductType": "Standalone"}),
    "ragged row": "ProductNumber\tProductName\tProductType\n2000\tTote\tStandalone\textra\n",
    "missing ProductType column": "ProductNumber\tProductName\n1000\tShades\n",
}
# Invalid only with the tenant's rows: judged on the file the import would leave.
INVALID_IN_TENANT = {
    "variant of a missing master": table(P_HEADER, {"ProductNumber": "2000-001", "ProductName": "Tote",
                                                    "ProductType": "Variant", "MasterProductNumber": "2000",
                                                    "Color": "Red"}),
    "variant of a standalone": table(P_HEADER, {"ProductNumber": "1000-001", "ProductName": "Shades",
                                                "ProductType": "Variant", "MasterProductNumber": "1000",
                                                "Color": "Red"}),
    # 81120 has variants in the tenant: it cannot become a Standalone product.
    "master with variants made standalone": table(P_HEADER, {"ProductNumber": "81120", "ProductName": "Tee",
                                                             "ProductType": "Standalone"}),
}


def _refused(t: Tenant, tmp_path: Path, text: str, replace: bool) -> None:
    path = tmp_path / "products.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="nothing was imported"):
        import_manifest(t, path, ImportOptions(user="bob", replace=replace))


@pytest.mark.parametrize("case", list(INVALID))
@pytest.mark.parametrize("replace", [False, True])
def test_an_invalid_products_manifest_is_refused_before_any_job(t: Tenant, tmp_path: Path, case: str,
                                                                 replace: bool) -> None:
    before = tenant_bytes(t)
    _refused(t, tmp_path, INVALID[case], replace)
    assert tenant_bytes(t) == before  # no job row, no job directory, no change


@pytest.mark.parametrize("case", list(INVALID_IN_TENANT))
def test_a_manifest_invalid_with_the_tenants_rows_is_refused(t: Tenant, tmp_path: Path, case: str) -> None:
    before = content_bytes(t)
    _refused(t, tmp_path, INVALID_IN_TENANT[case], False)
    assert content_bytes(t) == before


@pytest.mark.parametrize("case", list(INVALID_IN_TENANT))
def test_a_manifest_invalid_with_the_tenants_rows_records_no_job(t: Tenant, tmp_path: Path, case: str) -> None:
    before = tenant_bytes(t)
    _refused(t, tmp_path, INVALID_IN_TENANT[case], False)
    assert tenant_bytes(t) == before


def test_a_problem_the_stored_file_already_had_is_not_the_manifests(t: Tenant, tmp_path: Path) -> None:
    with t.path(PRODUCTS).open("a", encoding="utf-8") as fh:
        fh.write("5000-001\tOrphan\tVariant\t5000\tRed\t\t\t\n")  # its master is missing
    text = table(P_HEADER, {"ProductNumber": "2000", "ProductName": "Canvas Tote", "ProductType": "Standalone"})
    res, out = run(t, tmp_path, text)
    assert out["ResultDescription"].to_list() == ["created"]
    assert "5000-001" in stored(t, PRODUCTS, "products")["ProductNumber"].to_list()


def test_replace_judges_the_manifest_alone(t: Tenant, tmp_path: Path) -> None:
    # A new variant of a stored master is fine for an upsert, not as the whole catalog.
    text = table(P_HEADER, {"ProductNumber": "81120-009", "ProductName": "Tee", "ProductType": "Variant",
                            "MasterProductNumber": "81120", "Size": "XL"})
    before = content_bytes(t)
    _refused(t, tmp_path, text, True)
    assert content_bytes(t) == before
    res, out = run(t, tmp_path, text)
    assert out["ResultDescription"].to_list() == ["created"]


# -- categories and channels ---------------------------------------------------------------------------

def test_categories_are_upserted_by_key(t: Tenant, tmp_path: Path) -> None:
    before = stored(t, CATEGORIES, "categories")
    text = table(("CategoryID", "CategoryName", "ParentCategoryID"),
                 ["C123", "Knitwear", "C120"], ["C121", "Denim", "C120"], ["C100", "Fashion", ""])
    res, out = run(t, tmp_path, text, name="categories.tsv")
    assert res.kind == "categories"
    assert out["ResultDescription"].to_list() == ["created", "updated", "unchanged"]
    after = stored(t, CATEGORIES, "categories")
    assert after.height == before.height + 1
    assert row_of(after, "CategoryID", "C123")["ParentCategoryID"] == "C120"
    assert row_of(after, "CategoryID", "C121")["CategoryName"] == "Denim"
    assert row_of(after, "CategoryID", "C130")["CategoryName"] == "Accessories"


def test_channels_are_upserted_by_key(t: Tenant, tmp_path: Path) -> None:
    text = table(("ChannelId", "ChannelName", "ChannelType", "DefaultLocale", "Locales"),
                 ["OUN00004", "Contoso Berlin", "Store", "de-de", "de-de"],
                 ["OUN00002", "Contoso Seattle Store", "Store", "en-us", "en-us,es-us"])
    res, out = run(t, tmp_path, text, name="channels.tsv")
    assert res.kind == "channels"
    assert out["ResultDescription"].to_list() == ["created", "updated"]
    after = stored(t, CHANNELS, "channels")
    assert after["ChannelId"].to_list() == ["OUN00001", "OUN00002", "OUN00003", "OUN00004"]
    assert row_of(after, "ChannelId", "OUN00002")["Locales"] == "en-us,es-us"
    assert row_of(after, "ChannelId", "OUN00001")["Locales"] == "en-us,fr-fr"
