"""``toolkit.export`` (SPEC §6 export, §7 --excel-safe): filters, formula guards, bytes, errors, progress."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import WORKSPACE
from toolkit import export as ex
from toolkit.delta import diff
from toolkit.errors import InputError, UsageError, WorkspaceError
from toolkit.export import ExportFilters, ExportResult, encode, export, guard_formulas
from toolkit.kinds import get_kind
from toolkit.tsv import manifest_bytes, read_manifest, write_manifest
from toolkit.validation import validate

DEV = WORKSPACE / "tenants" / "contoso-dev"
FILES = {"assets": DEV / "cms" / "media.tsv", "assignments": DEV / "cms" / "assignments.tsv"}


def rows(kind: str, **options: object) -> pl.DataFrame:
    result = export(WORKSPACE, "contoso-dev", kind, **options)  # type: ignore[arg-type]
    return pl.read_csv(result.content, separator="\t", infer_schema=False, quote_char='"')


def sets(frame: pl.DataFrame) -> list[tuple[str, str]]:
    """(EntityType, EntityKeyValue) of each set in an assignments export, sorted."""
    return sorted(set(frame.select("EntityType", "EntityKeyValue").iter_rows()))


# --- products ------------------------------------------------------------------------------------------------


def test_products_take_master_variant_matrix_and_swatch_sets() -> None:
    assert sets(rows("assignments", products=["93039"])) == [
        ("Product|DimensionMatrix", "93039|Color:Black"), ("Product|DimensionMatrix", "93039|Color:Blue"),
        ("Product|Master", "93039"), ("Product|Master|Swatch", "93039|Color|Black"),
        ("Product|Master|Swatch", "93039|Color|Blue"), ("Product|Variant", "93039-006")]


def test_products_repeatable_and_comma_separated() -> None:
    both = sets(rows("assignments", products=["1000,70050", " 1000 "]))
    assert both == [("Product|DimensionMatrix", "70050|Configuration:Monogrammed"), ("Product|Master", "1000"),
                    ("Product|Master", "70050")]


def test_a_variant_takes_only_its_own_set_and_a_product_without_sets_nothing() -> None:
    assert sets(rows("assignments", products=["93039-006"])) == [("Product|Variant", "93039-006")]
    assert rows("assignments", products=["1001"]).height == 0


def test_product_assets_are_those_its_sets_name_including_swatch_images_in_every_locale_and_state() -> None:
    ids = rows("assets", products=["93039"]).select("InternalMediaId", "MediaLocale", "MediaState").rows()
    assert ("dd08b57c-f6d9-4431-b057-a07badd399ef", "system_neutral", "Published") in ids  # swatch image
    assert ("6cd6c9f6-1361-4164-85e1-ceba79b281ce", "fr-fr", "Published") in ids  # both locale rows
    assert ("7c522f2e-2a89-4557-86d3-1b8889c5b44e", "system_neutral", "Draft") in ids  # the newer draft too
    assert len(ids) == 12
    assert "9880e4df-fbde-43ea-8e0d-7af4efe32e40" not in {i for i, *_ in ids}  # 81120's swatch image


def test_unknown_products_are_an_error_naming_them() -> None:
    with pytest.raises(UsageError) as err:
        export(WORKSPACE, "contoso-dev", "assets", products=["99999,93039", "C110"])
    assert str(err.value) == ("unknown products 99999, C110 in tenant 'contoso-dev' "
                              "(name products listed in hq/products.tsv)")


def test_unknown_single_product_message() -> None:
    with pytest.raises(UsageError, match=r"^unknown product 99999 in tenant 'contoso-dev'"):
        export(WORKSPACE, "contoso-dev", "assignments", products=["99999"])


# --- locale and state ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["fr-fr", "fr_FR", "FR-fr"])
def test_locale_keeps_that_locale_and_neutral(spelling: str) -> None:
    frame = rows("assignments", locale=spelling)
    assert sorted(set(frame.get_column("EntityLocale"))) == ["fr-fr", "system_neutral"]
    assert frame.height == 32 - 3  # all but the three en-us rows of 93039 on OUN00001


def test_locale_applies_to_media_locale_of_assets() -> None:
    frame = rows("assets", locale="en-us")
    assert sorted(set(frame.get_column("MediaLocale"))) == ["en-us", "system_neutral"]
    assert frame.height == 23 - 1  # the fr-fr size chart is left out


@pytest.mark.parametrize("spelling", ["system_neutral", "Neutral"])
def test_neutral_locale_keeps_only_neutral_rows(spelling: str) -> None:
    assert set(rows("assets", locale=spelling).get_column("MediaLocale")) == {"system_neutral"}


@pytest.mark.parametrize("bad", ["usa", "", "en us", "12-34"])
def test_bad_locale(bad: str) -> None:
    with pytest.raises(UsageError, match="is not a locale"):
        export(WORKSPACE, "contoso-dev", "assets", locale=bad)


@pytest.mark.parametrize(("state", "expected"), [("published", {"Published"}), ("draft", {"Draft"}),
                                                 ("all", {"Published", "Draft"})])
def test_state(state: str, expected: set[str]) -> None:
    assert set(rows("assets", state=state).get_column("MediaState")) == expected
    assert set(rows("assignments", state=state).get_column("EntityAssignmentCurrentPublishState")) == expected


def test_filters_combine() -> None:
    frame = rows("assignments", products=["81120"], state="draft", locale="de-de")
    assert sets(frame) == [("Product|Master", "81120")]
    assert set(frame.get_column("EntityAssignmentCurrentPublishState")) == {"Draft"}


def test_an_absent_state_column_counts_as_published(tmp_path: Path) -> None:
    workspace = copy_tenant(tmp_path)
    media = workspace / "tenants" / "contoso-dev" / "cms" / "media.tsv"
    m = read_manifest(media)
    write_manifest(m.frame.filter(pl.col("MediaState") == "Published").drop("MediaState"), media, kind="assets")
    assert export(workspace, "contoso-dev", "assets", state="published").rows == 21
    assert export(workspace, "contoso-dev", "assets", state="draft").rows == 0


# --- bytes -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["assets", "assignments"])
def test_unfiltered_export_is_the_tenant_manifest(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.tsv"
    result = export(WORKSPACE, "contoso-dev", kind, out)
    assert (result.rows, result.total_rows, result.content) == (read_manifest(FILES[kind]).frame.height,) * 2 + (b"",)
    assert out.read_bytes() == FILES[kind].read_bytes()
    assert diff(FILES[kind], out).equal


@pytest.mark.parametrize("kind", ["assets", "assignments"])
def test_two_exports_are_byte_identical(kind: str) -> None:
    options = {"products": ["93039", "81120"], "locale": "en-us", "encoding": "utf-16", "excel_safe": True}
    first = export(WORKSPACE, "contoso-dev", kind, **options).content  # type: ignore[arg-type]
    assert first == export(WORKSPACE, "contoso-dev", kind, **options).content  # type: ignore[arg-type]


@pytest.mark.parametrize("options", [{"products": ["93039"]}, {"locale": "fr-fr", "state": "draft"},
                                     {"encoding": "utf-16"}], ids=["products", "locale-state", "utf16"])
@pytest.mark.parametrize("kind", ["assets", "assignments"])
def test_exports_are_valid_manifests(kind: str, options: dict[str, object], tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.tsv"
    export(WORKSPACE, "contoso-dev", kind, out, **options)  # type: ignore[arg-type]
    report = validate([out])
    assert report.valid, report.to_dict()


def test_utf16_is_little_endian_with_bom() -> None:
    data = export(WORKSPACE, "contoso-dev", "assets", encoding="utf-16").content
    assert data.startswith(b"\xff\xfe") and data[2:].decode("utf-16-le").encode() == FILES["assets"].read_bytes()


def test_chunked_encoding_gives_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = read_manifest(FILES["assignments"]).frame.reverse()
    kind = get_kind("assignments")
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(ex, "CHUNK_ROWS", 5)
    for encoding in ("utf-8", "utf-16"):
        assert encode(frame, kind, encoding, lambda *a: calls.append(a)) == manifest_bytes(frame, kind, encoding)
    assert calls[:7] == [("write", n, 32) for n in (5, 10, 15, 20, 25, 30, 32)]


# --- excel-safe ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "guarded"), [
    ('=HYPERLINK("http://x","y")', True), ("+cmd", True), ("-2+3", True), ("@SUM(A1)", True), ("\tx", True),
    ("\rx", True), ("-", True), ("+", True), ("-1e5", True), ("--5", True),
    ("-5", False), ("+1.5", False), ("-0.25", False), ("12", False), ("a=b", False), (" =1", False), (None, False)])
def test_excel_safe_rule(value: str | None, guarded: bool) -> None:
    frame, count = guard_formulas(pl.DataFrame({"Note": [value]}, schema={"Note": pl.String}))
    assert frame.item() == (("'" + value) if guarded and value is not None else value)
    assert count == int(guarded)


def test_excel_safe_guards_column_names_and_refuses_a_clash() -> None:
    frame, count = guard_formulas(pl.DataFrame({"=Evil": ["ok"], "Plain": ["-1"]}))
    assert (frame.columns, count) == (["'=Evil", "Plain"], 1)
    with pytest.raises(InputError, match="would name two columns"):
        guard_formulas(pl.DataFrame({"=Evil": ["a"], "'=Evil": ["b"]}))


def test_excel_safe_on_the_fixture_changes_nothing() -> None:
    result = export(WORKSPACE, "contoso-dev", "assignments", excel_safe=True)
    assert (result.cells_guarded, result.content) == (0, FILES["assignments"].read_bytes())


# --- errors ----------------------------------------------------------------------------------------------------


def test_unknown_tenant() -> None:
    with pytest.raises(WorkspaceError, match="^no tenant 'nope' in "):
        export(WORKSPACE, "nope", "assets")


def test_invalid_tenant_id() -> None:
    with pytest.raises(UsageError, match="invalid tenant id '../x'"):
        export(WORKSPACE, "../x", "assets")


@pytest.mark.parametrize(("options", "message"), [
    ({"kind": "products"}, "cannot export 'products' (export one of: assets, assignments)"),
    ({"state": "checked-in"}, "unknown state 'checked-in' (use one of: all, published, draft)"),
    ({"encoding": "latin-1"}, "unknown encoding 'latin-1' (use one of: utf-8, utf-16)"),
])
def test_bad_options(options: dict[str, str], message: str) -> None:
    kind = options.pop("kind", "assets")
    with pytest.raises(UsageError) as err:
        export(WORKSPACE, "contoso-dev", kind, **options)  # type: ignore[arg-type]
    assert str(err.value) == message


def test_export_never_writes_into_the_tenant() -> None:
    before = FILES["assets"].read_bytes()
    with pytest.raises(UsageError, match="^refusing to export into tenant 'contoso-dev' itself"):
        export(WORKSPACE, "contoso-dev", "assets", DEV / "cms" / "media.tsv", state="draft")
    assert FILES["assets"].read_bytes() == before


def test_missing_manifest_names_it(tmp_path: Path) -> None:
    workspace = copy_tenant(tmp_path)
    (workspace / "tenants" / "contoso-dev" / "hq" / "products.tsv").unlink()
    with pytest.raises(WorkspaceError, match=r"^tenant 'contoso-dev' has no hq/products.tsv \(--products needs"):
        export(workspace, "contoso-dev", "assignments", products=["93039"])


# --- result and progress -----------------------------------------------------------------------------------------


def test_result_to_dict(tmp_path: Path) -> None:
    result = export(WORKSPACE, "contoso-dev", "assignments", tmp_path / "a.tsv", products=["93039"], locale="en_US")
    assert isinstance(result, ExportResult)
    assert result.filters == ExportFilters(("93039",), "en-us", "all")
    assert result.to_dict() == {
        "tenant": "contoso-dev", "kind": "assignments", "output": str(tmp_path / "a.tsv"), "rows": 15,
        "total_rows": 32, "filters": {"products": ["93039"], "locale": "en-us", "state": "all"},
        "encoding": "utf-8", "excel_safe": False, "cells_guarded": 0}


def test_progress_callback_reports_reading_bytes_and_written_rows() -> None:
    calls: list[tuple[str, int, int]] = []
    export(WORKSPACE, "contoso-dev", "assets", products=["93039"], on_progress=lambda *a: calls.append(a))
    size = sum((DEV / rel).stat().st_size for rel in ("cms/media.tsv", "hq/products.tsv", "cms/assignments.tsv"))
    reads = [c for c in calls if c[0] == "read"]
    assert reads[0] == ("read", 0, size) and reads[-1] == ("read", size, size) and len(reads) == 6
    assert [d for _, d, _ in reads] == sorted(d for _, d, _ in reads)
    assert calls[-1] == ("write", 12, 12)


def copy_tenant(tmp_path: Path) -> Path:
    """A workspace in tmp_path holding a copy of contoso-dev (without binaries)."""
    shutil.copytree(DEV, tmp_path / "tenants" / "contoso-dev", ignore=shutil.ignore_patterns("blobs"))
    return tmp_path
