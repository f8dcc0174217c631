"""Chapter A: manifests are files — describe, validate and format them before they touch a tenant."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.demo.model import Chapter, DemoStep, Story


def _schema_step() -> DemoStep:
    from toolkit.kinds import get_kind
    from toolkit.render.schema import kind_text
    from toolkit.schema_doc import kinds_overview

    kinds = kinds_overview()
    lines = kind_text(get_kind("channels")).splitlines()
    return DemoStep(f"Describe a manifest kind (one of {len(kinds)})", "omm schema channels", tuple(lines),
                    len(kinds) > 1 and lines[0].startswith("channels: key ChannelId"),
                    "Every manifest is a .tsv whose header tells its kind; the kind fixes its columns, allowed "
                    "values, rules and key. omm schema lists the kinds; --format json gives a Frictionless Table "
                    "Schema.")


def _broken_step(story: Story) -> DemoStep:
    from toolkit.render import validation as render
    from toolkit.validation import validate

    report = validate([story / "inputs/several-errors.tsv"])
    return DemoStep("Validate a broken manifest", "omm validate inputs/several-errors.tsv",
                    story.shown(render.text(report, limit=4), render.summary(report)),
                    not report.valid and report.error_count > 4,
                    "Every failure is reported at once, with file, line, column, the value as written and the rule "
                    "— not just the first one.")


def _spreadsheet_step(story: Story) -> DemoStep:
    from toolkit.formatting import format_paths
    from toolkit.render import formatting as render

    target = story / "inputs/spreadsheet-export.tsv"
    before = target.stat().st_size
    result = format_paths([target])
    after = target.read_text(encoding="utf-8").splitlines()
    lines = (*story.shown(render.text(result), render.summary(result)),
             f"(before: {before} bytes of UTF-16 with CRLF, columns shuffled, 'master', 'Omnichannel', 'Neutral', "
             "'01', '+01:00' offsets, upper-case GUIDs;",
             f" after: {target.stat().st_size} bytes of canonical UTF-8 sorted by key, the unknown "
             "'Reviewer notes' column kept:)",
             *(f"  {line[:100]}…" for line in after[:3]))
    return DemoStep("Format a spreadsheet export into canonical form", "omm fmt inputs/spreadsheet-export.tsv", lines,
                    bool(result.changed) and not result.errors,
                    "Spreadsheets save UTF-16, CRLF and their own spellings; canonical form makes files diffable "
                    "and reviewable.")


def _check_step(story: Story) -> DemoStep:
    from toolkit.formatting import format_paths
    from toolkit.render import formatting as render

    result = format_paths([story / "tenants"], check=True)
    lines = story.shown(render.text(result), render.summary(result))
    return DemoStep("Check that both tenants are in canonical form", "omm fmt --check tenants", lines,
                    not result.changed and not result.errors,
                    "--check changes nothing and exits 1 when a file would change: the pre-commit hook and CI gate.")


def steps(story: Story) -> Iterator[DemoStep]:
    yield _schema_step()
    yield _broken_step(story)
    yield _spreadsheet_step(story)
    yield _check_step(story)


CHAPTER = Chapter("Manifests are files: describe, check and format them", steps)
