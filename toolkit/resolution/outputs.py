"""The files sync writes and how a chunk of flattened rows becomes their bytes (SPEC §2, §3).

- ``hq/media_assignments.tsv``: every flattened row (kind ``flattened``).
- ``csu/<OUN>/media_assignments.tsv``: the rows whose EntityChannel is that channel. They are
  complete: each (channel, locale) row already holds what the ladder found, Omnichannel sets
  included (SourceChannel empty says so), so a channel needs nothing else. Omnichannel rows
  (EntityChannel empty) are HQ's answer for "no channel" and go to no CSU.
- ``search/default_images.tsv``: one row per product, channel (and Omnichannel) and locale that
  has a default image (kind ``default_images``).

Bytes are those of the canonical writer (:func:`toolkit.tsv.manifest_bytes`): chunks of rows
already in canonical order are encoded without a header and appended after one header line, which
gives the same bytes as writing the whole frame at once (a test proves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import polars as pl

from toolkit.resolution.engine import FLATTENED

HQ = "hq/media_assignments.tsv"
SEARCH = "search/default_images.tsv"
CSU_DIR = "csu"
STATE_FILE = "hq/.sync-state"
DEFAULT_IMAGES = ["ProductNumber", "EntityChannel", "EntityLocale", "InternalMediaId", "MediaPublishedURL"]
KIND = {"hq": "flattened", "csu": "flattened", "search": "default_images"}


def csu_file(channel: str) -> str:
    return f"{CSU_DIR}/{channel}/media_assignments.tsv"


@dataclass(frozen=True)
class OutputFile:
    """One file sync writes: its path in the tenant, its part (hq, csu, search) and, for a CSU
    file, its channel."""

    path: str
    part: str
    channel: str = ""

    @property
    def columns(self) -> list[str]:
        return DEFAULT_IMAGES if self.part == "search" else FLATTENED

    def header(self) -> bytes:
        return ("\t".join(self.columns) + "\n").encode("utf-8")

    def select(self, flattened: pl.DataFrame) -> pl.DataFrame:
        """This file's rows of a frame of flattened rows (order kept)."""
        if self.part == "csu":
            return flattened.filter(pl.col("EntityChannel") == self.channel)
        if self.part == "search":
            return flattened.filter(pl.col("IsDefaultImage") == "true").select(DEFAULT_IMAGES)
        return flattened


def output_files(channels: list[str], parts: tuple[str, ...]) -> tuple[OutputFile, ...]:
    """The files of ``parts`` (hq, csu, search) for the tenant's channels, in a fixed order."""
    files: list[OutputFile] = []
    if "hq" in parts:
        files.append(OutputFile(HQ, "hq"))
    if "csu" in parts:
        files += [OutputFile(csu_file(c), "csu", c) for c in sorted(channels)]
    if "search" in parts:
        files.append(OutputFile(SEARCH, "search"))
    return tuple(files)


def write_rows(frame: pl.DataFrame, out: BinaryIO) -> int:
    """Append rows (canonical values, in canonical order, no empty strings: an empty cell is null)
    to ``out`` as manifest lines without a header; returns the bytes written."""
    if frame.height == 0:
        return 0
    start = out.tell()
    frame.write_csv(out, separator="\t", quote_style="necessary", line_terminator="\n", null_value="",
                    include_header=False)
    return out.tell() - start
