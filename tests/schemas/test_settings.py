"""schemas/settings.py — Name/Value rows of a tenant (SPEC §4 settings)."""

from __future__ import annotations

import pytest

from schemas.settings import DEFAULTS, FLAGS
from tests.helpers import findings, pandera_accepts, table

H = ["Name", "Value"]
GOOD = [["CmsBaseUrl", "https://cms.contoso.example/media"], ["OmnichannelContent", "true"],
        ["CsuMediaLocations", "false"], ["Free.Setting_2", "anything at all"], ["EmptyOne", ""]]


def manifest(*rows: list[str], header: list[str] = H) -> str:
    return table(header, *rows)


def test_flags_and_defaults() -> None:
    assert FLAGS == ("OmnichannelContent", "CsuMediaLocations")
    assert DEFAULTS["OmnichannelContent"] == DEFAULTS["CsuMediaLocations"] == "true"
    assert DEFAULTS["CmsBaseUrl"].startswith("https://")


def test_valid() -> None:
    text = manifest(*GOOD)
    assert findings(text, "settings") == []
    assert pandera_accepts(text, "settings")


@pytest.mark.parametrize(("row", "expected"), [
    (["OmnichannelContent", "maybe"], [(2, "Value", "flag_is_boolean")]),
    (["CsuMediaLocations", ""], [(2, "Value", "flag_is_boolean")]),
    (["CmsBaseUrl", "cms.example.com"], [(2, "Value", "base_url_is_http")]),
    (["CmsBaseUrl", ""], [(2, "Value", "base_url_is_http")]),
    (["1Name", "x"], [(2, "Name", "format")]),
    (["My Setting", "x"], [(2, "Name", "format")]),
    (["", "x"], [(2, "Name", "required_value")]),
])
def test_one_bad_row_one_finding(row: list[str], expected: list[tuple[int, str, str]]) -> None:
    assert findings(manifest(row, ["Other", "1"]), "settings") == expected


def test_duplicate_name() -> None:
    got = findings(manifest(["A", "1"], ["A", "2"]), "settings")
    assert (3, "Name", "duplicate_key") in got
    assert {r for _, _, r in got} == {"duplicate_key"}


def test_value_column_is_required() -> None:
    assert findings(manifest(["A"], header=["Name"]), "settings", name="settings.tsv") == [(1, "Value", "missing_column")]


def test_flag_values_are_not_canonicalized() -> None:
    # Value is free text: 'TRUE' is kept as written and is not a canonical flag value
    assert findings(manifest(["OmnichannelContent", "TRUE"]), "settings") == [(2, "Value", "flag_is_boolean")]
