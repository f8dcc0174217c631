"""Chapter G: bring in a legacy, file-name based media library; then look back at what was recorded."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.demo.authoring import run_import, validate_step
from toolkit.demo.model import DEV, PROD, Chapter, DemoStep, Story

MIGRATED = "migrated"


def _migrate(story: Story) -> DemoStep:
    from toolkit.migration import migrate_legacy
    from toolkit.render.migration import summary

    r = migrate_legacy(story.ws, DEV, story / MIGRATED, listing=story / "legacy/listing.txt",
                       category_channels=["OUN00001"])
    return DemoStep("Migrate a legacy media library",
                    f"omm migrate legacy --tenant {DEV} --listing legacy/listing.txt --category-channel OUN00001 "
                    f"-o {MIGRATED}",
                    story.shown(summary(r)), r.assets > 0 and r.assets + r.unmatched_count == r.paths,
                    "Old libraries named files after the catalog (Products/93039 ^  ^  ^ Black ^_000_001.png): the "
                    "names become Draft assets and sets, variants sharing pictures become matrix cells, and every "
                    "name that matches nothing is listed in unmatched.tsv with its reason.")


def _import(story: Story) -> DemoStep:
    assets, first, first_lines = run_import(story, f"{MIGRATED}/assets.tsv", "legacy/media")
    sets, second, second_lines = run_import(story, f"{MIGRATED}/assignments.tsv")
    return DemoStep("Import what the migration wrote", f"{first} && {second}", (*first_lines, *second_lines),
                    assets.rows.failed == sets.rows.failed == 0 and sets.rows.succeeded > 0,
                    "The migrated manifests are ordinary imports: the binaries come from the legacy folder, and "
                    "the drafts wait for review and omm publish.")


def _jobs(story: Story) -> DemoStep:
    from toolkit.jobs import list_jobs
    from toolkit.render.jobs import job_list

    jobs = list_jobs(story.ws, PROD)
    return DemoStep("Every change was a job", f"omm jobs --tenant {PROD}", story.shown(job_list(jobs, "text")),
                    len(jobs) >= 2 and all(j.status == "Succeeded" for j in jobs),
                    "Each command that changed a tenant ran as one all-or-nothing job with a row in jobs/jobs.tsv "
                    "and its input, plan or result manifest under jobs/<id>/ (omm jobs show ID).")


def steps(story: Story) -> Iterator[DemoStep]:
    yield _migrate(story)
    yield _import(story)
    yield _jobs(story)
    yield validate_step(story, "Both tenants are still valid",
                        "After imports, publishes, syncs, a merge, a copy and a migration, every manifest of both "
                        "tenants, the sync outputs included, still passes every rule.")


CHAPTER = Chapter("Bring in a legacy library, and look back", steps)
