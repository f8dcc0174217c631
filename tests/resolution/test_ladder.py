"""Table-driven SPEC §5: every rung of both ladders, on small tenants; each answer of ``resolve``
is also checked against the rows ``flatten`` gives for the same product, channel and locale."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.resolution.builders import S, media_id, write_tenant
from toolkit.errors import UsageError
from toolkit.resolution import flatten, load, resolve
from toolkit.resolution.resolve import Resolution

FOUR = [S("M", "OUN00001/en-us", "a"), S("M", "OUN00001/N", "b"), S("M", "/en-us", "c"), S("M", "/N", "d")]
CELL = S("M|Color:Black|Style:Slim", "/N", "x")
# id: sets, (product, channel, locale, tier), (winning set or None, gallery, default image, rungs tried)
CASES = {
    "rung 1 (channel, locale)": (FOUR, ("M", "OUN00001", "en-us", "cms"),
                                 ("Product|Master M OUN00001/en-us", "a", "a", 1)),
    "rung 2 (channel, Neutral)": (FOUR[1:], ("M", "OUN00001", "en-us", "cms"),
                                  ("Product|Master M OUN00001/system_neutral", "b", "b", 2)),
    "rung 3 (Omnichannel, locale)": (FOUR[2:], ("M", "OUN00001", "en-us", "cms"),
                                     ("Product|Master M /en-us", "c", "c", 3)),
    "rung 4 (Omnichannel, Neutral)": (FOUR[3:], ("M", "OUN00001", "en-us", "cms"),
                                      ("Product|Master M /system_neutral", "d", "d", 4)),
    "Neutral target: (channel, Neutral) first": (FOUR, ("M", "OUN00001", None, "cms"),
                                                 ("Product|Master M OUN00001/system_neutral", "b", "b", 1)),
    "Omnichannel target ignores channel sets": ([FOUR[0], FOUR[1], FOUR[3]], ("M", None, "en-us", "cms"),
                                                ("Product|Master M /system_neutral", "d", "d", 2)),
    "locale-only set without Neutral": ([S("M", "/fr-fr", "c")], ("M", "OUN00001", "fr-fr", "cms"),
                                        ("Product|Master M /fr-fr", "c", "c", 3)),
    "locale-only set: other locales get nothing": ([S("M", "/fr-fr", "c")], ("M", "OUN00001", "en-us", "cms"),
                                                   (None, "", None, 4)),
    "another channel's set is not inherited": ([S("M", "OUN00001/N", "b")], ("M", "OUN00002", "en-us", "cms"),
                                               (None, "", None, 4)),
    "variant set beats a channel-specific master set": (
        [S("V1", "/N", "v"), FOUR[0]], ("V1", "OUN00001", "en-us", "cms"), ("Product|Variant V1 /system_neutral",
                                                                           "v", "v", 4)),
    "matrix cell matched on only the matrix's dimensions": (
        [CELL, FOUR[3]], ("V1", "OUN00001", "en-us", "cms"),
        ("Product|DimensionMatrix M|Color:Black|Style:Slim /system_neutral", "x", "x", 8)),
    "no cell for the variant's values: its master": (
        [CELL, FOUR[3]], ("V3", "OUN00001", "en-us", "cms"), ("Product|Master M /system_neutral", "d", "d", 12)),
    "cell beats a channel-specific master set": (
        [CELL, FOUR[0]], ("V1", "OUN00001", "en-us", "cms"),
        ("Product|DimensionMatrix M|Color:Black|Style:Slim /system_neutral", "x", "x", 8)),
    "variant without sets or cells: its master": (
        [FOUR[0]], ("V2", "OUN00001", "en-us", "cms"), ("Product|Master M OUN00001/en-us", "a", "a", 5)),
    "a more specific set wins whole, never merged": (
        [S("M", "/N", "a b"), S("M", "OUN00001/en-us", "c")], ("M", "OUN00001", "en-us", "cms"),
        ("Product|Master M OUN00001/en-us", "c", "c", 1)),
    "standalone product: itself": ([S("S", "OUN00002/en-us", "a")], ("S", "OUN00002", "en-us", "cms"),
                                   ("Product|Master S OUN00002/en-us", "a", "a", 1)),
    "category (channel, locale)": ([S("C1", "OUN00001/en-us", "k"), S("C1", "OUN00001/N", "j")],
                                   ("category:C1", "OUN00001", "en-us", "cms"),
                                   ("Category C1 OUN00001/en-us", "k", "k", 1)),
    "category (channel, Neutral)": ([S("C1", "OUN00001/N", "k")], ("category:C1", "OUN00001", "fr-fr", "cms"),
                                    ("Category C1 OUN00001/system_neutral", "k", "k", 2)),
    "category without Omnichannel fallback": ([S("C1", "/N", "k")], ("category:C1", "OUN00001", "en-us", "cms"),
                                              (None, "", None, 2)),
    "a video first in Primary is skipped for the default image": (
        [S("S", "/N", "vid a")], ("S", None, None, "cms"), ("Product|Master S /system_neutral", "vid a", "a", 1)),
    "no Primary image, no default image (Additional images never are)": (
        [S("S", "/N", "vid +b")], ("S", None, None, "cms"), ("Product|Master S /system_neutral", "vid +b", None, 1)),
    "drafts are invisible until published": (
        [S("M", "/N", "a"), S("M", "/N", "b", "Draft")], ("M", None, None, "cms"),
        ("Product|Master M /system_neutral", "a", "a", 1)),
    "drafts are visible in --tier draft": (
        [S("M", "/N", "a"), S("M", "/N", "b", "Draft")], ("M", None, None, "draft"),
        ("Product|Master M /system_neutral", "b", "b", 1)),
    "a draft-only set: nothing until published": (
        [S("M", "/N", "b", "Draft")], ("M", "OUN00002", "en-us", "cms"), (None, "", None, 4)),
    "a draft-only set in --tier draft": (
        [S("M", "/N", "b", "Draft")], ("M", "OUN00002", "en-us", "draft"),
        ("Product|Master M /system_neutral", "b", "b", 4)),
    "swatch sets take no part": ([S("M|Color|Black", "/N"), S("M", "/N", "d")], ("V1", None, None, "cms"),
                                 ("Product|Master M /system_neutral", "d", "d", 2)),
    "catalog-specific sets take no part": ([S("M", "/N", "a", catalog="CAT1"), S("M", "OUN00001/N", "d")],
                                           ("M", "OUN00001", "en-us", "cms"),
                                           ("Product|Master M OUN00001/system_neutral", "d", "d", 2)),
}


def _names(sets: list[S]) -> dict[str, str]:
    return {media_id(w.lstrip("+")): w.lstrip("+") for s in sets for w in s.items.split()}


def _gallery(r: Resolution, names: dict[str, str]) -> str:
    return " ".join(("+" if i.group == "Additional" else "") + names[i.media_id] for i in r.items)


def _flattened_agrees(r: Resolution, t, tier: str) -> None:  # type: ignore[no-untyped-def]
    frame = flatten(load(t, tier)).filter(
        (pl.col("ProductNumber") == r.product) & pl.col("EntityChannel").fill_null("").eq(r.channel)
        & (pl.col("EntityLocale") == r.locale))
    assert sorted(frame.get_column("InternalMediaId").to_list()) == sorted(i.media_id for i in r.items)
    defaults = frame.filter(pl.col("IsDefaultImage") == "true").get_column("InternalMediaId").to_list()
    assert defaults == ([r.default_image] if r.default_image else [])
    sources = frame.select("SourceEntityType", "SourceEntityKeyValue", pl.col("SourceChannel").fill_null(""),
                           "SourceLocale").unique().rows()
    assert sources == ([] if r.source is None else [(r.source.entity_type, r.source.entity_key_value,
                                                     r.source.channel, r.source.locale)])


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_ladder(tmp_path: Path, case: str) -> None:
    sets, (product, channel, locale, tier), (winner, gallery, default, tried) = CASES[case]
    t = write_tenant(tmp_path, sets)
    r = resolve(t, product, channel, locale, tier=tier)
    names = _names(sets)
    src = r.source
    got = None if src is None else f"{src.entity_type} {src.entity_key_value} {src.channel}/{src.locale}"
    assert (got, _gallery(r, names), names.get(r.default_image or ""), len(r.ladder)) == (winner, gallery, default,
                                                                                         tried)
    assert [rung.found for rung in r.ladder] == [False] * (tried - 1) + [winner is not None]
    _flattened_agrees(r, t, tier)


def test_the_whole_ladder_of_a_variant(tmp_path: Path) -> None:
    t = write_tenant(tmp_path, [CELL, FOUR[3]])
    r = resolve(t, "V3", "OUN00001", "fr-fr")
    assert [(x.level, x.entity_key_value, x.channel, x.locale, x.found) for x in r.ladder] == [
        ("variant", "V3", "OUN00001", "fr-fr", False), ("variant", "V3", "OUN00001", "system_neutral", False),
        ("variant", "V3", "", "fr-fr", False), ("variant", "V3", "", "system_neutral", False),
        ("dimension matrix", "M|Color:Black|Style:Regular", "OUN00001", "fr-fr", False),
        ("dimension matrix", "M|Color:Black|Style:Regular", "OUN00001", "system_neutral", False),
        ("dimension matrix", "M|Color:Black|Style:Regular", "", "fr-fr", False),
        ("dimension matrix", "M|Color:Black|Style:Regular", "", "system_neutral", False),
        ("master", "M", "OUN00001", "fr-fr", False), ("master", "M", "OUN00001", "system_neutral", False),
        ("master", "M", "", "fr-fr", False), ("master", "M", "", "system_neutral", True)]


@pytest.mark.parametrize(("args", "message"), [
    (("nope", None, None), "nope is not in hq/products.tsv of tenant t"),
    (("category:C9", "OUN00001", None), "category:C9 is not in hq/categories.tsv of tenant t"),
    (("category:C1", None, None), "category:C1 has no Omnichannel gallery: category sets are channel-specific"),
    (("M", "OUN00009", None), "channel OUN00009 is not configured in tenant t"),
    (("M", "OUN00002", "fr-fr"), "OUN00002 does not serve locale fr-fr in tenant t"),
    (("M", "Channel 1", None), "--channel 'Channel 1' is not a channel"),
])
def test_bad_requests(tmp_path: Path, args: tuple[str, str | None, str | None], message: str) -> None:
    t = write_tenant(tmp_path, [FOUR[3]])
    with pytest.raises(UsageError) as err:
        resolve(t, *args)
    assert err.value.message == message


def test_spellings_of_channel_and_locale(tmp_path: Path) -> None:
    t = write_tenant(tmp_path, FOUR)
    r = resolve(t, "M", "oun00001", "EN_us")
    assert (r.channel, r.locale, r.default_image) == ("OUN00001", "en-us", media_id("a"))
    assert resolve(t, "M", "Omnichannel", "Neutral").to_dict()["channel"] == ""
