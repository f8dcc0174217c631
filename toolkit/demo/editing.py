"""Chapter D: edit in bulk — export a product's assignments, change them with a script, see the change."""

from __future__ import annotations

import inspect
import shutil
from collections.abc import Iterator

from toolkit.demo import edit_jeans
from toolkit.demo.model import DEV, Chapter, DemoStep, Story

EXPORT, OURS, THEIRS = "jeans.tsv", "jeans-ours.tsv", "jeans-theirs.tsv"
SCRIPT = "edit_jeans.py"


def _export(story: Story) -> DemoStep:
    from toolkit.export import export
    from toolkit.render.export import summary

    r = export(story.ws, DEV, "assignments", story / EXPORT, products=["93039"], locale="en-us")
    return DemoStep("Export a product's assignments for editing",
                    f"omm export assignments --tenant {DEV} --products 93039 --locale en-us -o {EXPORT}",
                    story.shown(summary(r)), r.rows > 0 and (story / EXPORT).is_file(),
                    "Bulk edits happen in files: the export holds every column of the product's sets (master, "
                    "variants, matrix cells, swatches), canonical, so a diff shows only what you change.")


def edit_step(story: Story, name: str, target: str, title: str, why: str) -> DemoStep:
    """Run edit ``name`` of the script the demo put in the workspace; the output is its Polars code."""
    if not (story / SCRIPT).is_file():
        shutil.copyfile(edit_jeans.__file__, story / SCRIPT)
    edit_jeans.edit(name, story / EXPORT, story / target)
    code = tuple(inspect.getsource(edit_jeans.EDITS[name]).rstrip().splitlines())
    changed = (story / target).read_bytes() != (story / EXPORT).read_bytes()
    return DemoStep(title, f"python {SCRIPT} {name} {EXPORT} {target}", (f"# {SCRIPT}, the edit '{name}':", *code),
                    changed, why)


def _diff(story: Story) -> DemoStep:
    from toolkit.delta import diff
    from toolkit.render import diff as render

    d = diff(story / EXPORT, story / OURS)
    s = d.summary
    return DemoStep("Diff the export before and after the edit", f"omm diff {EXPORT} {OURS}",
                    story.shown(render.text(d), render.summary(d)),
                    (s.changed, s.added, s.removed) == (2, 0, 0),
                    "Rows are matched on their key and compared cell by cell, so the review shows exactly the two "
                    "cells that moved (exit 1: differences; --format markdown or github for a pull request).")


def _patch(story: Story) -> DemoStep:
    from toolkit.delta import diff_files, patch, to_frame
    from toolkit.tsv import manifest_bytes, read_manifest

    changes, patched = "ours.diff.tsv", "jeans-patched.tsv"
    (story / changes).write_bytes(manifest_bytes(to_frame(diff_files(story / EXPORT, story / OURS)), "diff"))
    r = patch(story / EXPORT, story / changes, story / patched)
    same = (story / patched).read_bytes() == manifest_bytes(read_manifest(story / OURS))
    return DemoStep("Ship the change as a diff manifest and patch it in",
                    f"omm diff {EXPORT} {OURS} --format tsv -o {changes} && omm patch {EXPORT} {changes} -o {patched}",
                    (f"{r.changed} changed, {r.added} added, {r.removed} removed → {patched}",
                     f"({patched} is byte for byte {OURS}: {same})"), same,
                    "A diff in --format tsv is itself a manifest: patch checks it was made from this file, then "
                    "applies it — patch(OLD, diff(OLD, NEW)) == NEW.")


def steps(story: Story) -> Iterator[DemoStep]:
    yield _export(story)
    yield edit_step(story, "ours", OURS, "Edit the export with a Polars script: show the back view first",
                    "Any tool that writes TSV will do; omm reads it back whatever its encoding, line ends or "
                    "column order. Here: swap the first two images of the master's gallery.")
    yield _diff(story)
    yield _patch(story)


CHAPTER = Chapter("Edit in bulk: export, script, review", steps)
