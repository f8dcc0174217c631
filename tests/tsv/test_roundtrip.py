"""Property tests of the manifest I/O (SPEC §3): read(write(x)) == x, write is idempotent, unknown
columns survive.

Values are arbitrary text: tabs, quotes, newlines, CR, unicode, leading/trailing spaces, empty
strings. Two normalizations are by design and applied to the expectation: an empty string is an
empty cell (null), and a CRLF inside a quoted field reads as LF (SPEC §3: LF or CRLF). NUL is
left out of the alphabet (a file full of NULs is taken for UTF-16 without BOM).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from toolkit.kinds import get_kind
from toolkit.tsv import column_order, manifest_bytes, read_manifest, read_manifest_bytes

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SPECIAL = list('\t\n\r" \',|#=+-@;:é✓€\u00a0\u2028\ufeff') + ["\r\n", '""', "😀"]
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL + ["\r\r\n"]), CHARS), max_size=10).map("".join)
VALUE = st.one_of(st.none(), st.just(""), TEXT)

PRODUCTS = get_kind("products")
MAPS = get_kind("maps")
KNOWN = set(PRODUCTS.column_names) | set(MAPS.column_names) | {c for k in ("assets", "assignments")
                                                              for c in get_kind(k).column_names}
NAME = st.text(alphabet=st.sampled_from(list("abcXYZ019 _-.é")), min_size=1, max_size=8).filter(
    lambda s: s.strip() != "" and s not in KNOWN)
UNKNOWN = st.lists(NAME, max_size=3, unique=True)

_PRODUCT_TYPES = {v.lower(): v for v in PRODUCTS.column("ProductType").enum}
ENUM_SPELLING = st.tuples(st.sampled_from(sorted(_PRODUCT_TYPES.values())), st.randoms(use_true_random=False),
                          st.sampled_from(["", " ", "  "]), st.sampled_from(["", " "])).map(
    lambda t: t[2] + "".join(c.upper() if t[1].random() < 0.5 else c.lower() for c in t[0]) + t[3])
PRODUCT_TYPE = st.one_of(st.none(), ENUM_SPELLING, TEXT.filter(lambda s: s.strip().lower() not in _PRODUCT_TYPES))


def _norm(v: str | None) -> str | None:
    """What reading makes of a written value of a free-text column."""
    if v is None or v == "":
        return None
    return re.sub(r"\r+\n", "\n", v)


def _norm_product_type(v: str | None) -> str | None:
    v = _norm(v)
    if v is None:
        return None
    return _PRODUCT_TYPES.get(v.strip().lower(), v)


@st.composite
def frames(draw: st.DrawFn, kind: str) -> pl.DataFrame:
    known = list(get_kind(kind).column_names)
    present = draw(st.lists(st.sampled_from(known), unique=True, min_size=1)) if kind == "products" else known
    columns = present + draw(UNKNOWN)
    columns = draw(st.permutations(columns))
    n = draw(st.integers(0, 6))
    data = {c: draw(st.lists(PRODUCT_TYPE if c == "ProductType" else VALUE, min_size=n, max_size=n)) for c in columns}
    return pl.DataFrame(data, schema={c: pl.String for c in columns})


def sframe(data: dict[str, list[str | None]]) -> pl.DataFrame:
    return pl.DataFrame(data, schema={c: pl.String for c in data})


def expected_rows(frame: pl.DataFrame, kind: str) -> Counter:
    order = column_order(frame.columns, get_kind(kind))
    norm = {c: (_norm_product_type if c == "ProductType" else _norm) for c in order}
    return Counter(tuple(norm[c](r[c]) for c in order) for r in frame.iter_rows(named=True))


def rows_of(frame: pl.DataFrame) -> Counter:
    return Counter(frame.rows())


def check_round_trip(frame: pl.DataFrame, kind: str) -> None:
    k = get_kind(kind)
    written = manifest_bytes(frame, kind)
    assert written.endswith(b"\n") and b"\r\n" not in written.split(b"\n", 1)[0]
    back = read_manifest_bytes(written, f"{kind}.tsv", kind)
    # every column survives, schema columns first, unknown ones after in their original order
    assert list(back.header) == column_order(frame.columns, k)
    assert back.unknown_columns == tuple(c for c in frame.columns if c not in k.column_names)
    assert back.problems == ()
    assert rows_of(back.frame) == expected_rows(frame, kind)
    # writing what was read gives the same bytes (idempotent) ...
    again = manifest_bytes(back)
    canonical = frame.select(pl.col(c).map_elements(_norm_product_type if c == "ProductType" else _norm,
                                                    return_dtype=pl.String) for c in frame.columns)
    assert again == manifest_bytes(canonical, kind)
    # ... and a fixed point from then on
    assert manifest_bytes(read_manifest_bytes(again, f"{kind}.tsv", kind)) == again
    # when x is already canonical (no CRLF inside values, enums spelled canonically),
    # write(read(write(x))) == write(x) byte for byte
    as_written = frame.with_columns(pl.col(pl.String).replace("", None))
    if canonical.equals(as_written):
        assert again == written


@SETTINGS
@given(frames("maps"))
@example(sframe({"Source": ["a", None], "Destination": [None, None]}))
@example(sframe({"Source": ["\t", '"', " x ", "\r"], "Destination": ["\n", '""', "", "\r\n"]}))
@example(sframe({"Destination": ["12\" inseam"], "Source": ["é"], "Note": ['"q"']}))
def test_maps_round_trip(frame: pl.DataFrame) -> None:
    check_round_trip(frame, "maps")


@SETTINGS
@given(frames("products"))
@example(sframe({"ProductType": [" master", "VARIANT ", "thing"], "ProductNumber": ["2", "10", None]}))
def test_products_round_trip(frame: pl.DataFrame) -> None:
    check_round_trip(frame, "products")


@settings(max_examples=60, deadline=None)
@given(frames("maps"))
def test_maps_round_trip_through_a_file(frame: pl.DataFrame) -> None:
    """read_manifest lets Polars read the file itself: it must agree with reading the bytes."""
    written = manifest_bytes(frame, "maps")
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "map.tsv")
        with open(p, "wb") as fh:
            fh.write(written)
        from_file = read_manifest(p, "maps")
    from_bytes = read_manifest_bytes(written, p, "maps")
    assert from_file.header == from_bytes.header
    assert from_file.frame.rows() == from_bytes.frame.rows()
    assert from_file.line_numbers().to_list() == from_bytes.line_numbers().to_list()
    assert rows_of(from_file.frame) == expected_rows(frame, "maps")


@settings(max_examples=60, deadline=None)
@given(frames("maps"), st.sampled_from(["utf-8", "utf-16"]))
def test_utf16_and_crlf_read_the_same(frame: pl.DataFrame, encoding: str) -> None:
    """The same manifest saved as UTF-16 with BOM or with CRLF line ends reads the same."""
    written = manifest_bytes(frame, "maps")
    base = read_manifest_bytes(written, "m.tsv", "maps")
    utf16 = read_manifest_bytes(manifest_bytes(frame, "maps", encoding=encoding), "m.tsv", "maps")
    assert utf16.frame.rows() == base.frame.rows()
    # CRLF row ends (values without CR, so every LF is a line end or inside quotes)
    if b"\r" not in written:
        crlf = read_manifest_bytes(written.replace(b"\n", b"\r\n"), "m.tsv", "maps")
        assert crlf.frame.rows() == base.frame.rows()
        assert crlf.line_numbers().to_list() == base.line_numbers().to_list()


def test_cr_cr_lf_inside_a_value_is_stable_after_one_read() -> None:
    raw = b'Source\tDestination\na\t"x\r\r\ny"\n'
    once = manifest_bytes(read_manifest_bytes(raw, "m.tsv", "maps"))
    twice = manifest_bytes(read_manifest_bytes(once, "m.tsv", "maps"))
    assert twice == once
