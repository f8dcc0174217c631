"""toolkit.tsv.decode: encodings (SPEC §3) and precise encoding errors."""

from __future__ import annotations

import codecs

import pytest

from toolkit.errors import InputError
from toolkit.findings import Finding
from toolkit.tsv import read_manifest, read_manifest_bytes
from toolkit.tsv.decode import decode, looks_utf16_without_bom, utf8_problems

TEXT = "ProductNumber\tProductName\tProductType\n93039\tJeans – café ✓\tMaster\n"
ROWS = [("93039", "Jeans – café ✓", "Master")]


ACCEPTED = [
    pytest.param(TEXT.encode("utf-8"), "utf-8", id="utf8"),
    pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", id="utf8-bom"),
    pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", id="utf16le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", id="utf16be-bom"),
]


@pytest.mark.parametrize(("raw", "encoding"), ACCEPTED)
def test_decode_accepted_encodings(raw: bytes, encoding: str) -> None:
    d = decode(raw, "x.tsv")
    assert d.encoding == encoding
    assert d.data == TEXT.encode("utf-8")
    assert d.problems == ()


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [*ACCEPTED, pytest.param(codecs.BOM_UTF16_LE + TEXT.replace("\n", "\r\n").encode("utf-16-le"), "utf-16-le",
                             id="utf16le-bom-crlf")],
)
def test_read_any_accepted_encoding_from_bytes_and_file(tmp_path, raw: bytes, encoding: str) -> None:
    m = read_manifest_bytes(raw, "products.tsv")
    assert (m.kind.name, m.encoding, m.frame.rows(), m.header) == (
        "products", encoding, ROWS, ("ProductNumber", "ProductName", "ProductType"))
    p = tmp_path / "products.tsv"
    p.write_bytes(raw)
    f = read_manifest(p)
    assert (f.encoding, f.frame.rows(), f.header, f.problems) == (encoding, ROWS, m.header, ())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_an_encoding_error(tmp_path, codec: str) -> None:
    raw = TEXT.encode(codec)
    with pytest.raises(InputError) as exc:
        read_manifest_bytes(raw, "p.tsv")
    assert exc.value.rule == "encoding"
    assert exc.value.exit_code == 2
    assert str(exc.value) == ('p.tsv: looks like UTF-16 without a byte-order mark (re-save it as UTF-8, '
                              'or as UTF-16 with BOM ("Unicode text"))')
    p = tmp_path / "p.tsv"
    p.write_bytes(raw)
    with pytest.raises(InputError) as exc2:
        read_manifest(p, strict=False)
    assert exc2.value.rule == "encoding"


def test_looks_utf16_without_bom() -> None:
    assert looks_utf16_without_bom("Name\tValue\n".encode("utf-16-le"))
    assert looks_utf16_without_bom("Name\tValue\n".encode("utf-16-be"))
    assert not looks_utf16_without_bom(b"Name\tValue\n")
    assert not looks_utf16_without_bom(b"abc")  # too short to tell


def test_invalid_utf16_with_bom_is_an_encoding_error() -> None:
    raw = codecs.BOM_UTF16_LE + "Name\tValue\n".encode("utf-16-le") + b"\x00\xd8"  # lone high surrogate
    with pytest.raises(InputError) as exc:
        decode(raw, "s.tsv")
    assert exc.value.rule == "encoding"
    assert str(exc.value).startswith("s.tsv: invalid UTF-16-LE at byte ")


def test_utf8_problems_blanks_bad_lines_and_keeps_numbering() -> None:
    raw = b"Name\tValue\nA\tok\nB\tfr\xe9nt\nC\tok\n"
    data, problems = utf8_problems(raw, "s.tsv", ("Name", "Value"))
    assert data == b"Name\tValue\nA\tok\n\nC\tok\n"
    assert problems == (
        Finding("s.tsv", 3, "Value", "encoding", "0xe9",
                "invalid UTF-8 (byte e9 at byte 5 of the line); save the file as UTF-8 or as UTF-16 with BOM"),
    )


def test_utf8_problems_of_valid_input_is_a_no_op() -> None:
    raw = "Name\tValue\nA\tcafé\n".encode()
    assert utf8_problems(raw, "s.tsv") == (raw, ())


def test_invalid_utf8_line_other_rows_still_read(tmp_path) -> None:
    raw = b"Name\tValue\nA\tok\nB\tfr\xe9nt\nC\tok\n"
    p = tmp_path / "settings.tsv"
    p.write_bytes(raw)
    for m in (read_manifest(p, strict=False), read_manifest_bytes(raw, str(p), strict=False)):
        assert m.frame.rows() == [("A", "ok"), ("C", "ok")]
        assert m.line_numbers().to_list() == [2, 4]
        assert [(f.line, f.rule) for f in m.problems] == [(3, "encoding")]


def test_invalid_utf8_strict_read_raises_with_the_line(tmp_path) -> None:
    p = tmp_path / "settings.tsv"
    p.write_bytes(b"Name\tValue\nA\tok\nB\tfr\xe9nt\n")
    with pytest.raises(InputError) as exc:
        read_manifest(p)
    assert exc.value.rule == "structure"
    assert str(exc.value).startswith(f"{p}: line 3: invalid UTF-8")


def test_invalid_utf8_in_header_is_an_encoding_error() -> None:
    with pytest.raises(InputError) as exc:
        read_manifest_bytes(b"Na\xe9me\tValue\nA\tB\n", "s.tsv", strict=False)
    assert exc.value.rule == "encoding"
    assert str(exc.value) == ("s.tsv: line 1 (the header) is not valid UTF-8 "
                              "(save the file as UTF-8, or as UTF-16 with BOM)")


def test_bom_only_in_front_is_stripped_not_in_values() -> None:
    m = read_manifest_bytes(codecs.BOM_UTF8 + "Name\tValue\nA\t\ufeffB\n".encode(), "settings.tsv")
    assert m.header == ("Name", "Value")
    assert m.frame.rows() == [("A", "\ufeffB")]
