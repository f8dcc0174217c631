"""Renderers of ``omm migrate legacy`` results: the summary for people and the JSON contract."""

from __future__ import annotations

from toolkit.migration.result import MigrationResult
from toolkit.render.common import to_json

FORMATS = ("text", "json")


def json(result: MigrationResult) -> str:
    return to_json(result.to_dict())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


MATRIX_LINES = 10  # masters listed in the text summary; --format json lists them all


def _matrix_lines(result: MigrationResult) -> list[str]:
    lines = []
    for m in result.matrix[:MATRIX_LINES]:
        cells = ", ".join(m.cells)
        lines.append(f"{m.master}: {_plural(m.matrix_sets, 'matrix set')} on {'+'.join(m.dimensions)} instead of "
                     f"{_plural(m.variant_sets, 'variant set')} ({cells})")
    more = len(result.matrix) - MATRIX_LINES
    if more > 0:
        lines.append(f"… and {_plural(more, 'more master')} (in all, cells replace "
                     f"{result.variant_sets_collapsed} variant sets; --format json lists every master)")
    return lines or ["none (no two variants of a master share their pictures)"]


def _next(result: MigrationResult) -> list[str]:
    media = result.media_dir or "DIR"
    return [f"next: omm import {result.file('assets.tsv')} --tenant {result.tenant} --media-dir {media}",
            f"      omm import {result.file('assignments.tsv')} --tenant {result.tenant}"]


def summary(result: MigrationResult) -> str:
    """Several lines: what went where, the collapsed masters, the unmatched reasons, what to run next."""
    migrated = result.paths - result.unmatched_count
    by_type = ", ".join(f"{n} {t}" for t, n in result.sets if n)
    lines = [f"migrated {migrated} of {_plural(result.paths, 'legacy file')} for {result.tenant} → {result.output}",
             f"  assets.tsv       {_plural(result.assets, 'new asset')} (Draft, MediaSourceProvider legacy)",
             f"  assignments.tsv  {_plural(result.set_count, 'Draft set')} in {_plural(result.rows, 'row')}"
             + (f": {by_type}" if by_type else "")]
    matrix = _matrix_lines(result)
    lines += [f"  matrix cells     {matrix[0]}", *(f"                   {m}" for m in matrix[1:])]
    reasons = ", ".join(f"{r} {n}" for r, n in result.unmatched)
    lines.append(f"  unmatched.tsv    {_plural(result.unmatched_count, 'file')}" + (f": {reasons}" if reasons else ""))
    return "\n".join(lines + _next(result))
