"""Deciding each unit of a copy — an asset (InternalMediaId + MediaLocale) or an assignment set
(its set key) — whole: create, replace, keep or drop, and the destination's rows that follow.

A unit is compared with the destination's unit of the same (mapped) key, all its rows and states:

- not in the destination → **create**;
- row for row the same (every column, unknown ones included) → **keep** (identical: copying
  again changes nothing);
- else the policy: ``keep`` → keep, ``replace`` → replace, ``latest`` → replace when the source's
  latest LastModifiedOn (MediaLastModifiedOn / EntityLastModifiedOn, the unit's maximum) is
  later than the destination's, else keep (a tie keeps it; a time is later than none);
- removed by the mapping, or naming media the destination will not have → **drop**.

A taken unit's rows replace the destination's rows of that unit, all of them: the destination
then holds exactly the source's copied versions of it. The rows it replaces go to history.
Identical units are counted (keep) but not listed in the plan table: they are no-ops.

Everything here is group-bys and joins over narrow frames; no Python loop over rows. Rows are
matched to units by a 64-bit hash of the key (an integer join), once the units of both sides are
shown to be told apart by it (else another seed); units are compared by their row count and two
sums of their rows' hashes; times are compared as text when all are whole seconds in canonical
form (text order is then time order), else parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from toolkit.copying.incoming import (
    ASSET_SOURCE_KEY,
    DROP,
    HELPERS,
    SET_COLUMNS,
    SET_SOURCE_KEY,
    SRC_CHANNEL,
    SRC_LOCALE,
    with_columns,
)
from toolkit.errors import UsageError

ACTIONS = ("create", "replace", "keep", "drop")
PLAN_COLUMNS = ("Manifest", "Action", "Reason", "InternalMediaId", "EntityType", "EntityKeyValue", "CatalogNumber",
                "SourceChannel", "SourceLocale", "Channel", "Locale", "SourceLastModifiedOn",
                "DestinationLastModifiedOn")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.fZ"
_LOW = 1 << 32
_K = "__k"
_WHOLE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


@dataclass(frozen=True)
class UnitKind:
    """How one manifest's units are keyed: ``key`` after mapping, ``source_key`` before."""

    manifest: str
    key: tuple[str, ...]
    source_key: tuple[str, ...]
    modified: str
    channel: str
    locale: str
    noun: str


ASSET_UNITS = UnitKind("assets", ("InternalMediaId", "MediaLocale"), ASSET_SOURCE_KEY, "MediaLastModifiedOn",
                       "MediaChannel", "MediaLocale", "asset")
SET_UNITS = UnitKind("assignments", SET_COLUMNS, SET_SOURCE_KEY, "EntityLastModifiedOn", "EntityChannel",
                     "EntityLocale", "assignment set")


@dataclass(frozen=True)
class Decision:
    """One manifest's decided units: the plan rows, the destination's new rows and what leaves."""

    table: pl.DataFrame = field(repr=False)  # PLAN_COLUMNS, a row per unit not identical in both tenants
    source: pl.DataFrame = field(repr=False)  # every source row not dropped, mapped: the source "after mapping"
    rows: pl.DataFrame | None = field(repr=False)  # the destination's rows after the copy; None: unchanged
    written: pl.DataFrame = field(repr=False)  # the source rows that are written (created or replacing)
    replaced: pl.DataFrame = field(repr=False)  # the destination's rows they replace (for history)
    rows_total: int
    rows_written: int
    counts: tuple[tuple[str, int], ...] = ()  # units per action (identical units count as keep)


def _time(column: str) -> pl.Expr:
    return pl.col(column).str.to_datetime(_TIME_FORMAT, strict=False, time_unit="ns", time_zone="UTC")


def _aligned(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.select([pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in columns])


def _keyed(frame: pl.DataFrame, unit: UnitKind, seed: int) -> pl.DataFrame:
    """``frame`` with ``__k``, a 64-bit hash of the unit key: rows are matched to units by it (an
    integer join), once the units are shown to be told apart by it (:func:`_judged`)."""
    return frame.with_columns(pl.struct(list(unit.key)).hash(seed).alias(_K))


def whole_seconds(frames: tuple[pl.DataFrame, ...], column: str) -> bool:
    """True when every time of ``column`` is canonical to the second (``2025-03-15T10:02:00Z``, 20
    characters): then text order is time order and nothing needs parsing."""
    return all(column not in f.columns or f.select((pl.col(column).is_null() | pl.col(column).str.contains(_WHOLE))
                                                   .all()).item() for f in frames)


def _summary(frame: pl.DataFrame, unit: UnitKind, by: tuple[str, ...], extra: tuple[str, ...],
             hashes: pl.Series | None = None, *, as_text: bool = False) -> pl.DataFrame:
    """One row per unit (grouped ``by``, in order of first appearance): its rows, its latest time
    ``__t`` (compared as text when ``as_text``) and that time as written, the first value of each
    ``extra`` column and, given the rows' ``hashes``, two order-free sums of them. Only narrow
    columns are grouped."""
    wanted = list(dict.fromkeys((*by, unit.modified, *extra)))
    narrow = with_columns(frame, (unit.modified, *extra)).select(wanted)
    narrow = narrow.with_columns(__t=pl.col(unit.modified) if as_text else _time(unit.modified))
    sums = []
    if hashes is not None:
        narrow = narrow.with_columns(__h=hashes)
        sums = [(pl.col("__h") % _LOW).sum().alias("__h1"), (pl.col("__h") // _LOW).sum().alias("__h2")]
    grouped = narrow.group_by(list(by), maintain_order=True)
    firsts = [pl.col(c).first() for c in extra if c not in by]
    if as_text:  # the latest time is the greatest text: the same value twice, aggregated once
        return grouped.agg(*firsts, *sums, __n=pl.len(), __t=pl.col("__t").max()).with_columns(
            __modified=pl.col("__t"))
    latest = pl.col(unit.modified).sort_by("__t", nulls_last=False).last()
    return grouped.agg(*firsts, *sums, __n=pl.len(), __t=pl.col("__t").max(), __modified=latest)


def _by_unit(frame: pl.DataFrame, unit: UnitKind, extra: tuple[str, ...], hashes: pl.Series | None,
             as_text: bool) -> pl.DataFrame:
    """:func:`_summary` grouped by the unit key (``frame`` carries ``__k``). A tenant's rows are in
    key order, so each unit's rows are usually one run of equal keys: grouped by run number, a
    column known to be sorted (contiguous groups, no hashing), when the hash tells the runs apart —
    which proves each run a whole unit (distinct hashes <= distinct keys <= runs). Else by the key."""
    if frame.height:
        changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(1)) for c in unit.key)
        run = frame.select(changed.cum_sum().alias("__run")).to_series().set_sorted()  # a count never falls
        runs = _summary(frame.with_columns(run), unit, ("__run",), (*unit.key, *extra), hashes, as_text=as_text)
        if runs.get_column(_K).n_unique() == runs.height:
            return runs.drop("__run")
    return _summary(frame, unit, unit.key, extra, hashes, as_text=as_text)


def check_collisions(live: pl.DataFrame, unit: UnitKind, renamed: bool) -> None:
    """Refuse (UsageError) when two source units would map onto one destination unit."""
    if not renamed or live.height == 0:
        return  # without renames, different sources stay different
    clash = (live.group_by(list(unit.key)).agg(__sources=pl.struct(list(unit.source_key)).unique().sort())
             .filter(pl.col("__sources").list.len() > 1).sort(list(unit.key), nulls_last=False))
    if clash.height == 0:
        return
    shown = [_describe(unit, row) for row in clash.head(10).iter_rows(named=True)]
    more = f" and {clash.height - 10} more" if clash.height > 10 else ""
    raise UsageError(f"the mapping would merge {clash.height} {unit.noun}{'s' if clash.height > 1 else ''} of the "
                     f"source into one: {'; '.join(shown)}{more}; nothing was copied",
                     "map those channels or locales apart, or remove one of them (SOURCE=)")


def _where(channel: str | None, locale: str | None) -> str:
    return f"{channel or 'Omnichannel'}/{locale}"


def _describe(unit: UnitKind, row: dict[str, object]) -> str:
    sources = row["__sources"]
    assert isinstance(sources, list)
    if unit.manifest == "assets":
        froms = ", ".join(str(s[SRC_LOCALE]) for s in sources)
        return f"asset {row['InternalMediaId']} in {row['MediaLocale']} would come from {froms}"
    froms = ", ".join(_where(s[SRC_CHANNEL], s[SRC_LOCALE]) for s in sources)
    return (f"{row['EntityType']} {row['EntityKeyValue']} on {_where(row['EntityChannel'], row['EntityLocale'])} "  # type: ignore[arg-type]
            f"would come from {froms}")


_EXISTS = pl.col("__n_dst").is_not_null()
_SAME = (pl.col("__n") == pl.col("__n_dst")) & (pl.col("__h1") == pl.col("__h1_dst")) & (pl.col("__h2") == pl.col("__h2_dst"))
_LATER = pl.col("__t").is_not_null() & (pl.col("__t_dst").is_null() | (pl.col("__t") > pl.col("__t_dst")))


def _take(policy: str) -> pl.Expr:
    return {"keep": pl.lit(False), "replace": pl.lit(True), "latest": _LATER}[policy]


def _flags(policy: str) -> tuple[pl.Expr, pl.Expr]:
    """(identical: the destination has the unit row for row; taken: created or replacing), cheap
    booleans for every unit; the action and reason, as text, are made only for the units listed."""
    return (_EXISTS & _SAME).alias("__identical"), (~_EXISTS | (~_SAME & _take(policy))).alias("__taken")


def _action(policy: str) -> tuple[pl.Expr, pl.Expr]:
    exists, same, later, take = _EXISTS, _SAME, _LATER, _take(policy)
    tie = pl.col("__t").eq_missing(pl.col("__t_dst"))
    action = (pl.when(~exists).then(pl.lit("create")).when(same).then(pl.lit("keep"))
              .when(take).then(pl.lit("replace")).otherwise(pl.lit("keep")))
    policy_reason = {"keep": pl.lit("--on-conflict keep"), "replace": pl.lit("--on-conflict replace"),
                     "latest": pl.when(later).then(pl.lit("the source is later"))
                     .when(tie).then(pl.lit("same LastModifiedOn: a tie keeps the destination"))
                     .otherwise(pl.lit("the destination is later"))}[policy]
    reason = (pl.when(~exists).then(pl.lit("new in the destination")).when(same).then(pl.lit("identical"))
              .otherwise(policy_reason))
    return action, reason


def _plan_rows(units: pl.DataFrame, unit: UnitKind, live: bool) -> pl.DataFrame:
    is_set = unit.manifest == "assignments"

    def col(name: str, when: bool = True) -> pl.Expr:
        return pl.col(name) if when else pl.lit(None, pl.String)

    return units.select(
        Manifest=pl.lit(unit.manifest), Action=pl.col("__action"), Reason=pl.col("__reason"),
        InternalMediaId=col("InternalMediaId", not is_set), EntityType=col("EntityType", is_set),
        EntityKeyValue=col("EntityKeyValue", is_set), CatalogNumber=col("CatalogNumber", is_set),
        SourceChannel=pl.col(SRC_CHANNEL), SourceLocale=pl.col(SRC_LOCALE),
        Channel=col(unit.channel, live), Locale=col(unit.locale, live), SourceLastModifiedOn=pl.col("__modified"),
        DestinationLastModifiedOn=col("__modified_dst", live))


def _matched(live: pl.DataFrame, dst: pl.DataFrame, unit: UnitKind) -> pl.DataFrame | None:
    """Every live unit beside the destination's unit of the same key (``*_dst`` columns), matched by
    ``__k``; None when the hash does not tell the units apart (then another seed is tried)."""
    extra = (SRC_CHANNEL, SRC_LOCALE, _K, *([unit.channel] if unit.channel not in unit.key else []))
    hashing = dst.height > 0  # rows are compared only when the destination has some
    columns = sorted((set(live.columns) - {*HELPERS, _K}) | (set(dst.columns) - {_K}))
    text = whole_seconds((live, dst), unit.modified)
    mine = _by_unit(live, unit, extra, _aligned(live, columns).hash_rows() if hashing else None, text)
    theirs = _by_unit(dst, unit, (_K,), _aligned(dst, columns).hash_rows() if hashing else None, text)
    if mine.get_column(_K).n_unique() < mine.height or theirs.get_column(_K).n_unique() < theirs.height:
        return None
    theirs = theirs.rename({c: f"{c}_dst" for c in theirs.columns if c != _K})
    judged = mine.join(theirs, on=_K, how="left", maintain_order="left")
    found = pl.col("__n_dst").is_not_null()
    if judged.select((found & ~pl.all_horizontal(pl.col(k).eq_missing(pl.col(f"{k}_dst")) for k in unit.key))
                     .any()).item():
        return None
    return judged.drop(f"{k}_dst" for k in unit.key)


def _judged(live: pl.DataFrame, dst: pl.DataFrame, unit: UnitKind, policy: str
            ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(every live unit with ``__identical`` and ``__taken``, the live rows and the destination's rows, keyed)."""
    for seed in range(8):  # a 64-bit collision among a tenant's keys: about 1 in 10^7 at 10M units
        live_k, dst_k = _keyed(live, unit, seed), _keyed(dst, unit, seed)
        judged = _matched(live_k, dst_k, unit)
        if judged is not None:
            if "__h1" not in judged.columns:
                judged = judged.with_columns(*(pl.lit(None, pl.UInt64).alias(c) for c in
                                               ("__h1", "__h2", "__h1_dst", "__h2_dst")))
            return judged.with_columns(*_flags(policy)), live_k, dst_k
    raise RuntimeError("unit keys collide under every hash seed")  # pragma: no cover


def _gone(dropped: pl.DataFrame, unit: UnitKind) -> pl.DataFrame:
    extra = (DROP, *([SRC_CHANNEL] if SRC_CHANNEL not in unit.source_key else []))
    text = whole_seconds((dropped,), unit.modified)
    return _summary(dropped, unit, unit.source_key, extra, as_text=text).with_columns(__action=pl.lit("drop"),
                                                                       __reason=pl.col(DROP))


def _outcome(live: pl.DataFrame, dst: pl.DataFrame, judged: pl.DataFrame
             ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(the source rows written, the destination rows they replace, the destination's rows after);
    ``live`` and ``dst`` carry ``__k``, rows are picked by it."""
    taken = judged.filter(pl.col("__taken")).get_column(_K)
    replacing = judged.filter(pl.col("__taken") & _EXISTS).get_column(_K)
    if taken.len() == judged.height:
        written = live  # the usual first copy: every unit is new
    else:
        written = live.filter(pl.col(_K).is_in(taken.implode()))
    written = written.drop(*HELPERS, _K)
    gone = pl.col(_K).is_in(replacing.implode())
    replaced = dst.filter(gone).drop(_K) if replacing.len() else dst.clear().drop(_K)
    if not taken.len():
        return written, replaced, None
    if dst.height == 0:
        return written, replaced, written  # a header-only manifest has no row (nor empty column) to keep
    stays = dst.filter(~gone) if replacing.len() else dst
    return written, replaced, pl.concat([stays.drop(_K), written], how="diagonal_relaxed")


def decide(incoming: pl.DataFrame, dst: pl.DataFrame, unit: UnitKind, policy: str, renamed: bool) -> Decision:
    """Decide every unit of ``incoming`` (the mapped source rows) against the destination ``dst``."""
    dst = with_columns(dst, unit.key)
    dropping = incoming.get_column(DROP).null_count() < incoming.height
    live = incoming.filter(pl.col(DROP).is_null()) if dropping else incoming
    dropped = incoming.filter(pl.col(DROP).is_not_null()) if dropping else incoming.clear()
    check_collisions(live, unit, renamed)
    judged, live_k, dst_k = _judged(live, dst, unit, policy)
    gone = _gone(dropped, unit)
    counts = judged.select(create=(~_EXISTS).sum(), replace=(pl.col("__taken") & _EXISTS).sum(),
                           keep=(~pl.col("__taken")).sum()).row(0, named=True) | {"drop": gone.height}
    action, reason = _action(policy)  # for the units listed: identical ones (no-ops) are counted, not listed
    listed = judged.filter(~pl.col("__identical")).with_columns(__action=action, __reason=reason)
    table = pl.concat([_plan_rows(listed, unit, True), _plan_rows(gone, unit, False)], how="vertical_relaxed")
    written, replaced, rows = _outcome(live_k, dst_k, judged)
    return Decision(table, live.drop(HELPERS), rows, written, replaced, incoming.height, written.height,
                    tuple((a, int(counts.get(a, 0))) for a in ACTIONS))
