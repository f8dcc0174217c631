"""Keyed, cell-level diff of two manifests (SPEC §6 ``omm diff``).

Every row is reduced to two 64-bit hashes: its key (canonical spelling) and its compared cells.
A full join on the key hash sorts rows into unchanged (equal row hash), candidates (same key,
different hash), added and removed; only candidates and one-sided rows are fetched, spelled
canonically and compared cell by cell. Column order, line endings, encodings and spellings never
show up as differences, because hashes that differ for those reasons compare equal once canonical.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from toolkit.errors import InputError, UsageError
from toolkit.keys import first_duplicate
from toolkit.kinds import Kind, detect_kind, get_kind

from .result import LINE, DiffSummary, ManifestDiff, in_row_order
from .sides import IDX, Side, empty_side, is_empty, open_side, should_stream, streamable

SEEDS = (0x6F6D6D01, 0x5EED0002, 0x0DD50003)  # another seed only if two keys of one file collide


def diff(old: str | Path, new: str | Path, *, key: Iterable[str] | None = None, ignore: Iterable[str] = (),
         kind: str | None = None, low_memory: bool | None = None, lenient: bool = False) -> ManifestDiff:
    """Diff two manifest files of one kind, keyed by the kind's key (or ``key``).

    ``ignore`` names columns left out of the comparison (timestamps, result columns);
    ``low_memory`` forces (True) or forbids (False) the streaming reader; by default large files stream.
    ``lenient`` lets ``ignore`` name columns the kind does not have (a directory holds many kinds).
    """
    paths = [Path(old), Path(new)]
    for p in paths:
        if not p.is_file():
            raise InputError(f"{p}: no such file", "check the path") if not p.exists() else \
                UsageError(f"{p} is a directory", "diff two files, or two directories with diff_trees")
    if any(is_empty(p) for p in paths):
        a, b = _with_empty(paths, kind)
        return compare(a, b, key=key, ignore=ignore, lenient=lenient)
    stream = should_stream(paths) if low_memory is None else low_memory
    # Both sides must be read the same way; a file the scan cannot read exactly loads whole.
    stream = stream and all(streamable(p) for p in paths)
    a = open_side(str(old), kind, stream)
    b = open_side(str(new), kind, stream)
    return compare(a, b, key=key, ignore=ignore, lenient=lenient)


def _with_empty(paths: list[Path], kind: str | None) -> tuple[Side, Side]:
    """An empty file diffs as a manifest with no rows (so ``omm diff /dev/null new.tsv`` lists all)."""
    full = [p for p in paths if not is_empty(p)]
    if not full:
        k = get_kind(kind or detect_kind([], paths[1]))
        return empty_side(str(paths[0]), k), empty_side(str(paths[1]), k)
    side = open_side(str(full[0]), kind, stream=False)
    empty = empty_side(str(paths[0] if full[0] == paths[1] else paths[1]), side)
    return (empty, side) if full[0] == paths[1] else (side, empty)


def compare(a: Side, b: Side, *, key: Iterable[str] | None = None, ignore: Iterable[str] = (),
            lenient: bool = False) -> ManifestDiff:
    """Diff two opened sides (see :func:`diff`)."""
    if type(a) is not type(b):
        raise TypeError("both sides of a diff must be read the same way (their hashes must agree)")
    if a.kind.name != b.kind.name:
        raise UsageError(f"{a.path} is a {a.kind.name} manifest but {b.path} is a {b.kind.name} manifest",
                         "diff two manifests of one kind, or pass --kind")
    union = b.header + tuple(c for c in a.header if c not in b.header)
    keys = _key(a.kind, union, key)
    ignored = _ignored(a.kind, union, keys, ignore, lenient)
    compared = tuple(c for c in union if c not in ignored)
    ha, hb = _hashes(a, b, union, keys, compared)
    same, cand, gone, came = _classify(ha, hb)
    # One fetch per side (a streamed side rescans its file for each fetch): candidates, then one-sided rows.
    n = cand.height
    old_rows = a.rows(pl.concat([cand.get_column(IDX), gone]), union)
    new_rows = b.rows(pl.concat([cand.get_column(f"{IDX}_new"), came]), union)
    before, after = old_rows.head(n), new_rows.head(n)
    differs = _differs(before, after, compared)
    moved = ~_equal(before, after, keys)  # two keys whose hashes collided across the files
    changed = differs & ~moved
    added = pl.concat([new_rows.slice(n), after.filter(moved)])
    removed = pl.concat([old_rows.slice(n), before.filter(moved)])
    summary = DiffSummary(
        added=added.height, removed=removed.height, changed=int(changed.sum()),
        unchanged=same + int((~differs & ~moved).sum()),
        columns_added=tuple(c for c in b.header if c not in a.header),
        columns_removed=tuple(c for c in a.header if c not in b.header),
    )

    def order(frame: pl.DataFrame) -> pl.DataFrame:
        return in_row_order(frame, a.kind.name, keys)

    pair = pl.concat([before.filter(changed), after.filter(changed).rename(lambda c: f"{c}\x00new")],
                     how="horizontal")
    pair = order(pair)
    return ManifestDiff(
        kind=a.kind.name, key=keys, old=a.path, new=b.path, columns=union, ignored=ignored, summary=summary,
        added=order(added), removed=order(removed), before=pair.select(*union, LINE),
        after=pair.select(pl.col(f"{c}\x00new").alias(c) for c in (*union, LINE)),
    )


def _classify(ha: pl.DataFrame, hb: pl.DataFrame) -> tuple[int, pl.DataFrame, pl.Series, pl.Series]:
    """Unchanged count, candidate pairs (same key, other cells), OLD rows gone, NEW rows come."""
    new = f"{IDX}_new"
    # The lazy join runs partitioned over every core: about twice the eager one's speed.
    joined = ha.lazy().join(hb.lazy(), on="k", how="full", coalesce=True, suffix="_new").filter(
        pl.col(IDX).is_null() | pl.col(new).is_null() | (pl.col("r") != pl.col("r_new"))
    ).select(IDX, new).collect()
    both = pl.col(IDX).is_not_null() & pl.col(new).is_not_null()
    cand = joined.filter(both)
    same = ha.height - cand.height - joined.get_column(new).null_count()
    return (same, cand, joined.filter(pl.col(new).is_null()).get_column(IDX),
            joined.filter(pl.col(IDX).is_null()).get_column(new))


def _hashes(a: Side, b: Side, union: tuple[str, ...], keys: tuple[str, ...], compared: tuple[str, ...]
            ) -> tuple[pl.DataFrame, pl.DataFrame]:
    for seed in SEEDS:
        ha = _respell(a, a.hashes(union, keys, compared, seed), union, keys, seed)
        hb = _respell(b, b.hashes(union, keys, compared, seed), union, keys, seed)
        if not (_collides(a, ha, union, keys) or _collides(b, hb, union, keys)):
            return ha, hb
    raise InputError("cannot key the rows: hashes of different keys keep colliding",  # never seen in practice
                     "pass --key with more columns")


def _respell(side: Side, hashes: pl.DataFrame, union: tuple[str, ...], keys: tuple[str, ...], seed: int
             ) -> pl.DataFrame:
    """Rows whose key is not spelled canonically get the hash of their canonical key."""
    dirty = hashes.filter(~pl.col("clean")).get_column(IDX)
    if dirty.len():
        fixed = pl.DataFrame([dirty.alias(IDX), side.key_hashes(side.rows(dirty, union), keys, seed)])
        hashes = hashes.update(fixed, on=IDX)
    return hashes.drop("clean")


def _collides(side: Side, hashes: pl.DataFrame, union: tuple[str, ...], keys: tuple[str, ...]) -> bool:
    """Raise on real duplicate keys; True when equal hashes hide different keys (retry another seed)."""
    if hashes.get_column("k").n_unique() == hashes.height:
        return False
    dup = hashes.filter(pl.col("k").is_duplicated())
    found = first_duplicate(side.rows(dup.get_column(IDX), union), keys, LINE)
    if found is None:
        return True
    shown = ", ".join(f"{k}={'' if v is None else v}" for k, v in found.values.items())
    lines = found.lines
    where = " and ".join(str(n) for n in lines[:2]) + (f" (and {len(lines) - 2} more)" if len(lines) > 2 else "")
    more = f"; {found.others} more keys are duplicated" if found.others else ""
    raise InputError(f"{side.path}: duplicate key ({shown}) on lines {where}{more}",
                     "make each key unique, or pass --key with columns that identify one row",
                     rule="duplicate_key")


def _differs(before: pl.DataFrame, after: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
    if not before.height:
        return pl.Series(dtype=pl.Boolean)
    return ~_equal(before, after, columns)


def _equal(before: pl.DataFrame, after: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
    if not before.height:
        return pl.Series(dtype=pl.Boolean)
    return pl.DataFrame([before.get_column(c).eq_missing(after.get_column(c)).alias(c) for c in columns]
                        ).select(pl.all_horizontal(pl.all())).to_series()


def _key(kind: Kind, union: tuple[str, ...], key: Iterable[str] | None) -> tuple[str, ...]:
    if key is None:
        # A key column neither file has is empty on both sides: it tells no rows apart.
        return tuple(k for k in kind.key if k in union) or kind.key
    keys = tuple(dict.fromkeys(k.strip() for k in key if k.strip()))
    unknown = [k for k in keys if k not in union]
    if not keys or unknown:
        raise UsageError(f"--key names {', '.join(unknown) or 'no column'}, which neither file has",
                         f"use columns of the files: {', '.join(union)}")
    return keys


def _ignored(kind: Kind, union: tuple[str, ...], keys: tuple[str, ...], ignore: Iterable[str], lenient: bool
             ) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(i.strip() for i in ignore if i.strip()))
    unknown = [] if lenient else [n for n in names if n not in union and kind.column(n) is None]
    if unknown:
        raise UsageError(f"--ignore names {', '.join(unknown)}, which is not a column of {kind.name} manifests",
                         f"use columns of the files: {', '.join(union)}")
    if clash := [n for n in names if n in keys and not lenient]:
        raise UsageError(f"--ignore names key column {', '.join(clash)}", "a key column cannot be ignored")
    return tuple(n for n in names if n in union and n not in keys)
