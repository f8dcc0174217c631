"""Renderers of ``omm resolve`` and ``omm sync``: text for people, JSON equal to ``to_dict()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render.common import to_json

if TYPE_CHECKING:
    from toolkit.resolution.resolve import Item, Resolution, Rung, Source
    from toolkit.resolution.sync import SyncResult


def _place(channel: str, locale: str) -> str:
    return f"{channel or 'Omnichannel'}/{locale}"


def _rung(n: int, rung: Rung) -> str:
    outcome = "WINS" if rung.found else "no set"
    return f"  {n:>2}. {rung.level:<16} {rung.entity_key_value:<24} {_place(rung.channel, rung.locale):<28} {outcome}"


def _source(source: Source) -> str:
    version = f", version {source.version}" if source.version else ""
    return f"{source.entity_type} {source.entity_key_value} @ {_place(source.channel, source.locale)}{version}"


def _item(item: Item) -> str:
    order = "" if item.display_order is None else str(item.display_order)
    cells = [f"  {'*' if item.is_default else ' '} {item.group:<10}", f"{order:>3}", item.media_id,
             f"{item.media_type or '':<5}", item.purpose or "", f"alt {item.alt_text!r}" if item.alt_text else ""]
    return "  ".join(c for c in cells if c)


def _ladder(r: Resolution) -> list[str]:
    if r.tier in ("hq", "csu"):
        where = "hq/media_assignments.tsv" if r.tier == "hq" else f"csu/{r.channel}/media_assignments.tsv"
        return [f"read from {where}, as the last sync flattened it (no ladder there, only the set that won)"]
    lines = ["ladder (entity first, then channel/locale):"]
    lines += [_rung(n, rung) for n, rung in enumerate(r.ladder, 1)]
    return lines


def resolution(r: Resolution, fmt: str) -> str:
    """JSON: ``to_dict()``. Text: the rungs tried and the winner, then the gallery (``*`` marks the
    default image)."""
    if fmt == "json":
        return to_json(r.to_dict())
    lines = [f"{r.product} in {_place(r.channel, r.locale)} (tier {r.tier})", *_ladder(r)]
    if r.source is None:
        lines.append("no set on any rung: nothing is shown here")
        return "\n".join(lines) + "\n"
    lines.append(f"gallery of {_source(r.source)} ({len(r.items)} item{'' if len(r.items) == 1 else 's'}, "
                 f"* = default image{'' if r.default_image else ': none, no Primary image'}):")
    lines += [_item(i) for i in r.items]
    return "\n".join(lines) + "\n"


def sync_result(r: SyncResult, fmt: str) -> str:
    """JSON: ``to_dict()``. Text: one line per output file (path, rows, what the commit did)."""
    if fmt == "json":
        return to_json(r.to_dict())
    width = max((len(f.path) for f in r.files), default=0)
    return "".join(f"{f.path:<{width}}  {f.rows:>8} rows  {f.change}\n" for f in r.files)


def sync_message(r: SyncResult) -> str:
    """The line for stderr: the job, how much was recomputed, and what changed."""
    p = r.plan
    how = "full" + (f" ({p.reason})" if p.reason and p.reason != "--full" else "") if p.mode == "full" else "incremental"
    lines = [f"sync {r.tenant} --to {p.to}: job {r.job} {r.status} — {how}, {p.recomputed_entities} of "
             f"{p.entities} products and categories recomputed; {r.changed} of {len(r.files)} files changed"]
    if p.skipped:
        lines.append(f"CsuMediaLocations is off: stopped at HQ, {' and '.join(p.skipped)} left untouched "
                     f"(turn it on with: omm settings --tenant {r.tenant} CsuMediaLocations true)")
    return "\n".join(lines)
