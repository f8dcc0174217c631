"""Chapter E: work together — merge a colleague's edit of the same export, import it back, publish, check."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.demo.authoring import run_import
from toolkit.demo.editing import EXPORT, OURS, THEIRS, edit_step
from toolkit.demo.model import DEV, Chapter, DemoStep, Story
from toolkit.demo.publishing import publish_lines, resolve_step, sync_lines

MERGED = "jeans-merged.tsv"
BACK_VIEW = "59c96fad-e227-402c-abec-6fefba40d6be"  # "Jeans black back", second in 93039's gallery until our edit


def _merge(story: Story) -> DemoStep:
    from toolkit.merging import merge
    from toolkit.render import merge as render

    r = merge(story / OURS, story / THEIRS, base=story / EXPORT, out=story / MERGED)
    s = r.summary
    return DemoStep("Three-way merge of the two edits", f"omm merge {OURS} {THEIRS} --base {EXPORT} -o {MERGED}",
                    story.shown(render.text(r), render.summary(r)),
                    s.conflicts == 0 and s.taken_ours > 0 and s.taken_theirs > 0 and (story / MERGED).is_file(),
                    "Against the export both started from, a change made on one side only is simply taken; only "
                    "two different changes to one cell would conflict (and --on-conflict would decide).")


def _import(story: Story) -> DemoStep:
    r, command, lines = run_import(story, MERGED)
    return DemoStep("Import the merged file", command, lines, r.rows.failed == 0 and r.rows.succeeded > 0,
                    "Only the two sets that changed become new drafts; the unchanged sets of the export are "
                    "skipped.")


def _publish(story: Story) -> DemoStep:
    from toolkit.publishing import publish, selection
    from toolkit.resolution import sync

    p = publish(story.tenant(), selection(products=["93039"]))
    s = sync(story.tenant())
    return DemoStep("Publish the jeans (and sync, as publish does)", f"omm publish --tenant {DEV} --product 93039",
                    (*publish_lines(story, p), *sync_lines(story, s)),
                    p.status == "Succeeded" and p.rows.failed == 0 and s.status == "Succeeded" and s.changed > 0,
                    "Publish runs sync unless --no-sync. Sync is incremental: it recomputes the chunks (5,000 "
                    "products each) whose inputs changed and copies the rest, so this small tenant is one chunk.")


def steps(story: Story) -> Iterator[DemoStep]:
    yield edit_step(story, "theirs", THEIRS, "Meanwhile a colleague edits the same export",
                    "She takes the care guide (a PDF) off the online store's gallery, in her own copy.")
    yield _merge(story)
    yield _import(story)
    yield _publish(story)
    yield resolve_step(story, "The channels now lead with the back view",
                       "--tier hq reads what sync wrote to hq/media_assignments.tsv, the rows HQ and the channels "
                       "serve: the new default image (*) is there.",
                       "93039", lambda r: r.default_image == BACK_VIEW, tier="hq")


CHAPTER = Chapter("Work together: three-way merge, import, publish", steps)
