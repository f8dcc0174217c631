"""Renderers of ``omm publish`` and ``omm group``: text for people, JSON equal to ``to_dict()``.

Text on stdout is one tab-separated line per item, the same for a plan and a publish:
``publish|skip|fail  EntityType  EntityKeyValue  channel/locale[/catalog]  version N  [ErrorCode: reason]``,
then ``media  InternalMediaId  MediaLocale  version N  MediaPublishedURL`` and ``group  NAME  Published``.
The summary goes to stderr.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from toolkit.publishing.model import GroupChange, GroupInfo, PublishResult, SetKey
from toolkit.render.common import to_json

_ORDER = {"publish": 0, "skip": 1, "fail": 2}


def _where() -> pl.Expr:
    catalog = pl.when(pl.col("CatalogNumber") != "").then(pl.lit("/") + pl.col("CatalogNumber")).otherwise(pl.lit(""))
    channel = pl.when(pl.col("EntityChannel") == "").then(pl.lit("Omnichannel")).otherwise(pl.col("EntityChannel"))
    return pl.format("{}/{}{}", channel, pl.col("EntityLocale"), catalog)


def _lines(frame: pl.DataFrame, line: pl.Expr) -> str:
    return "".join(frame.select(line + pl.lit("\n")).to_series().to_list()) if frame.height else ""


def publish_lines(r: PublishResult) -> str:
    sets = r.sets.sort(pl.col("outcome").replace_strict(_ORDER, return_dtype=pl.Int8), maintain_order=True)
    why = pl.when(pl.col("outcome") != "publish").then(pl.format("\t{}: {}", "ErrorCode", "reason")).otherwise(pl.lit(""))
    out = _lines(sets, pl.format("{}\t{}\t{}\t{}\tversion {}{}", "outcome", "EntityType", "EntityKeyValue", _where(),
                                 "EntityVersion", why))
    out += _lines(r.media, pl.format("media\t{}\t{}\tversion {}\t{}", "InternalMediaId", "MediaLocale",
                                     "MediaVersion", pl.col("MediaPublishedURL").fill_null("")))
    return out + "".join(f"group\t{g}\tPublished\n" for g in r.groups)


def publish_result(r: PublishResult, fmt: str) -> str:
    return to_json(r.to_dict()) if fmt == "json" else publish_lines(r)


def _sets(n: int) -> str:
    return f"{n} set{'' if n == 1 else 's'}"


def _rows(n: int, noun: str = "row") -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _parts(r: PublishResult, verb: str) -> list[str]:
    rc, assets = r.rows, r.media.height
    media = f" and {assets} asset row{'' if assets == 1 else 's'}" if assets else ""
    parts = [f"{verb} {_sets(r.of('publish').height)} ({_rows(rc.succeeded)}){media}"]
    if rc.skipped:
        parts.append(f"skipped {_sets(r.of('skip').height)} (checked out, or scheduled in a group)")
    if rc.failed:
        parts.append(f"failed {_sets(r.of('fail').height)} (groups that cannot be published whole stay Scheduled)")
    if r.groups:
        parts.append(f"publish group{'s' if len(r.groups) > 1 else ''} {', '.join(r.groups)} → Published")
    return parts


def publish_message(r: PublishResult) -> str:
    """The stderr summary: what was (or would be) published, or why nothing is."""
    if r.planned:
        if not r.changes and not r.rows.failed:
            return f"plan for tenant {r.tenant} ({r.selection}): nothing to publish: {r.note}"
        return (f"plan for tenant {r.tenant} ({r.selection}): " + ", ".join(_parts(r, "would publish"))
                + "; nothing changed (run without --plan to publish)")
    if r.job is None:
        return f"tenant {r.tenant}: nothing to publish: {r.note}"
    lines = [f"tenant {r.tenant} ({r.selection}): " + ", ".join(_parts(r, "published")) + f" (job {r.job} {r.status})"]
    if r.result:
        lines.append(f"result manifest: tenants/{r.tenant}/{r.result}")
    return "\n".join(lines)


def _set_line(key: SetKey) -> str:
    entity_type, value, channel, locale, catalog = key
    return f"{entity_type}\t{value}\t{channel or 'Omnichannel'}/{locale}" + (f"/{catalog}" if catalog else "") + "\n"


def _group_line(g: GroupInfo) -> str:
    return f"{g.name}\t{g.status}\t{g.scheduled_on or '-'}\t{_sets(g.sets)}\t{g.description}".rstrip() + "\n"


def group_change(c: GroupChange, fmt: str) -> str:
    """JSON: ``to_dict()``. Text: ``add`` lists the sets staged; create and schedule the group's line."""
    if fmt == "json":
        return to_json(c.to_dict())
    return "".join(_set_line(k) for k in c.sets) if c.action == "add" else _group_line(c.group)


def group_message(c: GroupChange) -> str:
    g = c.group
    if c.job is None and c.action == "add":
        return f"tenant {c.tenant}: the drafts are already in publish group {g.name}; nothing changed"
    if c.job is None:
        return f"tenant {c.tenant}: publish group {g.name} is already scheduled for {g.scheduled_on}; nothing changed"
    done = {"create": f"created publish group {g.name}",
            "add": f"staged {_sets(len(c.sets))} ({_rows(c.rows, 'draft row')}) in publish group {g.name} ({_sets(g.sets)} "
                   "in it now)",
            "schedule": f"scheduled publish group {g.name} ({_sets(g.sets)}) for {g.scheduled_on}"
                        + (", publishing its dependencies" if g.publish_dependencies else "")}[c.action]
    return f"tenant {c.tenant}: {done} (job {c.job})"


def group_list(groups: Sequence[GroupInfo], fmt: str) -> str:
    """One line per group: name, status, ScheduledOn (``-`` none), draft sets staged, description."""
    if fmt == "json":
        return to_json([g.to_dict() for g in groups])
    return "".join(_group_line(g) for g in groups)
