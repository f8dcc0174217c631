"""What a copy reads of a tenant, and a signature that tells whether it changed since.

The source is read under its writer lock (after finishing any change a killed writer left), so
its media and assignments are one consistent state; the lock is released before the destination's
is taken, so two copies in opposite directions can never wait for each other. The destination is
read without its lock to plan; under the lock the job compares the signature (inode, size and
modification time of every file the plan read) and plans again if anything changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from schemas.patterns import ASSIGNMENT_STATE
from toolkit.errors import WorkspaceError
from toolkit.kinds import get_kind
from toolkit.workspace import Tenant

MEDIA = "cms/media.tsv"
SETS = "cms/assignments.tsv"
CHANNELS = "channels.tsv"
SETTINGS = "settings.tsv"
PRODUCTS = "hq/products.tsv"
CATEGORIES = "hq/categories.tsv"
MEDIA_HISTORY = "cms/history/media.tsv"
SETS_HISTORY = "cms/history/assignments.tsv"
BLOBS = "cms/blobs"
_KINDS = {MEDIA: "assets", SETS: "assignments", CHANNELS: "channels", PRODUCTS: "products",
          CATEGORIES: "categories"}
# The files a plan depends on; the histories too, since the job appends to them.
WATCHED = (MEDIA, SETS, CHANNELS, SETTINGS, PRODUCTS, CATEGORIES, MEDIA_HISTORY, SETS_HISTORY)
STATE = {"assets": "MediaState", "assignments": ASSIGNMENT_STATE}

# on_progress(phase, done, total): "read" counts bytes of manifests read, "binaries" the binaries
# staged, "write" the rows of manifests staged. The library never prints; the CLI draws bars.
Progress = Callable[[str, int, int], None]
Signature = tuple[tuple[str, int, int, int] | None, ...]


@dataclass(frozen=True)
class Snapshot:
    """The manifests of one tenant that a copy reads, as frames of canonical strings."""

    tenant: Tenant
    media: pl.DataFrame = field(repr=False)
    sets: pl.DataFrame = field(repr=False)
    channels: pl.DataFrame = field(repr=False)
    products: pl.DataFrame = field(repr=False)
    categories: pl.DataFrame = field(repr=False)
    base_url: str | None
    signature: Signature


def signature(root: Path) -> Signature:
    """(path, inode, size, mtime) of every watched file (None when absent): files are replaced by
    rename, so any committed change gives another signature."""
    out: list[tuple[str, int, int, int] | None] = []
    for rel in WATCHED:
        try:
            st = os.stat(root / rel)
        except FileNotFoundError:
            out.append(None)
            continue
        out.append((rel, st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c in get_kind(kind).column_names})


def _read(t: Tenant, rel: str, required: bool) -> pl.DataFrame:
    from toolkit.tsv import read_manifest

    path = t.path(rel)
    if not path.is_file():
        if required:
            raise WorkspaceError(f"tenant {t.id} has no {rel}",
                                 "restore it, or import one with omm import --tenant " + t.id)
        return _empty(_KINDS[rel])
    return read_manifest(path, _KINDS[rel]).frame


def _with_state(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    # A store row without a state is a published one (the state column is the store's addition).
    col = STATE[kind]
    if col not in frame.columns:
        return frame.with_columns(pl.lit("Published").alias(col))
    return frame


def _base_url(t: Tenant) -> str | None:
    from toolkit.tenants import read_settings

    if not t.path(SETTINGS).is_file():
        return None
    value = read_settings(t).get("CmsBaseUrl")
    return value.rstrip("/") if value else None


def read_snapshot(t: Tenant, *, catalog: bool, on_progress: Progress | None = None) -> Snapshot:
    """Read tenant ``t`` (the catalog only when ``catalog``: the destination's is checked against)."""
    sig = signature(t.root)
    sizes = [s[2] if s else 0 for s in sig]
    total, done = sum(sizes[:6]), 0

    def read(rel: str, required: bool, wanted: bool = True) -> pl.DataFrame:
        nonlocal done
        frame = _read(t, rel, required) if wanted else _empty(_KINDS[rel])
        done += sizes[WATCHED.index(rel)]
        if on_progress is not None:
            on_progress("read", done, total)
        return frame

    media = _with_state(read(MEDIA, False), "assets")
    sets = _with_state(read(SETS, False), "assignments")
    channels = read(CHANNELS, True)
    products, categories = read(PRODUCTS, False, catalog), read(CATEGORIES, False, catalog)
    return Snapshot(t, media, sets, channels, products, categories, _base_url(t), sig)


def read_source(t: Tenant, *, wait: float = 0, on_progress: Progress | None = None) -> Snapshot:
    """The source tenant, read under its writer lock (one consistent state), the lock then released."""
    from toolkit.store import recover, tenant_lock

    with tenant_lock(t.root, t.id, wait=wait, command="omm copy (reading the source)"):
        recover(t.root)  # a change a killed writer committed is finished before it is read
        return read_snapshot(t, catalog=False, on_progress=on_progress)


def list_blobs(root: Path) -> pl.Series:
    """The checksums of the binaries stored in ``cms/blobs/ab/<sha256>`` (one directory listing per prefix)."""
    names: list[str] = []
    base = root / BLOBS
    if base.is_dir():
        for prefix in os.scandir(base):
            if prefix.is_dir(follow_symlinks=False) and len(prefix.name) == 2:
                names += [e.name for e in os.scandir(prefix.path) if e.name.startswith(prefix.name)]
    return pl.Series("MediaChecksum", names, dtype=pl.String)
