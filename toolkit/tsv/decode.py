"""Bytes → UTF-8 text bytes: BOMs, UTF-16 LE/BE, and precise errors for anything else."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from toolkit.errors import InputError
from toolkit.findings import Finding


@dataclass(frozen=True)
class Decoded:
    data: bytes  # UTF-8 without BOM (not yet checked for validity)
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be
    problems: tuple[Finding, ...]


def looks_utf16_without_bom(raw: bytes) -> bool:
    sample = raw[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


def utf8_problems(raw: bytes, file: str, header: tuple[str, ...] = ()) -> tuple[bytes, tuple[Finding, ...]]:
    """Blank out each line that is not valid UTF-8 and say where it was.

    Only called once a fast read has failed, so a loop over lines is acceptable here.
    """
    try:
        raw.decode("utf-8")
        return raw, ()
    except UnicodeDecodeError:
        pass
    kept: list[bytes] = []
    problems: list[Finding] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = line[exc.start:exc.end].hex(" ")
            field = line[:exc.start].count(b"\t")
            column = header[field] if field < len(header) else ""
            problems.append(Finding(file, number, column, "encoding", f"0x{bad}",
                                    f"invalid UTF-8 (byte {bad} at byte {exc.start + 1} of the line); "
                                    "save the file as UTF-8 or as UTF-16 with BOM"))
            line = b""  # keep line numbering; the parser drops the blank line
        kept.append(line)
    return b"\n".join(kept), tuple(problems)


def decode(raw: bytes, file: str) -> Decoded:
    """Normalize ``raw`` to UTF-8; invalid lines become findings, not a crash."""
    if raw.startswith(codecs.BOM_UTF8):
        body, encoding = raw[len(codecs.BOM_UTF8):], "utf-8-sig"
    elif raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16-le" if raw.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            return Decoded(raw[2:].decode(encoding).encode("utf-8"), encoding, ())
        except UnicodeDecodeError as exc:
            raise InputError(f"{file}: invalid {encoding.upper()} at byte {exc.start + 2}",
                             "re-save the file as UTF-8 or as UTF-16 with BOM", rule="encoding") from None
    elif looks_utf16_without_bom(raw):
        raise InputError(f"{file}: looks like UTF-16 without a byte-order mark",
                         "re-save it as UTF-8, or as UTF-16 with BOM (\"Unicode text\")", rule="encoding")
    else:
        body, encoding = raw, "utf-8"
    # UTF-8 validity is checked by the parser (Polars validates as it reads), not here.
    return Decoded(body, encoding, ())
