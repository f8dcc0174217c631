"""Renderers of ``omm tenant`` and ``omm settings``: text for people, JSON equal to ``to_dict()``."""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.render.common import to_json
from toolkit.tenants import FLAGS, SettingChange, Settings, SettingValue, TenantInfo


def _count(n: int | None) -> str:
    return "-" if n is None else str(n)


def _flag(value: bool | None) -> str:
    return "?" if value is None else "true" if value else "false"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in rows)


def tenant_list(infos: Sequence[TenantInfo], fmt: str) -> str:
    """One line per tenant (``-`` a manifest that is missing or unreadable, ``?`` an unreadable flag)."""
    if fmt == "json":
        return to_json([i.to_dict() for i in infos])
    if not infos:
        return ""
    rows = [["tenant", "manifests", "assets", "assignments", *FLAGS]]
    rows += [[i.id, str(len(i.manifests)), _count(i.assets), _count(i.assignments),
              *(_flag(v) for _, v in i.flags)] for i in infos]
    return _table(rows)


def tenant_problems(infos: Sequence[TenantInfo]) -> list[str]:
    return [f"tenant {i.id}: {p}" for i in infos for p in i.problems]


def settings(s: Settings, fmt: str) -> str:
    if fmt == "json":
        return to_json(s.to_dict())
    return _table([[n, v] for n, v in s.values]) if s.values else ""


def setting_value(v: SettingValue, fmt: str) -> str:
    """The bare value in text (for ``$(omm settings …)``), the object in JSON."""
    return to_json(v.to_dict()) if fmt == "json" else v.value + "\n"


def setting_change(c: SettingChange, fmt: str) -> str:
    return to_json(c.to_dict()) if fmt == "json" else ""


def change_message(c: SettingChange) -> str:
    if not c.changed:
        return f"{c.name} is already {c.value!r} in tenant {c.tenant}; nothing changed"
    was = "unset" if c.old is None else repr(c.old)
    return f"tenant {c.tenant}: {c.name} {was} → {c.value!r}"
