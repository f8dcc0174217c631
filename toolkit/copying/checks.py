"""Plan errors: what the copy would write must leave the destination valid (``omm validate`` clean).

Checked on the rows the copy writes (created or replacing), against the destination as it will
be: their channel and locale pairs are configured in its channels.tsv, the products and
categories their sets name are in its catalog (the same cross-manifest checks ``omm validate``
runs, :mod:`toolkit.integrity`), and no asset takes a MediaDisplayName another asset of the
destination has (display names are unique within a tenant). Any failure stops the copy before it
starts (exit 2), naming what is wrong.
"""

from __future__ import annotations

from collections import Counter

import polars as pl

from toolkit.copying.incoming import with_columns
from toolkit.copying.snapshot import Snapshot
from toolkit.errors import UsageError
from toolkit.findings import Finding
from toolkit.kinds import get_kind
from toolkit.tsv import Manifest

SHOWN = 10


def _manifest(name: str, kind: str, frame: pl.DataFrame) -> Manifest:
    return Manifest(name, get_kind(kind), frame, tuple(frame.columns), None, "utf-8", ())


def _summarize(findings: list[Finding], rows: dict[int, int]) -> list[str]:
    """``rule column value (n rows)``, sorted; ``rows``: the written rows behind each checked row."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in findings:  # one finding per distinct combination checked, never per manifest row
        counts[(f.rule, f.column, f.value or "(empty)")] += rows[f.line - 2]
    shown = [f"{rule} {column} {value} ({n} row{'s' if n > 1 else ''})" for (rule, column, value), n in
             sorted(counts.items())]
    return shown[:SHOWN] + ([f"and {len(shown) - SHOWN} more"] if len(shown) > SHOWN else [])


def _distinct(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """The distinct combinations of the ``columns`` a check reads, with the rows behind each (``__rows``)."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return pl.DataFrame(schema={"__rows": pl.UInt32})
    # In no particular order (findings are summarized sorted), lazily: the streaming engine groups faster.
    return frame.lazy().group_by(present).agg(__rows=pl.len()).collect()


def integrity_problems(media: pl.DataFrame, sets: pl.DataFrame, dst: Snapshot) -> list[str]:
    """The cross-manifest findings of the written rows against the destination's configuration."""
    from toolkit.integrity import missing_entities, unconfigured_channels

    media_pairs = _distinct(media, ("MediaChannel", "MediaLocale"))
    set_pairs = _distinct(sets, ("EntityChannel", "EntityLocale"))
    entities = _distinct(sets, ("EntityType", "EntityKeyValue", "EntityKey"))
    channels = _manifest("channels.tsv", "channels", dst.channels)
    found = [(unconfigured_channels({"channels": channels, "assets": _manifest("cms/media.tsv", "assets", media_pairs)}),
              media_pairs),
             (unconfigured_channels({"channels": channels,
                                     "assignments": _manifest("cms/assignments.tsv", "assignments", set_pairs)}),
              set_pairs),
             (missing_entities({"assignments": _manifest("cms/assignments.tsv", "assignments", entities),
                                "products": _manifest("hq/products.tsv", "products", dst.products),
                                "categories": _manifest("hq/categories.tsv", "categories", dst.categories)}),
              entities)]
    findings = [(f, dict(enumerate(frame.get_column("__rows").to_list()))) for fs, frame in found for f in fs]
    if not findings:
        return []
    total = sum(rows[f.line - 2] for f, rows in findings)
    merged: dict[int, int] = {}
    listed: list[Finding] = []
    for n, (f, rows) in enumerate(findings):  # re-index, so each finding carries its own row count
        merged[n] = rows[f.line - 2]
        listed.append(Finding(f.file, n + 2, f.column, f.rule, f.value, f.message))
    return [f"{total} row{'s' if total > 1 else ''} would not fit {dst.tenant.id}'s channels or catalog: "
            + ", ".join(_summarize(listed, merged))]


def display_name_clashes(after: pl.DataFrame, written: pl.DataFrame) -> list[str]:
    """Display names that two different assets would have in the destination (names in ``written``)."""
    if "MediaDisplayName" not in written.columns or written.height == 0:
        return []
    named = pl.col("MediaDisplayName")
    # Lazily: the streaming engine groups a million names several times faster.
    pairs = with_columns(after, ("MediaDisplayName", "InternalMediaId")).lazy().select(named, "InternalMediaId")
    if written.height < after.height:  # only names the copy writes can clash because of it
        pairs = pairs.join(written.lazy().select(named).drop_nulls().unique(), on="MediaDisplayName", how="semi")
    shared = (pairs.group_by(named).agg(pl.col("InternalMediaId").n_unique().alias("__ids"))
              .filter(pl.col("__ids") > 1, named.is_not_null()).collect())
    if shared.height == 0:
        return []  # the usual case, answered by one group-by
    clash = (pairs.filter(named.is_in(shared.get_column("MediaDisplayName").implode()))
             .group_by(named).agg(pl.col("InternalMediaId").unique().sort()).sort(named).collect())
    return [f"{name!r} ({', '.join(i or '?' for i in ids)})" for name, ids in clash.head(SHOWN).iter_rows()] + (
        [f"and {clash.height - SHOWN} more"] if clash.height > SHOWN else [])


def check_written(media_after: pl.DataFrame, media_written: pl.DataFrame, sets_written: pl.DataFrame,
                  src_id: str, dst: Snapshot) -> None:
    """Raise UsageError (exit 2) naming what would make the destination invalid; nothing is copied."""
    problems = integrity_problems(media_written, sets_written, dst)
    clashes = display_name_clashes(media_after, media_written)
    if clashes:
        problems.append("MediaDisplayName would be used by two assets: " + ", ".join(clashes))
    if problems:
        raise UsageError(f"cannot copy {src_id} to {dst.tenant.id}: " + "; ".join(problems) + "; nothing was copied",
                         f"configure the channels and locales and import the catalog into {dst.tenant.id} first, "
                         "rename the clashing assets, or leave those channels or locales out (SOURCE=)")
