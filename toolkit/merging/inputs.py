"""Reading the sides of a merge and joining them on the key, one row per key.

Every side is read with :func:`toolkit.tsv.read_manifest` (so encodings, CRLF, column order and
token spelling make no difference), checked for one kind and unique keys, widened to the union
of columns (a column a side lacks is nulls there) and full-joined on the key with nulls equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from toolkit.errors import InputError, UsageError
from toolkit.keys import first_duplicate
from toolkit.kinds import Kind
from toolkit.merging.frames import BASE, OURS, THEIRS, cell, line
from toolkit.tsv import Manifest, read_manifest

# The conflict manifest's own columns; a --key column may not take one of these names.
CONFLICT_COLUMNS = ("ConflictId", "Conflict", "Column", "Base", "Ours", "Theirs", "BaseLine", "OursLine",
                    "TheirsLine")
_ROLE = {OURS: "OURS", THEIRS: "THEIRS", BASE: "BASE"}


@dataclass(frozen=True)
class Inputs:
    """The sides of a merge, joined: ``joined`` has the key columns, each side's values under
    :func:`cell` and each side's file line under :func:`line` (null where the side lacks the key)."""

    kind: Kind
    key: tuple[str, ...]
    columns: tuple[str, ...]  # the merged manifest's columns: OURS' header, then columns only THEIRS has
    values: tuple[str, ...]  # every non-key column the sides hold (base-only columns are dropped)
    lmo: str | None  # the kind's LastModifiedOn column, when a side has it
    paths: dict[str, str]  # side → path as given
    joined: pl.DataFrame

    @property
    def three_way(self) -> bool:
        return BASE in self.paths


def lmo_column(kind: Kind) -> str | None:
    """The kind's LastModifiedOn column (MediaLastModifiedOn, EntityLastModifiedOn), if it has one."""
    return next((c.name for c in kind.columns if c.name.endswith("LastModifiedOn")), None)


def read_inputs(paths: dict[str, str], kind: str | None, key: Sequence[str] | None) -> Inputs:
    manifests = {side: read_manifest(p, kind) for side, p in paths.items()}
    k = _same_kind(manifests)
    ours, theirs = manifests[OURS].frame.columns, manifests[THEIRS].frame.columns
    columns = (*ours, *(c for c in theirs if c not in ours))
    every = {c for m in manifests.values() for c in m.frame.columns}
    keys = _key(k, key, every)
    values = tuple(c for c in columns if c not in keys)
    frames = [_side(manifests[s], s, keys, values) for s in manifests]
    joined = frames[0]
    for frame in frames[1:]:
        # One row per key over all sides; nulls_equal so an empty key part (Omnichannel) matches.
        joined = joined.join(frame, on=list(keys), how="full", nulls_equal=True, coalesce=True)
    lmo = lmo_column(k)
    return Inputs(k, keys, columns, values, lmo if lmo in values else None, dict(paths), joined)


def _same_kind(manifests: dict[str, Manifest]) -> Kind:
    ours = manifests[OURS]
    for side, m in manifests.items():
        if m.kind.name != ours.kind.name:
            raise InputError(f"{_ROLE[side]} {m.path} is a {m.kind.name} manifest but OURS {ours.path} is "
                             f"{ours.kind.name}", "merge manifests of one kind (or pass --kind if detection is wrong)")
    return ours.kind


def _key(kind: Kind, given: Sequence[str] | None, columns: set[str]) -> tuple[str, ...]:
    if not given:
        return kind.key  # a key column no side has is simply empty everywhere
    key = tuple(dict.fromkeys(given))
    for c in key:
        if c not in columns:
            raise UsageError(f"--key column {c!r} is in none of the inputs",
                             f"name header columns, e.g. {','.join(kind.key)}")
        if c in CONFLICT_COLUMNS:
            raise UsageError(f"--key column {c!r} has the name of a conflict manifest column",
                             "key on other columns")
    return key


def _side(m: Manifest, side: str, key: tuple[str, ...], values: tuple[str, ...]) -> pl.DataFrame:
    """``m``'s rows under the joined names, with every key and value column (nulls where absent)."""
    have = set(m.frame.columns)
    frame = m.frame.with_columns(m.line_numbers().cast(pl.Int64).alias(line(side)))
    absent = pl.lit(None, pl.String)
    frame = frame.select(
        *[(pl.col(c).cast(pl.String) if c in have else absent).alias(c) for c in key],
        *[(pl.col(c).cast(pl.String) if c in have else absent).alias(cell(side, c)) for c in values],
        line(side),
    )
    _unique(frame, key, side, m.path)
    return frame


def _unique(frame: pl.DataFrame, key: tuple[str, ...], side: str, path: str) -> None:
    """Refuse a side that holds a key twice: a merge could not tell which row is meant."""
    dup = first_duplicate(frame, key, line(side))
    if dup is None:
        return
    named = ", ".join(f"{c}={v}" for c, v in dup.values.items() if v is not None) or "(all key columns empty)"
    lines = ", ".join(str(n) for n in dup.lines)
    more = f"; {dup.others} more duplicated keys" if dup.others else ""
    raise InputError(f"{_ROLE[side]} {path}: duplicate key {named} on lines {lines}{more}",
                     f"a key must be unique to merge; fix the file (omm validate {path} lists every duplicate)",
                     rule="duplicate_key")


def conflicts_path(out: str | Path) -> Path:
    """Where the conflict manifest of ``out`` goes: ``merged.tsv`` → ``merged.conflicts.tsv``."""
    p = Path(out)
    return p.with_name(f"{p.stem}.conflicts{p.suffix or '.tsv'}")
