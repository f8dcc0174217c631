"""``omm demo``."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.output import data, note


@click.command("demo")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def command(directory: Path | None) -> None:
    """Build a demo workspace from fixtures/ and walk the story, printing each step.

    DIRECTORY must be new or empty; by default a temporary directory is used. Exit 0 when
    every step did what it should.

    \b
    Examples:
      omm demo
      omm demo /tmp/omm-demo
    """
    from toolkit.demo import run_demo

    result = run_demo(directory)
    note(f"demo workspace: {result.workspace}")
    for number, step in enumerate(result.steps, start=1):
        mark = "✓" if step.ok else "✗"
        data(f"\n{mark} {number}. {step.title}\n  $ {step.command}\n")
        data("".join(f"    {line}\n" for line in step.output))
    raise SystemExit(0 if result.ok else 1)
