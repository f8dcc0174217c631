"""Where CLI output goes: data to stdout, messages to stderr (silenced by --quiet)."""

from __future__ import annotations

import click


def data(text: str | bytes) -> None:
    """Write rendered data (text, or bytes such as a manifest) to stdout as is."""
    if text:
        click.echo(text, nl=False)


def note(message: str) -> None:
    """A message for the person at the terminal, on stderr; --quiet silences it."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and (ctx.find_root().obj or {}).get("quiet"):
        return
    click.echo(message, err=True)


def format_option(choices: tuple[str, ...], default: str = "text") -> click.decorators.FC:  # type: ignore[name-defined]
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format.")
