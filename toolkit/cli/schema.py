"""``omm schema``."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option


@click.command("schema")
@click.argument("kind", required=False)
@format_option(("text", "json"))
def command(kind: str | None, fmt: str) -> None:
    """Show the manifest kinds, or one kind's columns, types, allowed values, rules and key.

    With --format json a kind is given as a Frictionless Table Schema.

    \b
    Examples:
      omm schema
      omm schema assets
      omm schema assignments --format json > assignments.schema.json
    """
    from toolkit.render import schema as render
    from toolkit.schema_doc import describe, kinds_overview

    if kind is None:
        kinds = kinds_overview()
        data(render.overview_json(kinds) if fmt == "json" else render.overview_text(kinds))
        return
    k = describe(kind)
    data(render.kind_json(k) if fmt == "json" else render.kind_text(k))
