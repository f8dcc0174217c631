"""The copy plan: what is created, replaced, kept and dropped per manifest, and the binaries to copy.

``compute`` is pure: it takes the two tenants' snapshots and the options and returns a frozen
:class:`CopyPlan` (or raises a plan error, exit 2). ``CopyPlan.to_dict()`` is SPEC §6's copy
``--plan`` JSON; ``CopyPlan.table`` is the plan manifest saved as ``jobs/<id>/plan.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from schemas.patterns import SHA256
from toolkit.copying.checks import check_written
from toolkit.copying.incoming import dangling, drop_sets, incoming_media, incoming_sets
from toolkit.copying.mapping import Mapping
from toolkit.copying.options import CopyOptions
from toolkit.copying.snapshot import Signature, Snapshot, list_blobs
from toolkit.copying.units import ASSET_UNITS, SET_UNITS, Decision, decide


@dataclass(frozen=True)
class Counts:
    """Units per action: assets (InternalMediaId + MediaLocale) or assignment sets."""

    create: int = 0
    replace: int = 0
    keep: int = 0
    drop: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"create": self.create, "replace": self.replace, "keep": self.keep, "drop": self.drop}


@dataclass(frozen=True)
class Binaries:
    """The binaries named by the written assets: to copy, already in the destination, missing in the source."""

    copy: tuple[str, ...] = ()
    present: int = 0
    missing: int = 0
    needed: pl.Series = field(default_factory=lambda: pl.Series("MediaChecksum", [], pl.String), repr=False,
                              compare=False)  # every distinct valid checksum of the written assets


@dataclass(frozen=True)
class CopyPlan:
    """A computed copy (frozen). ``changes`` is False when nothing would be written."""

    source: str
    destination: str
    on_conflict: str
    versions: str
    mapping: Mapping
    assets: Counts
    assignment_sets: Counts
    binaries: Binaries
    rows_total: int  # source rows considered (the versions chosen)
    rows_written: int  # source rows written (those of created and replacing units)
    table: pl.DataFrame = field(repr=False, compare=False)  # plan.tsv: a row per unit (identical ones only counted)
    media: Decision = field(repr=False, compare=False)
    sets: Decision = field(repr=False, compare=False)
    source_snapshot: Snapshot = field(repr=False, compare=False)
    destination_signature: Signature = field(repr=False, compare=False)

    @property
    def changes(self) -> bool:
        return any(c.create or c.replace for c in (self.assets, self.assignment_sets))

    def to_dict(self) -> dict[str, Any]:
        """SPEC §6: {"assets": {...}, "assignment_sets": {...}, "channels": {src: dst|null}, "locales": {...}}."""
        return {"assets": self.assets.to_dict(), "assignment_sets": self.assignment_sets.to_dict(),
                **self.mapping.to_dict()}


def needed_checksums(written: pl.DataFrame) -> pl.Series:
    """The distinct well-formed checksums (SHA-256) of the written asset rows."""
    if "MediaChecksum" not in written.columns or written.height == 0:
        return pl.Series("MediaChecksum", [], pl.String)
    checksum = pl.col("MediaChecksum")
    # Lazily (the streaming engine), which takes a million checksums apart several times faster.
    return (written.lazy().select(checksum).unique().filter(checksum.is_not_null() & checksum.str.contains(SHA256))
            .collect().get_column("MediaChecksum"))


def binaries(needed: pl.Series, src: Snapshot, dst_blobs: pl.Series) -> Binaries:
    """``needed`` checksums split into to copy (in the source, not the destination) / present / missing."""
    if needed.len() == 0:
        return Binaries()
    there = needed.is_in(dst_blobs.implode())
    absent = needed.filter(~there)
    copy = absent.filter(absent.is_in(list_blobs(src.tenant.root).implode())).sort()
    return Binaries(tuple(copy.to_list()), int(there.sum()), absent.len() - copy.len(), needed)


def _sets(incoming: pl.DataFrame, dst: Snapshot, media_after: pl.DataFrame, policy: str, renamed: bool) -> Decision:
    """Decide the sets; a set that would be written naming media the destination will not have is
    dropped (decided again without it: the rare case)."""
    sets = decide(incoming, dst.sets, SET_UNITS, policy, renamed)
    reason = dangling(sets.written, media_after)
    if reason.null_count() == reason.len():
        return sets
    bad = sets.written.filter(reason.is_not_null())
    return decide(drop_sets(incoming, bad, dangling(incoming, media_after)), dst.sets, SET_UNITS, policy, renamed)


def compute(opts: CopyOptions, src: Snapshot, dst: Snapshot, mapping: Mapping) -> CopyPlan:
    """Plan the copy of ``src`` into ``dst``; raises UsageError for a plan that cannot be applied."""
    renamed = bool(mapping.renamed("channel") or mapping.renamed("locale"))
    media = decide(incoming_media(src, opts.versions, mapping, dst.base_url), dst.media, ASSET_UNITS,
                   opts.on_conflict, renamed)
    media_after = media.rows if media.rows is not None else dst.media
    sets = _sets(incoming_sets(src, opts.versions, mapping), dst, media_after, opts.on_conflict, renamed)
    check_written(media_after, media.written, sets.written, src.tenant.id, dst)
    table = pl.concat([media.table, sets.table], how="vertical_relaxed").rechunk()
    return CopyPlan(src.tenant.id, dst.tenant.id, opts.on_conflict, opts.versions, mapping,
                    Counts(**dict(media.counts)), Counts(**dict(sets.counts)),
                    binaries(needed_checksums(media.written), src, list_blobs(dst.tenant.root)),
                    media.rows_total + sets.rows_total, media.rows_written + sets.rows_written, table, media, sets,
                    src, dst.signature)
