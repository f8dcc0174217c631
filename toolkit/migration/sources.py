"""The legacy paths to migrate: a listing file (one path a line) or a directory walked.

Paths come out relative to the media directory, with ``/`` separators (a listing written on
Windows may use ``\\``), without a leading ``./``. A listing may be UTF-8 (with or without BOM)
or UTF-16 with BOM (what PowerShell's ``dir -Name -Recurse > listing.txt`` writes); blank lines
are skipped, surrounding whitespace is trimmed. A path listed twice is kept once and the repeat
reported (``duplicate_path``), so nothing disappears without a word.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import polars as pl

from toolkit.errors import InputError, UsageError
from toolkit.tsv import reading

PATH = "Path"


def read_listing(listing: str | os.PathLike[str]) -> pl.DataFrame:
    """The paths of a listing file, normalized (see the module doc), in listing order."""
    p = Path(listing)
    with reading(p, f"--listing {p}", missing="give a text file with one legacy path a line",
                 directory="give the directory with --media-dir instead"):
        raw = p.read_bytes()
    lines = pl.Series(PATH, _decode(raw, p).splitlines(), dtype=pl.String)
    return normalize(lines.str.strip_chars().to_frame().filter(pl.col(PATH) != ""))


def _decode(raw: bytes, p: Path) -> str:
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"--listing {p}: not UTF-8 or UTF-16 text (byte {exc.start})",
                         "save the listing as UTF-8", rule="encoding") from None


def walk(media_dir: str | os.PathLike[str]) -> pl.DataFrame:
    """Every file under ``media_dir`` (hidden files too; links followed, except back up the tree), as
    paths relative to it, sorted."""
    root = Path(media_dir)
    if not root.is_dir():
        raise UsageError(f"--media-dir {root}: no such directory", "give the directory that holds Products/ "
                         "and Categories/ (or the {LanguageId}/ folders)")
    found: list[str] = []
    for folder, dirs, names in os.walk(root, onerror=_raise, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not _loops(folder, d))
        base = Path(folder).relative_to(root)
        found += [(base / n).as_posix() for n in sorted(names)]
    return normalize(pl.Series(PATH, found, dtype=pl.String).to_frame())


def _loops(folder: str, name: str) -> bool:
    """A link to ``folder`` itself or to one of its ancestors would be walked forever."""
    here, there = os.path.realpath(folder), os.path.realpath(os.path.join(folder, name))
    return os.path.commonpath([here, there]) == there


def _raise(exc: OSError) -> None:
    raise InputError(f"cannot read {exc.filename} ({exc.strerror})", "check the permissions of the media directory")


def normalize(frame: pl.DataFrame) -> pl.DataFrame:
    """``\\`` → ``/``, no leading ``./``, repeated slashes collapsed; ``Seen`` counts earlier
    occurrences of the same path (0 for the first)."""
    path = pl.col(PATH).str.replace_all("\\", "/", literal=True).str.replace_all("/{2,}", "/")
    path = path.str.replace(r"^(\./)+", "")
    return frame.select(path.alias(PATH)).with_columns(
        Seen=pl.int_range(pl.len()).over(PATH).cast(pl.Int64), Order=pl.int_range(pl.len()).cast(pl.Int64))
