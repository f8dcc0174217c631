"""Writing manifests (SPEC §3): canonical, deterministic, atomic."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import polars as pl
import pytest

from toolkit.errors import UsageError
from toolkit.kinds import get_kind
from toolkit.tsv import (
    atomic_write,
    canonical_frame,
    column_order,
    manifest_bytes,
    read_manifest,
    read_manifest_bytes,
    write_manifest,
)

UUID1 = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"
UUID2 = "a79e970a-a157-4459-91c6-6bacd6e39b5a"


def test_column_order_schema_first_then_unknown_in_original_order() -> None:
    k = get_kind("products")
    cols = ["Zeta", "ProductType", "Alpha", "ProductNumber", "Color", "Mid"]
    assert column_order(cols, k) == ["ProductNumber", "ProductType", "Color", "Zeta", "Alpha", "Mid"]


def test_unknown_columns_survive_read_write(tmp_path) -> None:
    raw = b"Zeta\tProductType\tAlpha\tProductNumber\nz2\tMaster\ta2\t2\nz1\tStandalone\t\t1\n"
    out = manifest_bytes(read_manifest_bytes(raw, "products.tsv"))
    assert out == b"ProductNumber\tProductType\tZeta\tAlpha\n1\tStandalone\tz1\t\n2\tMaster\tz2\ta2\n"
    again = read_manifest_bytes(out, "products.tsv")
    assert again.unknown_columns == ("Zeta", "Alpha")
    assert manifest_bytes(again) == out


def test_same_data_twice_same_bytes() -> None:
    raw = (f"MediaType\tInternalMediaId\tMediaLocale\tMediaDisplayName\nvideo\t{UUID2}\ten-us\tB\n"
           f"image\t{UUID1}\tNeutral\tA\n").encode()
    a = manifest_bytes(read_manifest_bytes(raw, "media.tsv"))
    b = manifest_bytes(read_manifest_bytes(raw, "media.tsv"))
    assert a == b
    # the same rows in another order and with shuffled columns give the same bytes too
    shuffled = (f"MediaDisplayName\tMediaLocale\tMediaType\tInternalMediaId\nA\tNeutral\timage\t{UUID1}\n"
                f"B\ten-us\tvideo\t{UUID2}\n").encode()
    assert manifest_bytes(read_manifest_bytes(shuffled, "media.tsv")) == a
    assert a == (f"InternalMediaId\tMediaLocale\tMediaType\tMediaDisplayName\n{UUID1}\tsystem_neutral\tImage\tA\n"
                 f"{UUID2}\ten-us\tVideo\tB\n").encode()


def test_rows_sorted_by_key_text() -> None:
    raw = b"ProductNumber\tProductType\nb\tMaster\n10\tMaster\n9\tMaster\na\tMaster\n"
    out = manifest_bytes(read_manifest_bytes(raw, "products.tsv"))
    # ProductNumber is text: sorted as text
    assert out == b"ProductNumber\tProductType\n10\tMaster\n9\tMaster\na\tMaster\nb\tMaster\n"


def test_rows_sorted_integer_keys_numerically_enums_in_schema_order() -> None:
    raw = b"DiffSeq\tDiffOp\tX\n10\tafter\ta\n9\tremoved\tb\n10\tbefore\tc\n2\tadded\td\n100\tadded\te\n"
    out = manifest_bytes(read_manifest_bytes(raw, "d.tsv"))
    assert out == b"DiffSeq\tDiffOp\tX\n2\tadded\td\n9\tremoved\tb\n10\tbefore\tc\n10\tafter\ta\n100\tadded\te\n"


def test_assignments_sorted_set_by_set_in_gallery_order() -> None:
    # Sort: set key (EntityType in schema order, Omnichannel/empty first), publish state, MediaGroup in
    # schema order, MediaDisplayOrder numerically, then the rest of the row key.
    head = "EntityType\tEntityKeyValue\tEntityChannel\tEntityLocale\tMediaGroup\tMediaDisplayOrder\tInternalMediaId\n"
    rows = [
        f"Category\tC110\tOUN1\tsystem_neutral\tPrimary\t1\t{UUID1}",
        f"Product|Variant\t1\t\tsystem_neutral\tPrimary\t1\t{UUID1}",
        f"Product|Master\t2\t\tsystem_neutral\tAdditional\t1\t{UUID1}",
        f"Product|Master\t2\t\tsystem_neutral\tPrimary\t10\t{UUID1}",
        f"Product|Master\t2\t\tsystem_neutral\tPrimary\t9\t{UUID2}",
        f"Product|Master\t1\tOUN1\ten-us\tPrimary\t1\t{UUID1}",
        f"Product|Master\t1\t\ten-us\tPrimary\t1\t{UUID1}",
        f"Master\t1\t\tNeutral\tPrimary\t1\t{UUID1}",
    ]
    out = manifest_bytes(read_manifest_bytes((head + "\n".join(rows) + "\n").encode(), "assignments.tsv"))
    lines = out.decode().splitlines()
    assert lines[0] == "InternalMediaId\tEntityType\tEntityKeyValue\tEntityLocale\tEntityChannel\tMediaGroup\tMediaDisplayOrder"
    assert [tuple(line.split("\t")[1:]) for line in lines[1:]] == [
        ("Product|Master", "1", "en-us", "", "Primary", "1"),           # channel before locale,
        ("Product|Master", "1", "system_neutral", "", "Primary", "1"),  # Omnichannel (empty) first
        ("Product|Master", "1", "en-us", "OUN1", "Primary", "1"),
        ("Product|Master", "2", "system_neutral", "", "Primary", "9"),
        ("Product|Master", "2", "system_neutral", "", "Primary", "10"),
        ("Product|Master", "2", "system_neutral", "", "Additional", "1"),
        ("Product|Variant", "1", "system_neutral", "", "Primary", "1"),
        ("Category", "C110", "system_neutral", "OUN1", "Primary", "1"),
    ]


def test_empty_locale_written_as_system_neutral() -> None:
    raw = f"EntityType\tEntityKeyValue\tEntityLocale\tMediaGroup\tInternalMediaId\nProduct|Master\t1\t\tPrimary\t{UUID1}\n"
    assert manifest_bytes(read_manifest_bytes(raw.encode(), "assignments.tsv")) == (
        f"InternalMediaId\tEntityType\tEntityKeyValue\tEntityLocale\tMediaGroup\n{UUID1}\tProduct|Master\t1\t"
        "system_neutral\tPrimary\n").encode()


def test_null_keys_sort_first_in_input_order() -> None:
    # Nulls first: Omnichannel (an empty channel) is the base every channel inherits from.
    df = pl.DataFrame({"InternalMediaId": [None, UUID2, None, UUID1], "MediaType": ["Image", "Video", "File", "Image"],
                       "MediaDisplayName": ["new1", "b", "new2", "a"], "MediaLocale": ["system_neutral"] * 4})
    out = canonical_frame(df, get_kind("assets"))
    assert out.get_column("MediaDisplayName").to_list() == ["new1", "new2", "a", "b"]


def test_quoting_only_where_needed() -> None:
    df = pl.DataFrame({"Source": ["plain", "tab\there", "nl\nhere", 'q"uote', "cr\rhere", " sp ", "#x", "a,b", "'s"],
                       "Destination": ["x"] * 9})
    out = manifest_bytes(df, "maps").decode()
    assert out == ("Source\tDestination\n"
                   " sp \tx\n#x\tx\n's\tx\na,b\tx\n\"cr\rhere\"\tx\n\"nl\nhere\"\tx\nplain\tx\n\"q\"\"uote\"\tx\n"
                   "\"tab\there\"\tx\n")


def test_empty_cells_written_empty_never_quoted() -> None:
    df = pl.DataFrame({"Source": ["a", "b", "c"], "Destination": ["", None, "x"]})
    assert manifest_bytes(df, "maps") == b"Source\tDestination\na\t\nb\t\nc\tx\n"
    raw = b'Source\tDestination\nb\t\na\t""\n'
    assert manifest_bytes(read_manifest_bytes(raw, "m.tsv", "maps")) == b"Source\tDestination\na\t\nb\t\n"


def test_lf_no_bom_utf8() -> None:
    raw = codecs.BOM_UTF8 + "Name\tValue\r\nA\tcafé\r\n".encode()
    out = manifest_bytes(read_manifest_bytes(raw, "settings.tsv"))
    assert out == "Name\tValue\nA\tcafé\n".encode()


def test_header_only_frame() -> None:
    df = pl.DataFrame(schema={"Value": pl.String, "Name": pl.String, "Extra": pl.String})
    assert manifest_bytes(df, "settings") == b"Name\tValue\tExtra\n"


def test_kind_detected_from_frame_columns() -> None:
    df = pl.DataFrame({"Value": ["1"], "Name": ["A"]})
    assert manifest_bytes(df) == b"Name\tValue\nA\t1\n"


def test_utf16_output_has_bom_and_round_trips(tmp_path) -> None:
    raw = "ProductNumber\tProductName\tProductType\n2\tCafé ✓ \"x\"\tMaster\n1\tTab\there\tStandalone\n"
    m = read_manifest_bytes(raw.encode(), "products.tsv", strict=False)
    out16 = manifest_bytes(m, encoding="utf-16")
    assert out16.startswith(codecs.BOM_UTF16_LE)
    assert out16[2:].decode("utf-16-le").encode() == manifest_bytes(m)
    p = tmp_path / "products.tsv"
    assert write_manifest(m, p, encoding="utf-16") is True
    back = read_manifest(p)
    assert back.encoding == "utf-16-le"
    assert back.frame.rows() == canonical_frame(m.frame, m.kind).rows()
    assert manifest_bytes(back) == manifest_bytes(m)


def test_unknown_encoding_is_a_usage_error() -> None:
    df = pl.DataFrame({"Name": ["A"], "Value": ["1"]})
    with pytest.raises(UsageError) as exc:
        manifest_bytes(df, "settings", encoding="latin-1")
    assert str(exc.value) == "unknown encoding 'latin-1' (use utf-8 or utf-16)"


def test_write_manifest_returns_false_and_does_not_touch_an_identical_file(tmp_path) -> None:
    p = tmp_path / "settings.tsv"
    df = pl.DataFrame({"Name": ["A"], "Value": ["1"]})
    assert write_manifest(df, p) is True
    assert p.read_bytes() == b"Name\tValue\nA\t1\n"
    before = os.stat(p)
    assert write_manifest(df, p) is False
    after = os.stat(p)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_write_manifest_of_a_manifest_uses_its_kind(tmp_path) -> None:
    m = read_manifest_bytes(b"Source\tDestination\nb\t1\na\t2\n", "m.tsv", "maps")
    p = tmp_path / "out" / "map.tsv"
    write_manifest(m, p)
    assert p.read_bytes() == b"Source\tDestination\na\t2\nb\t1\n"


def _temp_files(d: Path) -> list[str]:
    return sorted(x.name for x in d.iterdir() if x.name.endswith(".tmp") or x.name.startswith("."))


def test_atomic_write_leaves_no_temp_file(tmp_path) -> None:
    p = tmp_path / "sub" / "x.tsv"
    atomic_write(p, b"one\n")
    atomic_write(p, b"two\n")
    assert p.read_bytes() == b"two\n"
    assert _temp_files(p.parent) == []


def test_atomic_write_replaces_by_rename(tmp_path) -> None:
    p = tmp_path / "x.tsv"
    p.write_bytes(b"old\n")
    old_ino = os.stat(p).st_ino
    atomic_write(p, b"new\n")
    assert p.read_bytes() == b"new\n"
    assert os.stat(p).st_ino != old_ino  # a new file was renamed into place, the old one not rewritten


def test_atomic_write_failure_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch) -> None:
    p = tmp_path / "x.tsv"
    p.write_bytes(b"old\n")

    def boom(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(p, b"new\n")
    assert p.read_bytes() == b"old\n"
    assert _temp_files(tmp_path) == []


def test_atomic_write_fsyncs(tmp_path, monkeypatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    atomic_write(tmp_path / "x.tsv", b"x\n")
    assert len(synced) == 2  # the file, then its directory
