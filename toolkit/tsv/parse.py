"""UTF-8 bytes → a frame of strings, with the line each row starts on and structural findings.

The fast path is Polars' CSV reader (quote handling switched off when no field starts with a
quote, which also keeps mid-field quotes literal). It is trusted only when tab and newline counts
prove that every row had exactly the header's number of fields. Anything else — ragged rows,
unterminated quotes, text after a closing quote, blank lines — goes to the exact reader, which
reports each broken line and keeps every good one.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from dataclasses import dataclass
from typing import BinaryIO

import polars as pl

from toolkit.errors import InputError
from toolkit.findings import Finding
from toolkit.tsv.decode import utf8_problems

Buffer = bytes | mmap.mmap


@dataclass(frozen=True)
class Parsed:
    header: tuple[str, ...]
    frame: pl.DataFrame
    lines: pl.Series | None  # start line of each row; None when row i starts on line i + 2
    problems: tuple[Finding, ...]


def read_header(data: bytes, file: str) -> tuple[str, ...]:
    end = data.find(b"\n")
    try:
        first = data[: end if end >= 0 else len(data)].rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{file}: line 1 (the header) is not valid UTF-8",
                         "save the file as UTF-8, or as UTF-16 with BOM", rule="encoding") from None
    names = next(csv.reader([first], delimiter="\t", quotechar='"'), [])
    if not names or names == [""]:
        raise InputError(f"{file}: line 1 is empty; a manifest starts with a header row",
                         "add the header row (omm schema KIND lists the columns)", rule="empty_file")
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name.strip():
            raise InputError(f"{file}: line 1, column {i} has an empty column name", "name every column in the header",
                             rule="empty_column_name")
        if name in seen:
            raise InputError(f"{file}: line 1 names column {name!r} twice (columns {seen[name]} and {i})",
                             "remove or rename one of them", rule="duplicate_column", column=name)
        seen[name] = i
    return tuple(names)


def mapped(fh: BinaryIO) -> mmap.mmap:
    """The file mapped read-only; on Linux with its pages mapped up front (MAP_POPULATE): the byte
    checks touch every page anyway, and one populate costs a fraction of a fault per page."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate and hasattr(mmap, "MAP_SHARED"):
        try:
            return mmap.mmap(fh.fileno(), 0, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ)
        except OSError:
            pass
    return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def ragged_end_of_file(path: str, width: int, tail: int = 1 << 20) -> bool:
    """:meth:`Layout.ragged_end` for a file read from its end, for a reader that never maps it.
    A last line longer than ``tail`` without a newline counts as ragged (it is no manifest row)."""
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - tail))
        end = fh.read(tail)
    if size > tail and not end.endswith(b"\n") and b"\n" not in end:
        return True
    return bool(end) and Layout.of(end).ragged_end(width)


def has_quoted_fields(data: bytes) -> bool:
    """Whether any field starts with a quote (one byte search first: most files have no quote)."""
    if data.find(b'"') < 0:
        return False
    return data[:1] == b'"' or data.find(b'\t"') >= 0 or data.find(b'\n"') >= 0


def count_byte(data: Buffer, byte: bytes, chunk: int = 1 << 24) -> int:
    """Count a byte in bytes or an mmap (which has no count) without copying it whole."""
    return sum(data[i:i + chunk].count(byte) for i in range(0, len(data), chunk))


def count_byte_in_file(path: str, byte: bytes, chunk: int = 1 << 24) -> int:
    """Count a byte in a file read in chunks: unlike a mapping, never counted as resident memory."""
    total = 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            total += block.count(byte)
    return total


def _bytes_add_up(data: Buffer, frame: pl.DataFrame, width: int, carriage: bool) -> bool:
    """Whether an unquoted read accounts for every byte of ``data`` with ``width`` fields a row.

    Without quoting, a row read from a line of m fields holds exactly the line's bytes but its
    m - 1 tabs, and Polars refuses a line of more than ``width`` fields, so the file's size is
    header + cell bytes + sum(m) (tabs and newlines) less one when the last line has no newline.
    That equals header + cell bytes + rows * width only when every m is ``width``: a count of
    the file's tabs, without reading it again. Carriage returns, which Polars drops before a
    newline, leave bytes unaccounted for: with any (``carriage``) this says False and the tabs
    are counted.
    """
    if frame.height == 0 or carriage:
        return False
    cells = frame.select(pl.sum_horizontal(pl.all().str.len_bytes().cast(pl.Int64).sum())).item()
    return Layout.of(data).adds_up(cells, frame.height, width)


@dataclass(frozen=True)
class Layout:
    """What the byte accounting needs of a file, taken while it is mapped, so that the mapping can
    go before a long query reads the file again (two mappings count it twice as resident)."""

    size: int
    header_bytes: int  # through the header's newline; 0 when there is no newline at all
    final_newline: bool
    last_line_tabs: int  # tabs on a last line that has no newline (0 when the file ends with one)

    @classmethod
    def of(cls, data: Buffer) -> Layout:
        final = data[-1:] == b"\n"
        last = b"" if final else data[data.rfind(b"\n") + 1:]
        return cls(len(data), data.find(b"\n") + 1, final, last.count(b"\t"))

    def adds_up(self, cells: int, rows: int, width: int) -> bool:
        """The accounting of :func:`_bytes_add_up`, for any caller that summed the cell bytes
        (e.g. in a streaming query): header + cells + rows × width, less one without a final
        newline. Only sound when the file has no carriage return and the read refused rows too long."""
        return self.header_bytes > 0 and self.size == self.header_bytes + cells + rows * width - (not self.final_newline)

    def ragged_end(self, width: int) -> bool:
        """A last line without a newline and with a field too many: Polars drops a trailing empty
        field there (``a<TAB>b<TAB>`` at the end of the file reads as two fields) where it refuses
        one on any other line, so that line is counted here."""
        return not self.final_newline and self.last_line_tabs > width - 1


# A quoted field: quotes around, doubled inside, then the end of the field, line or file.
_QUOTED_FIELD = re.compile(rb'"[^"]*(?:""[^"]*)*"(?=\t|\r?\n|\Z)')


def _quotes_well_formed(data: Buffer) -> bool:
    """Whether every quote outside a quoted field opens one, closed right before a tab or line end.

    Polars reads quotes other than SPEC §3 does: after ``"a"b`` it reads on, and a quote inside
    an unquoted field (literal, says the SPEC) can open a field for it that runs across tabs and
    lines, with every count still adding up. Files with either go to the exact reader. A quoted
    field is skipped whole, so what it holds is never taken for a field start; one step per
    quoted field: cheap where quotes are rare.
    """
    pos = data.find(b'"')
    while pos >= 0:
        if pos and data[pos - 1:pos] not in (b"\t", b"\n"):
            return False  # a literal quote inside an unquoted field
        field = _QUOTED_FIELD.match(data, pos)
        if field is None:
            return False
        pos = data.find(b'"', field.end())
    return True


def _fast(data: Buffer, header: tuple[str, ...], quoted: bool, carriage: bool, source: str | None) -> Parsed | None:
    try:
        frame = pl.read_csv(source or io.BytesIO(data), separator="\t", has_header=True, infer_schema=False,
                            quote_char='"' if quoted else None, empty_string_is_null=True,
                            truncate_ragged_lines=False, new_columns=list(header))
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError):
        return None
    if frame.width != len(header):
        return None
    if not quoted:
        if Layout.of(data).ragged_end(len(header)):
            return None
        # Polars refuses a row with too many fields; a row with too few has nulls at its end,
        # so the tab count is needed only when the last column has nulls (and, mostly, not even
        # then: see _bytes_add_up).
        if frame.get_column(header[-1]).null_count() == 0 or _bytes_add_up(data, frame, len(header), carriage):
            return Parsed(header, frame, None, ())
        return Parsed(header, frame, None, ()) if count_byte(data, b"\t") == (len(header) - 1) * (frame.height + 1) else None
    if not _quotes_well_formed(data) or (data[-1:] == b"\t" or data[-2:] == b"\t\r"):
        # Polars reads quotes its own way (see _quotes_well_formed); and at the end of a file
        # without a final newline it drops a trailing empty field, which a short row elsewhere
        # would hide from the counts below (a quoted field may span lines: that line is not counted).
        return None
    tabs, newlines = count_byte(data, b"\t"), count_byte(data, b"\n") + (0 if data[-1:] == b"\n" else 1)
    inner_tabs = inner_newlines = 0
    per_row: pl.Series | None = None
    if frame.height:
        counts = frame.select(
            tabs=pl.sum_horizontal(pl.col(c).str.count_matches("\t", literal=True).fill_null(0) for c in header),
            nl=pl.sum_horizontal(pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in header),
        )
        inner_tabs, per_row = int(counts["tabs"].sum()), counts["nl"]
        inner_newlines = int(per_row.sum())
    if tabs != (len(header) - 1) * (frame.height + 1) + inner_tabs:
        return None
    if newlines != frame.height + 1 + inner_newlines:
        return None
    lines = None
    if inner_newlines and per_row is not None:
        lines = (per_row.cum_sum() - per_row + pl.int_range(2, frame.height + 2, eager=True)).alias("line")
    return Parsed(header, frame, lines, ())


class _LineFeed:
    """Feeds lines to ``csv.reader`` and remembers how many it took, so rows know their line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _exact(data: bytes, header: tuple[str, ...], file: str) -> Parsed:
    """The exact reader: every broken line becomes a finding, every good row is kept."""
    lines = io.StringIO(data.decode("utf-8"), newline="").readlines()
    feed = _LineFeed(lines)
    feed.pos = 1  # the header
    rows: list[list[str]] = []
    starts: list[int] = []
    problems: list[Finding] = []
    reader = csv.reader(feed, delimiter="\t", quotechar='"', doublequote=True, strict=True)
    while True:
        start = feed.pos + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_broken(file, start, lines[start - 1], str(exc), header))
            feed.pos = start  # resume on the line after the one that opened the broken row
            reader = csv.reader(feed, delimiter="\t", quotechar='"', doublequote=True, strict=True)
            continue
        if not row or row == [""] and len(header) > 1:
            continue
        if len(row) != len(header):
            problems.append(Finding(file, start, "", "ragged_row", _clip("\t".join(row)),
                                    f"row has {len(row)} fields but the header has {len(header)}; "
                                    "check for a missing or extra tab"))
            continue
        rows.append([v or None for v in row])
        starts.append(start)
    frame = pl.DataFrame(rows, schema={h: pl.String for h in header}, orient="row")
    return Parsed(header, frame, pl.Series("line", starts, dtype=pl.Int64), tuple(problems))


def _clip(text: str, width: int = 60) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def _opening_column(text: str, header: tuple[str, ...]) -> str:
    """The column whose field opens the last quote on the line (the one never closed)."""
    starts = [i for i, ch in enumerate(text) if ch == '"' and (i == 0 or text[i - 1] == "\t")]
    field = text[: starts[-1]].count("\t") if starts else len(header)
    return header[field] if field < len(header) else ""


def _broken(file: str, line: int, text: str, reason: str, header: tuple[str, ...]) -> Finding:
    if "end of data" in reason or "unexpected end" in reason:
        return Finding(file, line, _opening_column(text, header), "unterminated_quote", _clip(text),
                       "a quoted field opened on this line is never closed; close the quote or double it (\"\")")
    return Finding(file, line, "", "bad_quoting", _clip(text),
                   f"malformed quoted field ({reason}); a quote that ends a field must be followed by a tab or line end")


def parse(data: Buffer, file: str, source: str | None = None) -> Parsed:
    """Parse UTF-8 TSV bytes (or an mmap of them); raises :class:`InputError` only when there is
    no usable header. ``source``, the path the bytes came from, lets Polars read the file itself."""
    if data[:3] == b"\xef\xbb\xbf":
        data, source = data[3:], None  # a BOM: parse the bytes after it
    if not re.search(rb"[^\r\n\t ]", data):
        raise InputError(f"{file}: the file is empty", "a manifest needs at least a header row", rule="empty_file")
    header = read_header(data, file)
    quoted, carriage = has_quoted_fields(data), data.find(b"\r") >= 0
    parsed = _fast(data, header, quoted, carriage, source)
    if parsed is None:
        data, bad_lines = utf8_problems(data[:], file, header)
        exact = _exact(data, header, file)
        parsed = Parsed(exact.header, exact.frame, exact.lines, bad_lines + exact.problems)
    elif quoted:
        # Polars keeps a quoted empty field ("") as an empty string; it is a missing value.
        parsed = Parsed(header, parsed.frame.with_columns(pl.all().replace("", None)), parsed.lines, parsed.problems)
    if carriage:
        # Line breaks inside values follow the file's own: CR LF (or a run of CRs before LF) is LF.
        frame = parsed.frame.with_columns(pl.all().str.replace_all(r"\r+\n", "\n"))
        parsed = Parsed(header, frame, parsed.lines, parsed.problems)
    return parsed
