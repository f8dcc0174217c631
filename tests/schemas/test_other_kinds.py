"""The smaller kinds: publish_groups, jobs, maps, flattened, default_images, diff."""

from __future__ import annotations

import pytest

from tests.helpers import findings, pandera_accepts, table

U1 = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"

VALID = {
    "publish_groups": table(["PublishGroup", "Description", "ScheduledOn", "Status"],
                            ["spring-2025", "Spring launch", "", "Open"],
                            ["summer", "", "2025-06-01T08:00:00Z", "Scheduled"]),
    "jobs": table(["JobId", "JobType", "Tenant", "Status", "CreatedOn", "RowsTotal", "RowsFailed"],
                  ["20250315-100200-import-1", "Import", "contoso-dev", "Succeeded", "2025-03-15T10:02:00Z", "4", "0"]),
    "maps": table(["Source", "Destination"], ["OUN00001", "OUN10001"], ["OUN00002", ""]),
    "flattened": table(["ProductNumber", "EntityChannel", "EntityLocale", "MediaGroup", "MediaDisplayOrder",
                        "InternalMediaId", "IsDefaultImage", "SourceEntityType", "SourceChannel", "SourceLocale"],
                       ["93039", "", "system_neutral", "Primary", "1", U1, "true", "Product|Master", "",
                        "system_neutral"]),
    "default_images": table(["ProductNumber", "EntityChannel", "EntityLocale", "InternalMediaId", "MediaPublishedURL"],
                            ["93039", "OUN00001", "en-us", U1, f"https://cms.example.com/media/{U1}/en-us/1"]),
    "diff": table(["DiffSeq", "DiffOp", "DiffKind", "ProductNumber"], ["1", "before", "products", "1"],
                  ["1", "after", "products", "1"], ["2", "added", "products", "2"]),
}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid(kind: str) -> None:
    assert findings(VALID[kind], kind) == []
    assert pandera_accepts(VALID[kind], kind)


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("publish_groups", table(["PublishGroup", "ScheduledOn", "Status"], ["g", "", "Scheduled"]),
     [(2, "ScheduledOn", "scheduled_has_time")]),
    ("publish_groups", table(["PublishGroup", "ScheduledOn", "Status"], ["g", "", "Done"]), [(2, "Status", "enum")]),
    ("jobs", table(["JobId", "JobType", "Status"], ["-x", "Import", "Failed"]), [(2, "JobId", "format")]),
    ("jobs", table(["JobId", "JobType", "Status", "RowsTotal"], ["j1", "Import", "Failed", "-1"]),
     [(2, "RowsTotal", "format")]),
    ("jobs", table(["JobId", "JobType", "Status"], ["j1", "Import", "Running"]), [(2, "Status", "enum")]),
    ("jobs", table(["JobId", "JobType", "Status", "Tenant"], ["j1", "Import", "Failed", ".hidden"]),
     [(2, "Tenant", "format")]),
    ("maps", table(["Source", "Destination"], ["a", "x"], ["a", "y"]), None),
    ("diff", table(["DiffSeq", "DiffOp"], ["1", "changed"]), [(2, "DiffOp", "enum")]),
    ("default_images", table(["ProductNumber", "EntityChannel", "EntityLocale", "InternalMediaId"],
                             ["1", "", "en-us", "nope"]), [(2, "InternalMediaId", "format")]),
])
def test_bad(kind: str, text: str, expected: list[tuple[int, str, str]] | None) -> None:
    got = findings(text, kind)
    if expected is None:  # a duplicate key: reported at the later line at least
        assert (3, "Source", "duplicate_key") in got and {r for _, _, r in got} == {"duplicate_key"}
    else:
        assert got == expected


def test_flattened_required_columns() -> None:
    got = findings(table(["ProductNumber", "MediaGroup"], ["1", "Primary"]), "flattened")
    assert [f for f in got if f[0] == 1] == [(1, "EntityChannel", "missing_column"),
                                             (1, "EntityLocale", "missing_column"),
                                             (1, "InternalMediaId", "missing_column")]


def test_flattened_optional_source_locale_may_be_absent() -> None:
    text = table(["ProductNumber", "EntityChannel", "EntityLocale", "MediaGroup", "InternalMediaId"],
                 ["93039", "", "system_neutral", "Primary", U1])
    assert findings(text, "flattened") == []
