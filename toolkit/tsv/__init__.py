"""The one TSV I/O module every command uses (SPEC §3).

``read_manifest`` decodes (UTF-8 with or without BOM, UTF-16 with BOM), parses (quotes, CRLF,
ragged rows), detects the kind and canonicalizes tokens; ``write_manifest`` writes canonical,
deterministic bytes atomically. Unknown columns ride along untouched.
"""

from __future__ import annotations

import codecs
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl

from toolkit.errors import InputError, ManifestStructureError
from toolkit.findings import Finding
from toolkit.kinds import Kind, detect_kind, get_kind
from toolkit.tokens import canonicalize
from toolkit.tsv.decode import Decoded, decode, looks_utf16_without_bom
from toolkit.tsv.parse import Parsed, mapped, parse
from toolkit.tsv.write import ENCODINGS, atomic_write, canonical_frame, column_order, to_bytes

__all__ = ["ENCODINGS", "Manifest", "atomic_write", "canonical_frame", "column_order", "manifest_bytes",
           "read_manifest", "read_manifest_bytes", "reading", "write_manifest"]


@dataclass(frozen=True)
class Manifest:
    """A manifest as read: canonical values as strings, all columns in file order."""

    path: str
    kind: Kind
    frame: pl.DataFrame
    header: tuple[str, ...]
    lines: pl.Series | None
    encoding: str
    problems: tuple[Finding, ...]
    clean_columns: frozenset[str] = frozenset()  # columns already known to pass their format check
    raw: pl.DataFrame | None = None  # values as written in the file, before canonical spelling

    def written(self, column: str, rows: pl.Series) -> pl.Series:
        """The values of ``column`` at ``rows`` as the file wrote them (for error messages)."""
        source = self.raw if self.raw is not None and column in self.raw.columns else self.frame
        return source.get_column(column).gather(rows)

    @property
    def unknown_columns(self) -> tuple[str, ...]:
        known = set(self.kind.column_names)
        return tuple(c for c in self.header if c not in known)

    def line_numbers(self) -> pl.Series:
        """The file line each row starts on (the header is line 1)."""
        if self.lines is not None:
            return self.lines
        return pl.int_range(2, self.frame.height + 2, eager=True).alias("line")


def read_manifest_bytes(raw: bytes, name: str, kind: str | None = None, *, strict: bool = True,
                        canonical: Collection[str] | None = None) -> Manifest:
    """Read manifest bytes; ``name`` is used in messages and for kind detection."""
    decoded = decode(raw, name)
    return _finish(parse(decoded.data, name), decoded, name, kind, strict, canonical)


def _finish(parsed: Parsed, decoded: Decoded, name: str, kind: str | None, strict: bool,
            canonical: Collection[str] | None = None) -> Manifest:
    problems = tuple(sorted(decoded.problems + parsed.problems))
    if strict and problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ManifestStructureError(f"{first.file}: line {first.line}: {first.message}{more}",
                                     "fix the file, or run omm validate to list every problem", problems)
    k = get_kind(kind or detect_kind(parsed.header, name))
    frame, clean = canonicalize(parsed.frame, k, canonical)
    return Manifest(name, k, frame, parsed.header, parsed.lines, decoded.encoding, problems, clean, parsed.frame)


@contextmanager
def reading(path: Path, label: str | None = None, *, missing: str = "check the path",
            directory: str = "name a .tsv file") -> Iterator[None]:
    """Turn the OS errors of reading ``path`` into one-line InputErrors (exit 2) that name it
    (as ``label``, e.g. "--listing x.txt") and say what to do."""
    name = label or str(path)
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{name}: no such file", missing) from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory, not a file", directory) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})", "check the path and its permissions") from None


def read_manifest(path: str | Path, kind: str | None = None, *, strict: bool = True,
                  canonical: Collection[str] | None = None) -> Manifest:
    """Read a manifest file. With ``strict`` a structurally broken file raises; otherwise its
    broken lines are left out and listed in ``Manifest.problems``. ``canonical`` limits the
    canonical spelling to those columns (the rest stay as written), for callers such as diff
    that canonicalize the few rows they look at."""
    p = Path(path)
    with reading(p):
        with p.open("rb") as fh:
            head = fh.read(4)
            if len(head) == 0 or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(fh, head):
                return read_manifest_bytes(head + fh.read(), str(path), kind, strict=strict, canonical=canonical)
            # Plain UTF-8: map the file for the byte checks and let Polars read it from disk.
            with mapped(fh) as mm:
                decoded = Decoded(b"", "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", ())
                return _finish(parse(mm, str(path), source=str(p)), decoded, str(path), kind, strict, canonical)


def _looks_utf16(fh: BinaryIO, head: bytes) -> bool:
    sample = head + fh.read(4092)
    fh.seek(len(head))
    return looks_utf16_without_bom(sample)


def manifest_bytes(data: Manifest | pl.DataFrame, kind: str | Kind | None = None, encoding: str = "utf-8", *,
                   sort: bool = True) -> bytes:
    """Canonical bytes of a manifest or of a frame of canonical string values (rows in key order
    unless ``sort`` is False)."""
    frame, k = _frame_and_kind(data, kind)
    return to_bytes(frame, k, encoding, sort=sort)


def write_manifest(data: Manifest | pl.DataFrame, path: str | Path, kind: str | Kind | None = None,
                   encoding: str = "utf-8") -> bool:
    """Write canonically and atomically; returns False (and writes nothing) when the bytes are already there."""
    out = manifest_bytes(data, kind, encoding)
    p = Path(path)
    if p.is_file() and p.read_bytes() == out:
        return False
    atomic_write(p, out)
    return True


def _frame_and_kind(data: Manifest | pl.DataFrame, kind: str | Kind | None) -> tuple[pl.DataFrame, Kind]:
    if isinstance(data, Manifest):
        return data.frame, data.kind if kind is None else (kind if isinstance(kind, Kind) else get_kind(kind))
    if kind is None:
        return data, get_kind(detect_kind(data.columns))
    return data, kind if isinstance(kind, Kind) else get_kind(kind)
