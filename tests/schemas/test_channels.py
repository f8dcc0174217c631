"""schemas/channels.py — channels of a tenant (SPEC §4 channels)."""

from __future__ import annotations

import pytest

from tests.helpers import findings, pandera_accepts, table
from toolkit.tsv import read_manifest_bytes

H = ["ChannelId", "ChannelName", "ChannelType", "DefaultLocale", "Locales"]
ONLINE = ["OUN00001", "Contoso Online", "Online", "en-us", "en-us,fr-fr"]
STORE = ["OUN00002", "Seattle", "Store", "en-us", "en-us"]


def manifest(*rows: list[str], header: list[str] = H) -> str:
    return table(header, *rows)


def test_valid() -> None:
    text = manifest(ONLINE, STORE, ["3", "Call", "callcenter", "FR_fr", "fr-FR, en-US"])
    assert findings(text, "channels") == []
    assert pandera_accepts(text, "channels")


def test_canonical_reading() -> None:
    m = read_manifest_bytes(manifest(["3", "Call", "callcenter", "FR_fr", "fr-FR, en-US"]).encode(), "channels.tsv")
    assert m.frame.rows() == [("OUN3", "Call", "CallCenter", "fr-fr", "fr-fr,en-us")]


@pytest.mark.parametrize(("row", "expected"), [
    (["Web", "x", "Online", "en-us", "en-us"], [(3, "ChannelId", "format")]),
    (["", "x", "Online", "en-us", "en-us"], [(3, "ChannelId", "required_value")]),
    (["OUN9", "x", "Kiosk", "en-us", "en-us"], [(3, "ChannelType", "enum")]),
    (["OUN9", "x", "Online", "", "en-us"], [(3, "DefaultLocale", "required_value")]),
    (["OUN9", "x", "Online", "english", "en-us"], [(3, "DefaultLocale", "format")]),
    (["OUN9", "x", "Online", "en-us", ""], [(3, "Locales", "required_value")]),
    (["OUN9", "x", "Online", "en-us", "en-us;fr-fr"], [(3, "Locales", "format")]),
    (["OUN9", "x", "Online", "de-de", "en-us,fr-fr"], [(3, "DefaultLocale", "default_locale_listed")]),
])
def test_one_bad_row_one_finding(row: list[str], expected: list[tuple[int, str, str]]) -> None:
    assert findings(manifest(ONLINE, row), "channels") == expected


def test_duplicate_channel_id() -> None:
    got = findings(manifest(ONLINE, STORE, ["oun00001", "dup", "Store", "en-us", "en-us"]), "channels")
    assert (4, "ChannelId", "duplicate_key") in got
    assert {r for _, _, r in got} == {"duplicate_key"}


def test_required_columns() -> None:
    assert findings(manifest(["OUN1", "x"], header=["ChannelId", "ChannelName"]), "channels") == [
        (1, "DefaultLocale", "missing_column"), (1, "Locales", "missing_column")]
