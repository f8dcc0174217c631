"""``omm merge``."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note

# Kept here as well as in toolkit.merging so that --help does not import Polars.
POLICIES = ("fail", "keep", "replace", "latest")


@click.command("merge")
@click.argument("ours", type=click.Path())
@click.argument("theirs", type=click.Path())
@click.option("--base", type=click.Path(), help="Common ancestor of OURS and THEIRS: merge cell by cell (three-way).")
@click.option("--on-conflict", type=click.Choice(POLICIES), default="fail", show_default=True,
              help="keep = ours, replace = theirs, latest = later LastModifiedOn (ties ours), fail = stop.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False),
              help="Merged manifest to write (required unless --plan).")
@click.option("--key", help="Comma-separated key columns (default: the kind's key).")
@click.option("--kind", help="Manifest kind of the inputs (default: detected from header and name).")
@click.option("--plan", is_flag=True, help="Show what would be taken from which side; write nothing.")
@format_option(("text", "json"))
def command(ours: str, theirs: str, base: str | None, on_conflict: str, out: str | None, key: str | None,
            kind: str | None, plan: bool, fmt: str) -> None:
    """Merge THEIRS into OURS (two manifests of one kind) and write OUT.

    \b
    Two-way (no --base): a key only one side holds is kept; a key both hold with other
    values is a conflict, decided whole by --on-conflict. Assignments are decided set by
    set (set key + publish state), never half a set. Differences in LastModifiedOn alone
    are no conflict: the later side is taken.
    Three-way (--base): a change made on one side only is taken (edit, added row, removed
    row); two different changes to one cell, an edit against a removal, or two different
    adds of one key are conflicts; the same change on both sides is none. LastModifiedOn
    takes the later time and never conflicts on its own.

    \b
    latest picks the side whose LastModifiedOn (MediaLastModifiedOn, EntityLastModifiedOn;
    for a set its newest row) is later, ties ours; a removal has no time, so an edit with a
    time wins. Kinds without that column refuse latest.

    \b
    With fail (the default) and conflicts, OUT is NOT written (nothing half-merged lands):
    the conflict manifest is written beside it instead (merged.tsv → merged.conflicts.tsv;
    one row per conflicting cell or row: ConflictId, Conflict, key columns, Column, Base,
    Ours, Theirs, BaseLine, OursLine, TheirsLine), the conflicts are listed, exit 1 (also
    with --plan, which writes nothing). A successful merge removes a stale conflict
    manifest. OUT is canonical; its columns are the union (OURS' order, then columns only
    THEIRS has; a column a side lacks is empty there). Duplicate keys or mixed kinds: exit 2.

    \b
    JSON: {"summary": {"rows", "taken_ours", "taken_theirs", "conflicts"}, "output",
    "conflicts_file"}. rows = rows of OUT (with unresolved conflicts: the merge with each
    left at ours); taken_theirs = keys where OUT differs from OURS (a row added, removed or
    changed from theirs), taken_ours = keys where OUT differs from THEIRS; a key with
    changes from both counts in both, a key in an unresolved conflict in neither;
    conflicts = conflicts found (two-way: rows or sets; three-way: cells and edit/removal
    rows), resolved by the policy or not. --plan lists "taken op key: columns" per key.

    \b
    Examples:
      omm merge ours/cms/media.tsv theirs/cms/media.tsv -o merged.tsv --on-conflict latest
      omm merge mine.tsv yours.tsv --base exported.tsv -o merged.tsv
      omm merge mine.tsv yours.tsv --base exported.tsv --plan --format json
    """
    from toolkit.merging import merge
    from toolkit.render import merge as render

    columns = tuple(c.strip() for c in key.split(",") if c.strip()) if key else None
    result = merge(ours, theirs, base, out=out, on_conflict=on_conflict, key=columns, kind=kind, plan=plan)
    data(render.json(result) if fmt == "json" else render.text(result))
    if fmt == "text":
        note(render.summary(result))
    raise SystemExit(1 if result.unresolved else 0)
