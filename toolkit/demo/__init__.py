"""``omm demo``: build a workspace from ``fixtures/`` with two tenants and walk the whole story.

Each step calls the library as a user's script would, keeps what the CLI would print for the
command a user would type (in the demo workspace), and checks its own outcome, so the demo doubles
as an end-to-end test. Nothing here prints: ``toolkit/cli/demo.py`` renders the steps.

    from toolkit.demo import run_demo
    result = run_demo()                  # a new temporary directory; run_demo(Path("dir")) for yours
    result.ok, [s.title for s in result.steps]

The story, one module per chapter: ``files`` (describe, validate, format), ``authoring`` (import),
``publishing`` (publish, sync, resolve), ``editing`` (export, a Polars edit — ``edit_jeans.py``,
copied into the workspace — diff, patch), ``merging`` (three-way merge, import, publish),
``promotion`` (copy to production with a plan), ``legacy`` (migrate, import, the job log).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from time import perf_counter

from toolkit.demo.model import FIXTURES, Chapter, DemoResult, DemoStep, StepCallback, prepare

__all__ = ["FIXTURES", "DemoResult", "DemoStep", "chapters", "run_demo"]


def chapters() -> tuple[Chapter, ...]:
    """The parts of the story, in order."""
    from toolkit.demo import authoring, editing, files, legacy, merging, promotion, publishing

    return (files.CHAPTER, authoring.CHAPTER, publishing.CHAPTER, editing.CHAPTER, merging.CHAPTER,
            promotion.CHAPTER, legacy.CHAPTER)


def run_demo(target: Path | None = None, on_step: StepCallback | None = None,
             on_start: Callable[[Path], None] | None = None) -> DemoResult:
    """Copy the fixture tenants and inputs to ``target`` (new or empty; default: a new temporary
    directory) and run the story. ``on_start`` is told the workspace once it is built, ``on_step``
    sees each step as soon as it is done."""
    start = perf_counter()
    story = prepare(target)
    if on_start is not None:
        on_start(story.ws)
    steps: list[DemoStep] = []
    for chapter in chapters():
        for step in chapter.steps(story):
            steps.append(replace(step, chapter=chapter.title))
            if on_step is not None:
                on_step(steps[-1])
    return DemoResult(story.ws, tuple(steps), perf_counter() - start)
