"""toolkit.formatting.format_paths: canonical rewrite in place, or a check (SPEC §6 fmt)."""

from __future__ import annotations

import codecs
import os
import shutil

import pytest

from tests.helpers import WORKSPACE
from toolkit.errors import InputError
from toolkit.formatting import FileFormat, FormatResult, format_paths, manifest_files

MESSY = codecs.BOM_UTF8 + (
    b"MediaType\tNote\tMediaLocale\tInternalMediaId\tMediaChannel\tMediaDisplayName\r\n"
    b"image\tz1\tEN-US\t7C522F2E-2A89-4557-86D3-1B8889C5B44F\tOmnichannel\tB\r\n"
    b"video\tz2\tNeutral\t7c522f2e-2a89-4557-86d3-1b8889c5b44e\t00001\tA\r\n")
CANONICAL = (
    b"InternalMediaId\tMediaChannel\tMediaLocale\tMediaType\tMediaDisplayName\tNote\n"
    b"7c522f2e-2a89-4557-86d3-1b8889c5b44e\tOUN00001\tsystem_neutral\tVideo\tA\tz2\n"
    b"7c522f2e-2a89-4557-86d3-1b8889c5b44f\t\ten-us\tImage\tB\tz1\n")


def test_rewrites_in_place(tmp_path) -> None:
    p = tmp_path / "media.tsv"
    p.write_bytes(MESSY)
    result = format_paths([p])
    assert result == FormatResult((FileFormat(str(p), True),), False)
    assert p.read_bytes() == CANONICAL
    assert result.changed == (str(p),) and result.errors == ()
    assert result.to_dict() == {"check": False, "changed": [str(p)], "unchanged": [], "errors": []}
    # idempotent
    again = format_paths([p])
    assert again.changed == () and p.read_bytes() == CANONICAL
    assert again.to_dict() == {"check": False, "changed": [], "unchanged": [str(p)], "errors": []}


def test_check_writes_nothing(tmp_path) -> None:
    p = tmp_path / "media.tsv"
    p.write_bytes(MESSY)
    os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    result = format_paths([p], check=True)
    assert result.check and result.changed == (str(p),)
    assert p.read_bytes() == MESSY
    assert os.stat(p).st_mtime_ns == 1_000_000_000
    assert sorted(x.name for x in tmp_path.iterdir()) == ["media.tsv"]


def test_canonical_file_is_not_touched(tmp_path) -> None:
    p = tmp_path / "media.tsv"
    p.write_bytes(CANONICAL)
    os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    ino = os.stat(p).st_ino
    assert format_paths([p]).changed == ()
    assert (os.stat(p).st_mtime_ns, os.stat(p).st_ino) == (1_000_000_000, ino)


def test_unreadable_file_is_reported_and_left_alone(tmp_path) -> None:
    bad = tmp_path / "products.tsv"
    raw = "ProductNumber\tProductType\n1\tMaster\n".encode("utf-16-le")
    bad.write_bytes(raw)
    good = tmp_path / "settings.tsv"
    good.write_bytes(b"Value\tName\n1\tA\n")
    result = format_paths([tmp_path])
    assert [f.path for f in result.files] == [str(bad), str(good)]
    assert result.errors == (FileFormat(str(bad), False, f"{bad}: looks like UTF-16 without a byte-order mark (re-save "
                                                         'it as UTF-8, or as UTF-16 with BOM ("Unicode text"))'),)
    assert bad.read_bytes() == raw
    assert good.read_bytes() == b"Name\tValue\nA\t1\n"
    assert result.to_dict()["errors"] == [{"file": str(bad), "message": result.errors[0].error}]


def test_structurally_broken_file_is_never_rewritten(tmp_path) -> None:
    # formatting a file with a ragged row would drop the row: fmt refuses instead
    p = tmp_path / "settings.tsv"
    raw = b"Value\tName\n1\tA\nbroken\n2\tB\n"
    p.write_bytes(raw)
    result = format_paths([p])
    assert result.changed == ()
    assert result.errors[0].error.startswith(f"{p}: line 3: row has 1 fields but the header has 2")
    assert p.read_bytes() == raw


def test_kind_override(tmp_path) -> None:
    p = tmp_path / "x.tsv"
    p.write_bytes(b"Destination\tSource\nx\tb\ny\ta\n")
    format_paths([p], kind="maps")
    assert p.read_bytes() == b"Source\tDestination\na\ty\nb\tx\n"


def test_utf16_encoding(tmp_path) -> None:
    p = tmp_path / "settings.tsv"
    p.write_bytes(b"Name\tValue\nA\t1\n")
    assert format_paths([p], encoding="utf-16").changed == (str(p),)
    assert p.read_bytes() == codecs.BOM_UTF16_LE + "Name\tValue\nA\t1\n".encode("utf-16-le")
    assert format_paths([p], encoding="utf-16").changed == ()
    assert format_paths([p], check=True).changed == (str(p),)  # not canonical UTF-8


def test_unknown_columns_kept(tmp_path) -> None:
    p = tmp_path / "products.tsv"
    p.write_bytes(b"Zeta\tProductType\tAlpha\tProductNumber\nz\tmaster\ta\t1\n")
    format_paths([p])
    assert p.read_bytes() == b"ProductNumber\tProductType\tZeta\tAlpha\n1\tMaster\tz\ta\n"


def test_manifest_files(tmp_path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/z.tsv", "a.tsv", "b/a.tsv"):
        (tmp_path / name).write_bytes(b"Name\tValue\n")
    (tmp_path / "notes.txt").write_text("x")
    assert manifest_files([tmp_path]) == [tmp_path / "a.tsv", tmp_path / "b" / "a.tsv", tmp_path / "b" / "z.tsv"]
    assert manifest_files([tmp_path / "notes.txt"]) == [tmp_path / "notes.txt"]
    with pytest.raises(InputError) as exc:
        manifest_files([tmp_path / "nope"])
    assert str(exc.value) == f"{tmp_path / 'nope'}: no such file or directory (check the path)"


def test_fixture_workspace_is_canonical() -> None:
    result = format_paths([WORKSPACE], check=True)
    assert result.errors == ()
    assert result.changed == ()


def test_formatting_a_copy_of_the_workspace_changes_nothing(tmp_path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    before = {p: p.read_bytes() for p in ws.rglob("*.tsv")}
    format_paths([ws])
    assert {p: p.read_bytes() for p in ws.rglob("*.tsv")} == before


def test_hidden_directories_below_a_named_one_are_left_out(tmp_path) -> None:
    (tmp_path / "tenants" / ".init-x" / "cms").mkdir(parents=True)
    (tmp_path / "tenants" / "t1" / ".omm").mkdir(parents=True)
    for rel in ("tenants/.init-x/cms/media.tsv", "tenants/t1/.omm/staged.tsv", "tenants/t1/settings.tsv"):
        (tmp_path / rel).write_text("Name\tValue\n")
    assert manifest_files([tmp_path]) == [tmp_path / "tenants" / "t1" / "settings.tsv"]
    # named explicitly, a file in a hidden directory is still formatted
    hidden = tmp_path / "tenants" / "t1" / ".omm" / "staged.tsv"
    assert manifest_files([hidden]) == [hidden]
