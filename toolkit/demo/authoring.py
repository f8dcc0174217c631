"""Chapter B: author content in contoso-dev by bulk import, row by row, as jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.demo.model import DEV, Chapter, DemoStep, Story

if TYPE_CHECKING:
    from toolkit.importing.job import ImportResult


def run_import(story: Story, manifest: str | Path, media_dir: str | None = None,
               tenant_id: str = DEV) -> tuple[ImportResult, str, tuple[str, ...]]:
    """Import ``manifest`` (relative to the workspace) as ``omm import`` does: the result, the
    command line and what it prints."""
    from toolkit.importing.job import ImportOptions, import_manifest
    from toolkit.render.importing import summary

    opts = ImportOptions(media_dir=None if media_dir is None else str(story / media_dir))
    result = import_manifest(story.tenant(tenant_id), story / str(manifest), opts)
    command = f"omm import {manifest} --tenant {tenant_id}" + (f" --media-dir {media_dir}" if media_dir else "")
    return result, command, story.shown(summary(result))


def _assets(story: Story) -> tuple[DemoStep, str]:
    r, command, lines = run_import(story, "inputs/import-assets.tsv", "media")
    step = DemoStep("Import new assets", command, lines, r.status == "Succeeded" and r.rows.failed == 0,
                    "Each binary is read from --media-dir, hashed into cms/blobs by SHA-256 and measured; each new "
                    "asset gets its InternalMediaId. The job writes a result manifest.")
    return step, f"tenants/{DEV}/{r.result}"


def _assignments(story: Story) -> DemoStep:
    r, command, lines = run_import(story, "inputs/import-assignments.tsv")
    return DemoStep("Import assignment sets", command, lines, r.rows.failed == 0 and r.rows.succeeded == r.rows.total,
                    "Assignments arrive as whole sets (media of one entity in one channel and locale): here a "
                    "published set, a matrix cell, a variant draft and a category.")


def _again(story: Story, result_manifest: str) -> DemoStep:
    r, command, lines = run_import(story, result_manifest, "media")
    return DemoStep("Import the result manifest again", command, lines,
                    r.rows.total > 0 and r.rows.skipped == r.rows.total,
                    "The result manifest carries the ids the first run gave, so fixing it and importing again "
                    "never duplicates: every row is skipped as unchanged.")


def _bad(story: Story) -> DemoStep:
    r, command, lines = run_import(story, "inputs/import-assets-bad.tsv", "media")
    return DemoStep("Import a manifest with one bad row per class", command, lines,
                    r.status == "CompletedWithErrors" and r.rows.failed > 0 and r.rows.succeeded > 0,
                    "One bad row never stops the others: each fails with its own ErrorCode (exit 3), the good rows "
                    "import, and the job can be retried.")


def validate_step(story: Story, title: str, why: str) -> DemoStep:
    """``omm validate .``: both tenants, every manifest and the integrity between them."""
    from toolkit.render import validation as render
    from toolkit.validation import validate

    report = validate([story.ws])
    lines = story.shown(render.text(report, limit=5), render.summary(report))
    return DemoStep(title, "omm validate .", lines, report.valid, why)


def steps(story: Story) -> Iterator[DemoStep]:
    step, result_manifest = _assets(story)
    yield step
    yield _assignments(story)
    yield _again(story, result_manifest)
    yield _bad(story)
    yield validate_step(story, "Validate both tenants after the imports",
                        "Validation checks every row's schema and, across a tenant's manifests, that assignments "
                        "name known assets, channels, locales, products and categories.")


CHAPTER = Chapter("Author content in contoso-dev: bulk import", steps)
