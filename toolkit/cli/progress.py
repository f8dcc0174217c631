"""Progress bars for long work, shown only to a person watching a terminal (SPEC §6)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

import click

# Below these a bar would only flicker: "read" counts bytes (about 4,000 rows), "write" rows,
# "binaries" the distinct files an import reads, "rows" an import's rows (by stage).
MIN_PROGRESS = {"read": 1 << 20, "write": 5_000, "binaries": 200, "rows": 5_000}
LABELS = {"read": "reading", "write": "writing", "binaries": "reading media files", "rows": "importing rows"}


class ProgressBars:
    """Turns ``on_progress(phase, done, total)`` calls into rich progress bars on ``console``.

    Nothing is drawn until a phase is big enough to be worth a bar; the bars vanish when done
    (transient), so the terminal keeps only the summary line.
    """

    def __init__(self, console: Any) -> None:
        self.console = console
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.progress is None:
            if total < MIN_PROGRESS.get(phase, 0):
                return
            from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                     TaskProgressColumn(), console=self.console, transient=True)
            self.progress.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(LABELS.get(phase, phase), total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()


def _is_terminal() -> bool:
    return sys.stderr.isatty()


def progress_bars() -> ProgressBars | None:
    """Bars only for a person watching: stderr is a terminal and --quiet is not given."""
    ctx = click.get_current_context()
    if (ctx.find_root().obj or {}).get("quiet") or not _is_terminal():
        return None
    from rich.console import Console

    return ProgressBars(Console(stderr=True))


