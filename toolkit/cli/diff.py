"""``omm diff`` and ``omm patch``."""

from __future__ import annotations

import os
import sys

import click

from toolkit.cli.output import data, format_option, note

_FORMATS = ("text", "tsv", "json", "markdown", "github", "html")


def _names(values: tuple[str, ...]) -> tuple[str, ...]:
    """Options given several times or comma separated (``--ignore A --ignore B,C``)."""
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


def _emit(rendered: str | bytes, output: str | None) -> None:
    if output is None:
        data(rendered)
        return
    from pathlib import Path

    from toolkit.tsv import atomic_write

    atomic_write(Path(output), rendered.encode("utf-8") if isinstance(rendered, str) else rendered)


@click.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--key", "keys", multiple=True, metavar="COL[,COL…]",
              help="Columns that identify a row (default: the kind's key).")
@click.option("--ignore", "ignore", multiple=True, metavar="COL[,COL…]",
              help="Columns left out of the comparison, e.g. EntityLastModifiedOn. Repeatable.")
@click.option("--kind", help="Manifest kind of both files (default: detected from header and name).")
@click.option("--stat", is_flag=True, help="Counts only, no rows.")
@click.option("--low-memory/--in-memory", "low_memory", default=None,
              help="Stream the files (two passes, little memory) or load them; default: stream large files.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the output to this file.")
@format_option(_FORMATS)
def diff_command(old: str, new: str, keys: tuple[str, ...], ignore: tuple[str, ...], kind: str | None,
                 stat: bool, low_memory: bool | None, output: str | None, fmt: str) -> None:
    """Compare two manifests of one kind, or two directories manifest by manifest.

    Rows are matched on the kind's key (or --key) and compared cell by cell after canonical
    spelling: column order, line endings, encodings and token spellings are never differences.
    Directories (two tenants, two tiers) are compared file by file; jobs/ is left out.
    --format tsv writes a diff manifest that omm patch applies. Exit 0 when equal, 1 when
    different, 2 on bad input (duplicate keys name the key and lines).

    \b
    Examples:
      omm diff old/cms/assignments.tsv new/cms/assignments.tsv --ignore EntityLastModifiedOn
      omm diff tenants/contoso-dev tenants/contoso-prod --stat
      omm diff a.tsv b.tsv --format markdown > comment.md
      omm diff a.tsv b.tsv --format tsv -o changes.tsv && omm patch a.tsv changes.tsv -o b2.tsv
    """
    from toolkit.delta import diff
    from toolkit.render.diff import render, summary

    result = diff(old, new, key=_names(keys) or None, ignore=_names(ignore), kind=kind, low_memory=low_memory)
    color = fmt == "text" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    _emit(render(result, fmt, stat, color), output)
    if fmt == "text" and not stat:
        note(summary(result))
    raise SystemExit(0 if result.equal else 1)


@click.command("patch")
@click.argument("old", type=click.Path())
@click.argument("diff_file", metavar="DIFF", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Where to write the patched manifest (default: stdout).")
@click.option("--kind", help="Manifest kind of OLD (default: detected).")
@click.option("--check", is_flag=True, help="Only check that the diff applies to OLD; write nothing.")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-16"]), default="utf-8", show_default=True,
              help="Encoding to write.")
@format_option(("text", "json"))
def patch_command(old: str, diff_file: str, output: str | None, kind: str | None, check: bool, encoding: str,
                  fmt: str) -> None:
    """Apply a diff manifest (omm diff --format tsv) to OLD.

    Refuses, with exit 2 and the first row that disagrees, when OLD is not the manifest the
    diff was made from: a removed or changed row missing or different, an added row already
    there. patch(OLD, diff(OLD, NEW)) equals NEW, written canonically and atomically.

    \b
    Examples:
      omm diff a.tsv b.tsv --format tsv -o changes.tsv
      omm patch a.tsv changes.tsv -o b.tsv
      omm patch a.tsv changes.tsv --check
    """
    from toolkit.delta import patch
    from toolkit.render.common import to_json
    from toolkit.tsv import manifest_bytes

    if fmt == "json" and output is None and not check:
        raise click.UsageError("--format json prints a summary; give -o OUT for the manifest (or --check)")
    result = patch(old, diff_file, None if check else output, kind=kind, encoding=encoding)
    if fmt == "json":
        data(to_json(result.to_dict()))
    elif output is None and not check:
        data(manifest_bytes(result.frame, result.kind, encoding))
    where = "applies cleanly" if check else f"→ {output or 'stdout'}"
    note(f"{result.changed} changed, {result.added} added, {result.removed} removed {where}")
