"""Renderers of ``omm checkout|checkin|discard``: text for people, JSON equal to ``to_dict()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render.common import to_json

if TYPE_CHECKING:
    from toolkit.checkout import CheckoutResult

_DONE = {"checkout": "checked out", "checkin": "checked in", "discard": "discarded the drafts of"}


def _set_line(key: tuple[str, str, str, str, str]) -> str:
    entity_type, value, channel, locale, catalog = key
    where = f"{channel or 'Omnichannel'}/{locale or 'system_neutral'}" + (f"/{catalog}" if catalog else "")
    return f"{entity_type}\t{value}\t{where}\n"


def result(r: CheckoutResult, fmt: str) -> str:
    """JSON: ``to_dict()``. Text: one line per set (EntityType, EntityKeyValue, channel/locale[/catalog])."""
    if fmt == "json":
        return to_json(r.to_dict())
    return "".join(_set_line(k) for k in r.sets)


def message(r: CheckoutResult) -> str:
    """The line for stderr: what changed and the job, or why nothing did."""
    from toolkit.checkout import nothing_message

    if not r.changed:
        return nothing_message(r)
    sets = f"{len(r.sets)} set{'' if len(r.sets) == 1 else 's'}"
    return (f"tenant {r.tenant}: {_DONE[r.action]} {r.entity} for {r.user}: {sets}, {r.rows} draft "
            f"row{'' if r.rows == 1 else 's'} (job {r.job})")
