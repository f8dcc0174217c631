"""``omm migrate legacy``."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note


@click.group("migrate")
def group() -> None:
    """Migrate media from other systems into assets and assignment manifests.

    \b
    Examples:
      omm migrate legacy --tenant contoso-dev --listing fixtures/legacy/listing.txt \\
          --category-channel OUN00001 -o migrated/
    """


@group.command("legacy")
@click.option("--tenant", "-t", "tenant_id", required=True, help="Tenant whose catalog the names are matched against.")
@click.option("--listing", type=click.Path(dir_okay=False), help="Text file, one legacy path a line (/ or \\).")
@click.option("--media-dir", type=click.Path(file_okay=False), help="Directory of legacy files, walked.")
@click.option("--category-channel", "channels", multiple=True, metavar="OUN…",
              help="Channel for category sets (repeatable or comma separated); without it category files are "
                   "unmatched.")
@click.option("--separator", default="^", show_default=True, help="Separator between product number and values.")
@click.option("--dimension-order", default="Style,Size,Color", show_default=True,
              help="Order of the dimension values in variant names.")
@click.option("--sequence", default="1-5", show_default=True, metavar="FIRST-LAST",
              help="Image numbers _000_NNN taken; others are unmatched.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Directory for assets.tsv, assignments.tsv and unmatched.tsv (created).")
@format_option(("text", "json"))
def legacy_command(tenant_id: str, listing: str | None, media_dir: str | None, channels: tuple[str, ...],
                   separator: str, dimension_order: str, sequence: str, output: str, fmt: str) -> None:
    """Turn a legacy, file-name based media library into Draft assets and assignment sets.

    \b
    Names (folders in any case; a {LanguageId}/ folder first gives the locale, none = Neutral):
      Products/{ProductNumber}_000_{NNN}.{ext}                       the product's own set
      Products/{ProductNumber} ^ {Style} ^ {Size} ^ {Color} ^_000_{NNN}.{ext}   variants
      Products/{ProductNumber} ^ {Configuration}_000_{NNN}.{ext}     configuration variants
      Categories/{CategoryName}.{ext}                                category (one image)
    NNN is the display order (001 the default image). Spaces around values are ignored; an
    empty value (two spaces between carets) matches every value of that dimension, so one file
    can serve several variants. A variant takes the pictures of the most specific name that
    fits it. When variants of a master share pictures, dimension-matrix cells on the
    dimensions that vary the pictures (93039|Color:Black) replace their variant sets.

    \b
    Writes to -o DIR, through the canonical writer:
      assets.tsv       one new Draft asset per file: MediaImportPath = the path (relative to
                       the media directory), MediaSourceProvider legacy + MediaSourceId = the
                       path, so importing again never duplicates
      assignments.tsv  Draft sets naming their assets by MediaDisplayName
      unmatched.tsv    Path, Reason, Detail for every path not migrated
    Import them with omm import (assets with --media-dir, then assignments). The summary goes
    to stderr; --format json prints it on stdout ({"tenant", "paths", "assets", "sets",
    "assignment_rows", "matrix", "unmatched": {"total", "by_reason"}, "files", …}).

    \b
    Examples:
      omm migrate legacy --tenant contoso-dev --listing fixtures/legacy/listing.txt \\
          --category-channel OUN00001 -o migrated/
      omm migrate legacy -t contoso-dev --media-dir fixtures/legacy/media -o migrated/ --format json
      omm migrate legacy -t contoso-dev --listing old.txt --separator '|' \\
          --dimension-order Color,Size,Style --sequence 1-9 -o migrated/
    """
    from toolkit.migration import LegacyGrammar, migrate_legacy, parse_dimension_order, parse_sequence
    from toolkit.render import migration as render

    grammar = LegacyGrammar(separator, parse_dimension_order(dimension_order), parse_sequence(sequence))
    result = migrate_legacy(click.get_current_context().find_root().obj["workspace"], tenant_id, output,
                            listing=listing, media_dir=media_dir, category_channels=channels, grammar=grammar)
    if fmt == "json":
        data(render.json(result))
    else:
        note(render.summary(result))
