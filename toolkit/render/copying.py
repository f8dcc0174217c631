"""Renderers of ``omm copy``: the plan as a table for people, the JSON of SPEC §6, the summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from toolkit.render.common import to_json

if TYPE_CHECKING:
    from toolkit.copying import CopyPlan, CopyResult

SHOWN = 10
_ROWS = (("assets", "assets"), ("assignment sets", "assignment_sets"))


def _plural(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _pairs(pairs: tuple[tuple[str, str | None], ...]) -> str:
    return ", ".join(f"{s} → {d if d is not None else '(removed)'}" for s, d in pairs) or "(none)"


def _counts_table(plan: CopyPlan) -> list[str]:
    header = ["", "create", "replace", "keep", "drop"]
    rows = [[label, *(str(v) for v in getattr(plan, attr).to_dict().values())] for label, attr in _ROWS]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
            for r in [header, *rows]]


def _unit(row: dict[str, str | None]) -> str:
    if row["Manifest"] == "assets":
        return f"asset {row['InternalMediaId']} ({row['SourceLocale']})"
    catalog = f"/{row['CatalogNumber']}" if row["CatalogNumber"] else ""
    return (f"{row['EntityType']} {row['EntityKeyValue']} "
            f"({row['SourceChannel'] or 'Omnichannel'}/{row['SourceLocale']}{catalog})")


def _dropped(plan: CopyPlan) -> list[str]:
    dropped = plan.table.filter(pl.col("Action") == "drop")
    lines = [f"  {_unit(r)}: {r['Reason']}" for r in dropped.head(SHOWN).iter_rows(named=True)]
    if dropped.height > SHOWN:
        lines.append(f"  and {dropped.height - SHOWN} more (see plan.tsv)")
    return ["dropped:", *lines] if lines else []


def plan_text(plan: CopyPlan) -> str:
    """The plan for people: counts per manifest, the mapping, the binaries and what is dropped."""
    b = plan.binaries
    lines = [f"copy {plan.source} → {plan.destination} (--on-conflict {plan.on_conflict}, "
             f"--versions {plan.versions})", *_counts_table(plan),
             f"channels: {_pairs(plan.mapping.channels)}", f"locales: {_pairs(plan.mapping.locales)}",
             f"binaries: {len(b.copy)} to copy, {b.present} already in {plan.destination}"
             + (f", {b.missing} missing in {plan.source} (not copied)" if b.missing else ""),
             *_dropped(plan)]
    return "\n".join(lines) + "\n"


def plan_json(plan: CopyPlan) -> str:
    return to_json(plan.to_dict())


def result_json(result: CopyResult) -> str:
    return to_json(result.to_dict())


def summary(result: CopyResult) -> str:
    """The line for stderr: the job and what it wrote, where the plan is, or why nothing ran."""
    plan = result.plan
    if result.plan_only:
        return (f"plan saved: tenants/{plan.destination}/{result.result} (job {result.job}); nothing was copied; "
                f"run the same command without --plan to copy")
    if result.job is None:
        return (f"nothing to copy from {plan.source} to {plan.destination}: every asset and set is kept or dropped "
                f"(no job was run)")
    missing = (f"; {_plural(result.binaries_missing, 'binary', 'binaries')} missing in {plan.source} "
               f"{'was' if result.binaries_missing == 1 else 'were'} not copied") if result.binaries_missing else ""
    return (f"copied {plan.source} → {plan.destination}: job {result.job} {result.status} — "
            f"{result.succeeded} of {_plural(result.total, 'row')} written, {result.skipped} skipped, "
            f"{_plural(result.binaries_copied, 'binary', 'binaries')} copied{missing}; plan: tenants/{plan.destination}/"
            f"{result.result}")
