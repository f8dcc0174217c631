"""``omm fmt``."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note
from toolkit.errors import InputError


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if any file is not canonical.")
@click.option("--kind", help="Manifest kind of the files (default: detected from header and name).")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-16"]), default="utf-8", show_default=True,
              help="Encoding to write (utf-16 for spreadsheets).")
@format_option(("text", "json"))
def command(paths: tuple[str, ...], check: bool, kind: str | None, encoding: str, fmt: str) -> None:
    """Rewrite manifests in canonical form, in place and atomically.

    Canonical form: UTF-8 without BOM, LF, schema columns in schema order then unknown
    columns, rows sorted by key, canonical tokens, quoting only where needed. Directories
    are searched for *.tsv. With --check nothing is written and the exit code is 1 when a file
    would change (for pre-commit hooks and CI); 2 when a file cannot be read.

    \b
    Examples:
      omm fmt fixtures/workspace/tenants/contoso-dev
      omm fmt --check cms/*.tsv
    """
    from toolkit.formatting import format_paths
    from toolkit.render import formatting as render

    result = format_paths(list(paths), check=check, kind=kind, encoding=encoding)
    data(render.json(result) if fmt == "json" else render.text(result))
    for bad in result.errors:
        note(f"omm: error: {bad.error}")
    note(render.summary(result))
    if result.errors:
        raise SystemExit(InputError.exit_code)
    raise SystemExit(1 if check and result.changed else 0)
