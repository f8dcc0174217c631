"""Incremental sync's memory: ``hq/.sync-state`` (JSON), written with the outputs it describes.

Sync writes its outputs in **chunks** of catalog entities (products and categories in
ProductNumber order, :data:`CHUNK_ENTITIES` a chunk). The state records, per chunk, the first
entity (the chunk boundaries), a hash of every input its rows depend on, and where its rows are
in each output file (byte offset, length, rows); and, per output file, its digest and size.

The next incremental sync hashes the inputs again and recomputes only the chunks whose hash
changed; the others' bytes are copied from the previous files, which is safe only because those
files are checked to be exactly what the state describes: by digest, or by the size and
modification time sync gave the file (``State.stamps``), as make and rsync decide. An entity's
hash covers its catalog row, its entity ladder (own → matrix cell → master, as keys), and for
each entity on it every set in the tier — place, version, and each item with its asset's URL,
alt text and type. Anything else
that could change the output (the channels and their locales, the files written, the engine and
Polars versions) is in the ``config`` fingerprint: a different one means a full sync. A new or
removed entity changes its chunk's hash (the hash lists the chunk's entities). Boundaries are kept
between incremental syncs; ``--full`` draws them afresh.

Hashes are Polars' 64-bit hashes (stable within a Polars version, which is in the fingerprint).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from toolkit.resolution.engine import ITEM_COLUMNS, SET_COLUMNS, Index
from toolkit.store.digests import recorded

FORMAT = "omm-sync-state/2"
READABLE = ("omm-sync-state/1", FORMAT)  # /1 recorded bare SHA-256 hex as "sha256"
ENGINE_VERSION = "2"  # 2: entity hashes by hash_rows and list hashes (not comparable with 1)
CHUNK_ENTITIES = 5000


@dataclass(frozen=True)
class Span:
    offset: int
    length: int
    rows: int


@dataclass(frozen=True)
class Chunk:
    first: str  # the first ProductNumber of the chunk (the first chunk also takes anything before it)
    hash: str
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass(frozen=True)
class State:
    config: str
    files: dict[str, tuple[str, int]]  # path → (digest, size), as toolkit.store.digests writes them
    chunks: tuple[Chunk, ...]
    # path → modification time (ns) of the file as sync wrote it (a rename keeps it): a file with
    # that size and time is taken to hold the recorded bytes without hashing gigabytes again, as
    # make and rsync decide; any other file is hashed. Absent for states written before it existed.
    stamps: dict[str, int] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        """Deterministic JSON, one chunk a line (so two states diff readably)."""
        head = {"format": FORMAT, "config": self.config,
                "files": {p: {"digest": d, "size": n, **({"mtime_ns": self.stamps[p]} if p in self.stamps else {})}
                          for p, (d, n) in sorted(self.files.items())}}
        chunks = [json.dumps({"first": c.first, "hash": c.hash,
                              "spans": {p: [s.offset, s.length, s.rows] for p, s in sorted(c.spans.items())}},
                             sort_keys=True, ensure_ascii=False) for c in self.chunks]
        text = json.dumps(head, sort_keys=True, ensure_ascii=False)[:-1] + ', "chunks": [\n' + ",\n".join(chunks)
        return (text + "\n]}\n").encode("utf-8")


def read_state(path: Path | None) -> State | None:
    """The state at ``path``; None when absent or not a state this version can use (a full sync follows)."""
    if path is None:
        return None
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") not in READABLE:
            return None
        files = {p: (recorded(f.get("digest", f.get("sha256"))), int(f["size"])) for p, f in body["files"].items()}
        stamps = {p: int(f["mtime_ns"]) for p, f in body["files"].items() if "mtime_ns" in f}
        chunks = tuple(Chunk(c["first"], c["hash"], {p: Span(*map(int, s)) for p, s in c["spans"].items()})
                       for c in body["chunks"])
        return State(body["config"], files, chunks, stamps)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def fingerprint(index: Index, files: list[str]) -> str:
    """What, besides the per-entity inputs, the outputs depend on (module doc)."""
    body = {"engine": ENGINE_VERSION, "polars": pl.__version__, "tier": index.inputs.tier, "files": files,
            "targets": index.targets.select("tc", "tl").rows()}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _in_order(col: str) -> pl.Expr:
    """In an aggregation: one hash of the group's values in their order (a list hashes element by
    element), about ten times cheaper than joining them as text."""
    return pl.col(col).implode().hash()


def _row_hash(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    return frame.select(columns).hash_rows()  # twice as fast as hashing a struct of the columns


def _entity_level_hashes(index: Index) -> pl.DataFrame:
    """(EntityType, EntityKeyValue, h): every set of the entity, with its items, as one hash."""
    items = (index.items.with_columns(h=_row_hash(index.items, ITEM_COLUMNS))
             .group_by("set_id", maintain_order=True).agg(items=_in_order("h")))
    sets = index.sets.join(items, on="set_id", how="left")
    sets = sets.with_columns(h=_row_hash(sets, [*SET_COLUMNS, "SourceVersion", "items"]))
    return sets.sort("set_id").group_by(SET_COLUMNS[:2], maintain_order=True).agg(h=_in_order("h"))


def entity_hashes(index: Index) -> pl.DataFrame:
    """(pid, ProductNumber, h): one hash per catalog entity of everything its rows depend on."""
    levels = _entity_level_hashes(index)
    products = index.inputs.products
    catalog = products.select("ProductNumber").with_columns(row=_row_hash(products, products.columns))
    ladder = (index.candidates.join(levels, on=SET_COLUMNS[:2], how="left")
              .sort("pid", "order", "EntityKeyValue"))
    ladder = (ladder.with_columns(part=_row_hash(ladder, ["order", *SET_COLUMNS[:2], "h"]))
              .group_by("pid", maintain_order=True).agg(ladder=_in_order("part")))
    hashes = index.entities.join(ladder, on="pid", how="left").join(catalog, on="ProductNumber", how="left")
    return hashes.select("pid", "ProductNumber", h=_row_hash(hashes, ["ladder", "row"])).sort("pid")


def chunk_of(entities: pl.DataFrame, firsts: list[str]) -> pl.Series:
    """The chunk index of each entity (sorted by ProductNumber) for chunk boundaries ``firsts``."""
    bounds = pl.Series("b", firsts, dtype=pl.String)
    found = bounds.search_sorted(entities.get_column("ProductNumber"), side="right").cast(pl.Int64) - 1
    return found.clip(lower_bound=0).alias("chunk")


def fresh_boundaries(entities: pl.DataFrame, size: int = CHUNK_ENTITIES) -> list[str]:
    """Chunk boundaries for a full sync: every ``size``-th entity (at least one chunk)."""
    names = entities.get_column("ProductNumber").gather_every(max(size, 1))
    return names.to_list() or [""]


def chunk_hashes(hashes: pl.DataFrame, chunks: pl.Series, count: int) -> list[str]:
    """Per chunk, one hash of its entities and theirs (an empty chunk has a hash too)."""
    per = (hashes.with_columns(chunk=chunks, part=_row_hash(hashes, ["ProductNumber", "h"]))
           .group_by("chunk", maintain_order=True).agg(h=_in_order("part")))
    found = dict(zip(per.get_column("chunk").to_list(), per.get_column("h").to_list(), strict=True))
    return [format(found[i], "016x") if i in found else "empty" for i in range(count)]
