"""``omm export``."""

from __future__ import annotations

from contextlib import nullcontext

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.progress import progress_bars

# Kept here as well as in toolkit.export so that --help does not import Polars.
KINDS = ("assets", "assignments")
STATES = ("all", "published", "draft")
@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--tenant", "-t", "tenant_id", required=True, help="Tenant to export from (tenants/<id>/).")
@click.option("--products", "-p", "products", multiple=True, metavar="P[,P…]",
              help="Only the sets of these products (master, variants, matrix cells, swatches); "
                   "for assets, the assets those sets name. Repeatable or comma separated.")
@click.option("--locale", metavar="LOCALE", help="Only rows of this locale (de-de, en_US …) and Neutral rows.")
@click.option("--all-locales", is_flag=True, help="Rows of every locale (the default).")
@click.option("--state", type=click.Choice(STATES), default="all", show_default=True,
              help="Published rows, draft rows, or both.")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-16"]), default="utf-8", show_default=True,
              help="utf-16 writes UTF-16 LE with BOM, what spreadsheets open as Unicode text.")
@click.option("--excel-safe", is_flag=True,
              help="Prefix ' to cells a spreadsheet would run as a formula (=, +, -, @, tab, CR; not plain numbers).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: - for stdout).")
@format_option(("text", "json"))
def command(kind: str, tenant_id: str, products: tuple[str, ...], locale: str | None, all_locales: bool, state: str,
            encoding: str, excel_safe: bool, output: str, fmt: str) -> None:
    """Export a tenant's assets (cms/media.tsv) or assignments (cms/assignments.tsv).

    Every column is written, unknown ones included, in canonical form: the same data gives
    the same bytes. The manifest goes to -o FILE (atomically) or to stdout; FILE may not be
    inside the tenant (tenants change only through omm import).

    \b
    Filters, combined with AND:
      --products  a product's own set, its variants' sets (hq/products.tsv), its
                  dimension-matrix cells and swatches; assets: every asset those sets
                  name (all locales and states, before --locale and --state apply).
                  An unknown product number is an error.
      --locale    that locale's rows plus the Neutral (system_neutral) rows it inherits
                  (assignments: EntityLocale, assets: MediaLocale).
      --state     published or draft rows (an empty state counts as published). The
                  default, all, keeps both, so export → edit → import round-trips.
    --excel-safe changes the cells it guards: strip the ' before importing the file again.

    \b
    The summary goes to stderr; --format json prints it on stdout instead
    ({"tenant", "kind", "output", "rows", "total_rows", "filters": {"products",
    "locale", "state"}, "encoding", "excel_safe", "cells_guarded"}), so it needs -o FILE.
    A progress bar shows on a terminal for large exports.

    \b
    Examples:
      omm export --tenant contoso-dev assignments --products 93039 -o jeans.tsv
      omm export -t contoso-dev assets --locale de-de --state draft -o drafts.tsv
      omm export -t contoso-dev assets --encoding utf-16 --excel-safe -o media.txt
      omm --workspace fixtures/workspace export -t contoso-dev assignments | head
    """
    from toolkit.errors import UsageError
    from toolkit.export import export
    from toolkit.render import export as render

    if locale is not None and all_locales:
        raise UsageError("--locale and --all-locales exclude each other", "give one of them")
    to_stdout = output == "-"
    if fmt == "json" and to_stdout:
        raise UsageError("--format json prints the summary on stdout, where the manifest would go",
                         "give -o FILE for the manifest")
    bars = progress_bars()
    with bars if bars is not None else nullcontext():
        result = export(click.get_current_context().find_root().obj["workspace"], tenant_id, kind,
                        None if to_stdout else output, products=products, locale=locale, state=state,
                        encoding=encoding, excel_safe=excel_safe, on_progress=bars)
    if to_stdout:
        data(result.content)
    if fmt == "json":
        data(render.json(result))
    else:
        note(render.summary(result))

