"""``omm validate``."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--kind", help="Manifest kind of the files (default: detected from header and name).")
@click.option("--max-errors", default=50, show_default=True, type=click.IntRange(min=0),
              help="Errors listed in text and github output; 0 lists all (json always lists all).")
@format_option(("text", "json", "github"))
def command(paths: tuple[str, ...], kind: str | None, max_errors: int, fmt: str) -> None:
    """Validate manifest files, tenant directories or whole workspaces.

    Each file is checked against its kind's schema (every rule, not just the first failure);
    a tenant is also checked across manifests: unknown assets, channels and locales, products
    and categories missing from the catalog, swatches that are neither a color nor an image.
    Exit 0 when valid, 1 when something failed, 2 when a path cannot be used.

    \b
    Examples:
      omm validate fixtures/workspace/tenants/contoso-dev
      omm validate cms/assignments.tsv --format json
      omm validate fixtures/workspace --format github   # annotations in a GitHub Actions run
    """
    from toolkit.render.validation import render, summary
    from toolkit.validation import validate

    report = validate(list(paths), kind=kind)
    data(render(report, fmt, max_errors))
    if fmt == "text":
        note(summary(report))
    raise SystemExit(0 if report.valid else 1)
