"""Reading legacy paths: listing files in the encodings Windows tools write, and directory walks."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from toolkit.errors import InputError, UsageError
from toolkit.migration.sources import read_listing, walk

LINES = ["Products\\1001_000_001.png", "", "  en-us/Products/93039_000_001.png  ", "./Categories/Tops.png",
         "Products/1001_000_001.png"]
EXPECTED = [("Products/1001_000_001.png", 0, 0), ("en-us/Products/93039_000_001.png", 0, 1),
            ("Categories/Tops.png", 0, 2), ("Products/1001_000_001.png", 1, 3)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "crlf"])
def test_listing_encodings(tmp_path: Path, encoding: str) -> None:
    text = ("\r\n" if encoding == "crlf" else "\n").join(LINES) + "\n"
    raw = {"utf-8": text.encode(), "crlf": text.encode(), "utf-8-bom": codecs.BOM_UTF8 + text.encode(),
           "utf-16-le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
           "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be")}[encoding]
    (tmp_path / "listing.txt").write_bytes(raw)
    assert read_listing(tmp_path / "listing.txt").rows() == EXPECTED


def test_walk_lists_every_file_relative_and_sorted(tmp_path: Path) -> None:
    for rel in ("Products/b_000_001.png", "Products/a ^  ^ S ^ Red ^_000_001.png", "en-us/Categories/Tops.png",
                ".DS_Store", "Products/.hidden"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "fr-fr").symlink_to(tmp_path / "en-us", target_is_directory=True)  # a linked folder is walked
    (tmp_path / "Products" / "loop").symlink_to(tmp_path / "Products", target_is_directory=True)  # not forever
    assert walk(tmp_path).get_column("Path").to_list() == [
        ".DS_Store", "Products/.hidden", "Products/a ^  ^ S ^ Red ^_000_001.png", "Products/b_000_001.png",
        "en-us/Categories/Tops.png", "fr-fr/Categories/Tops.png"]


def test_bad_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--listing .*nope.txt: no such file \(give a text file"):
        read_listing(tmp_path / "nope.txt")
    with pytest.raises(InputError, match=r"is a directory, not a file \(give the directory with --media-dir instead\)"):
        read_listing(tmp_path)
    with pytest.raises(UsageError, match=r"--media-dir .*nope: no such directory"):
        walk(tmp_path / "nope")
    (tmp_path / "latin1.txt").write_bytes("Products/Caf\xe9_000_001.png\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"not UTF-8 or UTF-16 text \(byte 12\) \(save the listing as UTF-8\)"):
        read_listing(tmp_path / "latin1.txt")
