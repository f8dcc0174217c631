"""``omm demo``."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.cli.output import data, note

if TYPE_CHECKING:
    from toolkit.demo import DemoStep

WIDTH, INDENT = 100, "     "


class _Printer:
    """Prints each step as it finishes: a chapter heading when the chapter changes, the title with
    ✓ or ✗, why the step matters, the command and its output."""

    def __init__(self) -> None:
        self.number = 0
        self.chapters: list[str] = []

    def __call__(self, step: DemoStep) -> None:
        self.number += 1
        if not self.chapters or self.chapters[-1] != step.chapter:
            self.chapters.append(step.chapter)
            data(f"\n━━ {chr(ord('A') + len(self.chapters) - 1)}. {step.chapter}\n")
        mark = "✓" if step.ok else "✗"
        data(f"\n{mark} {self.number}. {step.title}\n")
        data(textwrap.fill(step.why, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT) + "\n" if step.why else "")
        data(f"  $ {step.command}\n" + "".join(f"    {line}".rstrip() + "\n" for line in step.output))


def _started(workspace: Path) -> None:
    note(f"demo workspace: {workspace}")
    data("Two tenants, contoso-dev and contoso-prod, and the story's inputs were copied from fixtures/ into the\n"
         "demo workspace above; every command below runs there (cd to it to run them yourself).\n")


@click.command("demo")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def command(directory: Path | None) -> None:
    """Build a demo workspace from fixtures/ and walk the whole story, printing each step.

    Two tenants, contoso-dev and contoso-prod, and the inputs the story uses are copied into
    DIRECTORY (new or empty; by default a new temporary directory). Then, step by step: describe,
    validate and format manifests; import assets and assignment sets; publish, sync and resolve;
    export, edit with a Polars script, diff and patch; a three-way merge, imported and published;
    copy to production with a plan; migrate a legacy library; the job log. Each step shows why it
    matters, the command a user would type in DIRECTORY and what it prints, and checks its
    outcome (✓ or ✗). Runs offline in a few seconds; exit 0 when every step did what it should.

    \b
    Examples:
      omm demo
      omm demo /tmp/omm-demo && cd /tmp/omm-demo && omm jobs
    """
    from toolkit.demo import run_demo

    result = run_demo(directory, on_step=_Printer(), on_start=_started)
    failed = [s.title for s in result.steps if not s.ok]
    verdict = (f"✓ all {len(result.steps)} steps did what they should" if not failed
               else f"✗ {len(failed)} of {len(result.steps)} steps did not: {'; '.join(failed)}")
    note(f"\n{verdict} ({result.seconds:.1f} s). The workspace stays, to explore: cd {result.workspace} && omm jobs")
    raise SystemExit(0 if result.ok else 1)
