"""Reading manifests (SPEC §3): quoting, line endings, column order, ragged rows, line numbers.

Every case is read twice, from bytes (``read_manifest_bytes``) and from a file (``read_manifest``,
which lets Polars read the file itself), because the two take different paths.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from toolkit.errors import InputError, ManifestStructureError
from toolkit.tsv import Manifest, manifest_bytes, read_manifest, read_manifest_bytes
from toolkit.tsv.parse import parse

SETTINGS = "settings.tsv"


def read_both(tmp_path: Path, raw: bytes, name: str = SETTINGS, kind: str | None = None,
              strict: bool = False) -> Manifest:
    """Read ``raw`` from bytes and from a file; assert both agree and return one."""
    a = read_manifest_bytes(raw, name, kind, strict=strict)
    p = tmp_path / name
    p.write_bytes(raw)
    b = read_manifest(p, kind, strict=strict)
    assert a.header == b.header
    assert a.frame.rows() == b.frame.rows()
    assert a.line_numbers().to_list() == b.line_numbers().to_list()
    assert [(f.line, f.column, f.rule, f.value) for f in a.problems] == \
        [(f.line, f.column, f.rule, f.value) for f in b.problems]
    return a


def rows_lines_problems(m: Manifest) -> tuple[list[tuple], list[int], list[tuple[int, str]]]:
    return m.frame.rows(), m.line_numbers().to_list(), [(f.line, f.rule) for f in m.problems]


# --- line endings -------------------------------------------------------------------------------

def test_crlf_and_lf_give_identical_values(tmp_path) -> None:
    lf = b"Name\tValue\nA\t1\nB\t\"x\ny\"\nC\t3\n"
    crlf = lf.replace(b"\n", b"\r\n")
    a, b = read_both(tmp_path, lf), read_both(tmp_path, crlf)
    assert a.frame.equals(b.frame)
    assert rows_lines_problems(a) == rows_lines_problems(b) == (
        [("A", "1"), ("B", "x\ny"), ("C", "3")], [2, 3, 5], [])
    assert manifest_bytes(a) == manifest_bytes(b)


def test_mixed_line_endings(tmp_path) -> None:
    m = read_both(tmp_path, b"Name\tValue\nA\t1\r\nB\t\"x\r\ny\"\r\n")
    assert rows_lines_problems(m) == ([("A", "1"), ("B", "x\ny")], [2, 3], [])


def test_last_line_without_newline(tmp_path) -> None:
    m = read_both(tmp_path, b"Name\tValue\nA\t1\nB\t2")
    assert rows_lines_problems(m) == ([("A", "1"), ("B", "2")], [2, 3], [])


def test_blank_lines_are_skipped_and_keep_numbering(tmp_path) -> None:
    m = read_both(tmp_path, b"Name\tValue\r\nA\t1\r\n\r\nB\t2\r\n")
    assert rows_lines_problems(m) == ([("A", "1"), ("B", "2")], [2, 4], [])


# --- quoting ------------------------------------------------------------------------------------

def test_quoted_fields_hold_tabs_newlines_and_doubled_quotes(tmp_path) -> None:
    raw = b'Name\tValue\nA\t"tab\there"\nB\t"two\nlines"\nC\t"say ""hi"""\nD\t"""quoted"""\n'
    m = read_both(tmp_path, raw)
    assert rows_lines_problems(m) == (
        [("A", "tab\there"), ("B", "two\nlines"), ("C", 'say "hi"'), ("D", '"quoted"')], [2, 3, 5, 6], [])


def test_quoted_header_and_key(tmp_path) -> None:
    m = read_both(tmp_path, b'"Name"\tValue\n"A\nB"\t1\nC\t2\n')
    assert m.header == ("Name", "Value")
    assert rows_lines_problems(m) == ([("A\nB", "1"), ("C", "2")], [2, 4], [])


def test_quote_inside_unquoted_field_is_literal(tmp_path) -> None:
    m = read_both(tmp_path, b'Name\tValue\nA\t12" inseam\nB\tsay "hi" twice\nC\ta"\n')
    assert rows_lines_problems(m) == ([("A", '12" inseam'), ("B", 'say "hi" twice'), ("C", 'a"')], [2, 3, 4], [])


def test_literal_quote_next_to_quoted_fields(tmp_path) -> None:
    m = read_both(tmp_path, b'Name\tValue\nA\t12" inseam\nB\t"q\tr"\n')
    assert rows_lines_problems(m) == ([("A", '12" inseam'), ("B", "q\tr")], [2, 3], [])


def test_text_after_closing_quote_is_a_finding_and_other_rows_are_kept(tmp_path) -> None:
    m = read_both(tmp_path, b'Name\tValue\nA\t"abc"def\nB\t2\n')
    assert rows_lines_problems(m) == ([("B", "2")], [3], [(2, "bad_quoting")])
    assert m.problems[0].value == 'A\t"abc"def'


def test_unterminated_quote_rest_of_file_still_read(tmp_path) -> None:
    m = read_both(tmp_path, b'Name\tValue\nA\t1\nB\t"never closed\nC\t3\nD\t4\n')
    assert rows_lines_problems(m) == ([("A", "1"), ("C", "3"), ("D", "4")], [2, 4, 5], [(3, "unterminated_quote")])
    assert m.problems[0].message == 'a quoted field opened on this line is never closed; close the quote or double it ("")'


def test_unterminated_quote_strict_read_raises(tmp_path) -> None:
    p = tmp_path / SETTINGS
    p.write_bytes(b'Name\tValue\nA\t"open\nB\t2\n')
    with pytest.raises(ManifestStructureError) as exc:
        read_manifest(p)
    assert exc.value.exit_code == 2
    assert [(f.line, f.rule) for f in exc.value.problems] == [(2, "unterminated_quote")]
    assert str(exc.value) == (f"{p}: line 2: a quoted field opened on this line is never closed; close the quote "
                              'or double it ("") (fix the file, or run omm validate to list every problem)')


# --- empty cells --------------------------------------------------------------------------------

def test_empty_cells_are_null(tmp_path) -> None:
    m = read_both(tmp_path, b"ProductNumber\tProductName\tProductType\tColor\n1\t\tStandalone\t\n",
                  name="products.tsv")
    assert m.frame.rows() == [("1", None, "Standalone", None)]


def test_quoted_empty_string_is_null_exact_reader(tmp_path) -> None:
    # A ragged row sends the file to the exact reader, which maps "" to null.
    m = read_both(tmp_path, b'Name\tValue\nA\t""\nB\t\nC\n')
    assert rows_lines_problems(m) == ([("A", None), ("B", None)], [2, 3], [(4, "ragged_row")])


def test_quoted_empty_string_is_null_fast_reader(tmp_path) -> None:
    m = read_both(tmp_path, b'Name\tValue\nA\t""\nB\t\n')
    assert m.frame.rows() == [("A", None), ("B", None)]


# --- columns ------------------------------------------------------------------------------------

def test_columns_in_any_order(tmp_path) -> None:
    a = read_both(tmp_path, b"ProductNumber\tProductType\tProductName\n1\tMaster\tJeans\n", name="products.tsv")
    b = read_both(tmp_path, b"ProductName\tProductNumber\tProductType\nJeans\t1\tMaster\n", name="products.tsv")
    assert a.header != b.header
    assert a.frame.select(sorted(a.frame.columns)).equals(b.frame.select(sorted(b.frame.columns)))
    assert manifest_bytes(a) == manifest_bytes(b) == b"ProductNumber\tProductName\tProductType\n1\tJeans\tMaster\n"


def test_unknown_columns_are_kept(tmp_path) -> None:
    m = read_both(tmp_path, b"Zeta\tProductNumber\tX-Note\tProductType\nz\t1\tn\tMaster\n", name="products.tsv")
    assert m.header == ("Zeta", "ProductNumber", "X-Note", "ProductType")
    assert m.unknown_columns == ("Zeta", "X-Note")
    assert m.frame.rows(named=True) == [{"Zeta": "z", "ProductNumber": "1", "X-Note": "n", "ProductType": "Master"}]


def test_optional_columns_may_be_absent(tmp_path) -> None:
    m = read_both(tmp_path, b"ProductNumber\tProductType\n1\tMaster\n", name="products.tsv")
    assert m.frame.columns == ["ProductNumber", "ProductType"]


def test_duplicate_header_column_is_an_error(tmp_path) -> None:
    raw = b"ProductNumber\tColor\tSize\tColor\n1\tBlack\t32\tBlue\n"
    for strict in (True, False):
        with pytest.raises(InputError) as exc:
            read_manifest_bytes(raw, "p.tsv", strict=strict)
        assert exc.value.rule == "duplicate_column"
        assert str(exc.value) == "p.tsv: line 1 names column 'Color' twice (columns 2 and 4) (remove or rename one of them)"


def test_empty_column_name_is_an_error() -> None:
    with pytest.raises(InputError) as exc:
        read_manifest_bytes(b"Name\t\tValue\nA\tB\tC\n", "s.tsv")
    assert exc.value.rule == "empty_column_name"
    assert str(exc.value) == "s.tsv: line 1, column 2 has an empty column name (name every column in the header)"


# --- ragged rows --------------------------------------------------------------------------------

def test_ragged_long_and_short_rows_are_findings_good_rows_kept(tmp_path) -> None:
    raw = b"Name\tValue\nA\t1\nB\t2\textra\nC\nD\t4\n"
    m = read_both(tmp_path, raw)
    assert rows_lines_problems(m) == ([("A", "1"), ("D", "4")], [2, 5], [(3, "ragged_row"), (4, "ragged_row")])
    long, short = m.problems
    assert (long.column, long.value, long.message) == (
        "", "B\t2\textra", "row has 3 fields but the header has 2; check for a missing or extra tab")
    assert (short.column, short.value, short.message) == (
        "", "C", "row has 1 fields but the header has 2; check for a missing or extra tab")


def test_trailing_tab_makes_a_row_ragged(tmp_path) -> None:
    m = read_both(tmp_path, b"Name\tValue\nA\t1\t\nB\t2\n")
    assert rows_lines_problems(m) == ([("B", "2")], [3], [(2, "ragged_row")])


@pytest.mark.parametrize("raw", [b"Name\tValue\nA\t1\nB\t2\t", b"Name\tValue\nA\t1\nB\t2\t\r",
                                 b'Name\tValue\nA\t"1"\nB\t2\t'])
def test_a_trailing_tab_on_a_last_line_without_newline_makes_it_ragged(tmp_path, raw: bytes) -> None:
    # Polars drops that one trailing empty field at the end of a file (nowhere else).
    m = read_both(tmp_path, raw)
    assert rows_lines_problems(m) == ([("A", "1")], [2], [(3, "ragged_row")])


def test_text_after_a_closing_quote_is_never_read_on_across_lines(tmp_path) -> None:
    # Polars would read one row here, its first field running over two lines and a tab.
    m = read_both(tmp_path, b'A\tB\tC\n"open\na\ta\t"x"\nx"\ta\ta')
    assert rows_lines_problems(m) == ([("a", "a", "x"), ('x"', "a", "a")], [3, 4], [(2, "bad_quoting")])


@pytest.mark.parametrize(("raw", "lines"), [
    (b"Name\tValue\tNote\nA\t1\t\nB\t2\n", [2]),  # short by one; the last column has empty cells
    (b"Name\tValue\tNote\nA\t1\t\nB\n", [2]),  # short by two
    (b"Name\tValue\tNote\nA\t1\t\nB\t2", [2]),  # short, and no newline at the end
    # A carriage return holds a byte the read drops: it must not make up for the missing tab.
    (b"Name\tValue\tNote\r\nA\t1\t\r\nB\t2\r\n", [2]),
])
def test_short_rows_found_when_the_last_column_has_empty_cells(tmp_path, raw: bytes, lines: list[int]) -> None:
    m = read_both(tmp_path, raw)
    assert rows_lines_problems(m) == ([("A", "1", None)], lines, [(3, "ragged_row")])


def test_blank_line_among_rows_with_empty_last_cells(tmp_path) -> None:
    m = read_both(tmp_path, b"Name\tValue\tNote\nA\t1\t\n\nB\t2\t\n")
    assert rows_lines_problems(m) == ([("A", "1", None), ("B", "2", None)], [2, 4], [])


@pytest.mark.parametrize("raw", [
    b"Name\tValue\tNote\nA\t1\t\nB\t\t\n",
    b"Name\tValue\tNote\nA\t1\t\nB\t\t",  # no newline at the end
    "Name\tValue\tNote\nÄ\t1\t\nB\t€\t\n".encode(),  # multi-byte characters
])
def test_complete_rows_with_empty_last_cells_read_fast(tmp_path, raw: bytes) -> None:
    from toolkit.tsv.parse import _bytes_add_up

    m = read_both(tmp_path, raw)
    assert not m.problems and m.frame.height == 2 and m.lines is None
    assert _bytes_add_up(raw, m.frame, 3, carriage=False)


def test_ragged_value_is_clipped() -> None:
    m = read_manifest_bytes(("Name\tValue\nA\t" + "x" * 100 + "\tmore\n").encode(), SETTINGS, strict=False)
    (f,) = m.problems
    assert len(f.value) == 60 and f.value.endswith("…")


def test_ragged_strict_read_raises_naming_the_first_problem() -> None:
    with pytest.raises(ManifestStructureError) as exc:
        read_manifest_bytes(b"Name\tValue\nA\nB\t2\t3\n", SETTINGS)
    assert str(exc.value) == ("settings.tsv: line 2: row has 1 fields but the header has 2; check for a missing or "
                              "extra tab (and 1 more) (fix the file, or run omm validate to list every problem)")


# --- empty and header-only files ----------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"", b"\n", b"\r\n\r\n", b"  \t \n"], ids=["zero-bytes", "lf", "crlf", "blanks"])
def test_empty_file(tmp_path, raw: bytes) -> None:
    p = tmp_path / SETTINGS
    p.write_bytes(raw)
    for read in (lambda: read_manifest(p, strict=False), lambda: read_manifest_bytes(raw, str(p), strict=False)):
        with pytest.raises(InputError) as exc:
            read()
        assert exc.value.rule == "empty_file"
        assert str(exc.value) == f"{p}: the file is empty (a manifest needs at least a header row)"


@pytest.mark.parametrize("raw", [b"Name\tValue\n", b"Name\tValue", b"Name\tValue\r\n", b"Name\tValue\n\n\n"])
def test_header_only_file(tmp_path, raw: bytes) -> None:
    m = read_both(tmp_path, raw)
    assert m.kind.name == "settings"
    assert m.header == ("Name", "Value")
    assert m.frame.height == 0 and m.frame.columns == ["Name", "Value"]
    assert m.problems == ()
    assert manifest_bytes(m) == b"Name\tValue\n"


# --- line numbers -------------------------------------------------------------------------------

def test_embedded_newlines_give_later_rows_their_file_line(tmp_path) -> None:
    raw = b'Name\tValue\nA\t"1\n2\n3"\nB\tb\nC\t"x\r\ny"\nD\td\n'
    m = read_both(tmp_path, raw)
    assert m.line_numbers().to_list() == [2, 5, 6, 8]
    assert m.frame.get_column("Name").to_list() == ["A", "B", "C", "D"]


def test_line_numbers_default_when_no_embedded_newlines(tmp_path) -> None:
    m = read_both(tmp_path, b"Name\tValue\nA\t1\nB\t2\nC\t3\n")
    assert m.line_numbers().to_list() == [2, 3, 4]
    assert m.line_numbers().dtype.is_integer()


def test_line_numbers_after_problems_and_embedded_newlines(tmp_path) -> None:
    raw = b'Name\tValue\nA\t"1\n2"\nbroken\nC\t3\n'
    m = read_both(tmp_path, raw)
    assert rows_lines_problems(m) == ([("A", "1\n2"), ("C", "3")], [2, 5], [(4, "ragged_row")])


# --- parse() directly ---------------------------------------------------------------------------

def test_parse_returns_strings_only() -> None:
    p = parse(b"Name\tValue\nA\t007\nB\t1.50\n", "s.tsv")
    assert p.header == ("Name", "Value")
    assert p.frame.schema == pl.Schema({"Name": pl.String, "Value": pl.String})
    assert p.frame.rows() == [("A", "007"), ("B", "1.50")]
    assert p.problems == ()


def test_parse_strips_a_bom() -> None:
    p = parse(b"\xef\xbb\xbfName\tValue\nA\t1\n", "s.tsv")
    assert p.header == ("Name", "Value")


def test_kind_override(tmp_path) -> None:
    m = read_both(tmp_path, b"Source\tDestination\nOUN1\tOUN2\n", name="whatever.tsv", kind="maps")
    assert m.kind.name == "maps"


def test_missing_file_and_directory_are_input_errors(tmp_path) -> None:
    with pytest.raises(InputError) as exc:
        read_manifest(tmp_path / "nope.tsv")
    assert str(exc.value) == f"{tmp_path / 'nope.tsv'}: no such file (check the path)"
    with pytest.raises(InputError) as exc:
        read_manifest(tmp_path)
    assert str(exc.value) == f"{tmp_path} is a directory, not a file (name a .tsv file)"


# -- the fast reader against the exact one ------------------------------------------------------

# Fields as a file may spell them: plain, empty, quoted (with tabs, newlines, doubled quotes, or
# empty), a literal quote inside an unquoted field, and the broken ones (unterminated, text after
# the closing quote).
_GOOD = ["a", "", "b c", '"x"', '"x\ty"', '"x\ny"', '"x""y"', 'a"b', '""', 'x"']
_BROKEN = ['"unterminated', '"a"b', "\t"]


def test_the_fast_reader_never_disagrees_with_the_exact_one() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.tsv.parse import _exact, _fast, has_quoted_fields

    header = ("A", "B", "C")
    good = st.lists(st.sampled_from(_GOOD), min_size=3, max_size=3)
    odd = st.lists(st.sampled_from(_GOOD + _BROKEN), min_size=1, max_size=4)  # ragged or broken
    rows = st.lists(st.one_of(good, good, good, odd), max_size=6)

    taken = []

    @settings(max_examples=400, deadline=None)
    @given(rows, st.booleans(), st.sampled_from(["\n", "\r\n"]))
    def check(rows: list[list[str]], final_newline: bool, ending: str) -> None:
        text = ending.join(["A\tB\tC", *("\t".join(r) for r in rows)]) + (ending if final_newline else "")
        data = text.encode()
        quoted, carriage = has_quoted_fields(data), ending != "\n"
        fast = _fast(data, header, quoted, carriage, None)
        if fast is None:
            return  # the exact reader takes the file: nothing to compare
        taken.append(quoted)
        exact = _exact(data, header, "f")
        assert exact.problems == ()
        # What parse() does to either reader's frame: "" is missing, CR LF inside values is LF.
        same = [pl.all().str.replace_all(r"\r+\n", "\n")]
        frame = fast.frame.with_columns(pl.all().replace("", None)) if quoted else fast.frame
        assert frame.with_columns(same).rows() == exact.frame.with_columns(same).rows()
        lines = fast.lines if fast.lines is not None else pl.Series(range(2, frame.height + 2))
        assert lines.to_list() == exact.lines.to_list()

    check()
    assert taken.count(True) >= 20  # files with quoted fields did take the fast way
