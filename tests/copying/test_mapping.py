"""``toolkit.copying.mapping`` and the plan errors: unmapped, double-mapped and missing targets,
removal of a channel or locale, sets two sources would merge, rows the destination cannot take."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.copying.copy_data import asset, files, fill, set_rows, uid, workspace
from toolkit.copying import CopyOptions, plan_copy, run_copy
from toolkit.copying.mapping import channel_token, locale_token
from toolkit.errors import InputError, UsageError
from toolkit.validation import validate

HINT = ("(map each source value once with --map-channel/--map-locale SOURCE=DESTINATION or "
        "--channel-map/--locale-map FILE (SOURCE= leaves it out); targets must be in dst's channels.tsv)")


def opts(**maps: tuple[str, ...]) -> CopyOptions:
    return CopyOptions("src", "dst", "replace", "published", **maps)  # type: ignore[arg-type]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """src: channels OUN00001 (en-us, fr-fr) and OUN00002 (en-us); dst: OUN00001 and OUN00009 (en-us)."""
    ws, src, _ = workspace(tmp_path)
    p3 = set_rows("P3", [1, 2])
    p3[1]["MediaLocale"] = "fr-fr"  # P3 names the fr-fr row of asset 2
    fill(src, [asset(1), asset(2, locale="en-us"), asset(2, locale="fr-fr")],
         set_rows("P1", [1]) + set_rows("P1", [1], channel="OUN00002", locale="en-us")
         + set_rows("P2", [2], channel="OUN00001", locale="fr-fr", media_locale="fr-fr") + p3)
    return ws


def error(ws: Path, o: CopyOptions) -> str:
    dst = files_of(ws)
    with pytest.raises(UsageError) as info:
        plan_copy(ws, o)
    assert files_of(ws) == dst  # nothing written, no job
    return str(info.value)


def files_of(ws: Path) -> dict[str, bytes]:
    from toolkit.workspace import tenant

    return files(tenant(ws, "dst"))


def test_tokens_are_spelled_canonically() -> None:
    assert [channel_token(v) for v in ("oun00001", " 42 ", "Omnichannel", "", "X1")] == [
        "OUN00001", "OUN42", "", "", "X1"]
    assert [locale_token(v) for v in ("EN_us", "Neutral", "", " fr-FR ")] == ["en-us", "system_neutral",
                                                                              "system_neutral", "fr-fr"]


def test_every_unmapped_value_is_named_at_once(ws: Path) -> None:
    fill_extra_locales(ws)
    assert error(ws, opts()) == (
        "cannot copy src to dst: unmapped channel OUN00002 (it is not in dst); unmapped locales de-de, it-it "
        f"(they are not in dst); nothing was copied {HINT}")


def fill_extra_locales(ws: Path) -> None:
    from toolkit.workspace import tenant

    src = tenant(ws, "src")
    media = [asset(1), asset(2, locale="en-us"), asset(5, locale="de-de"), asset(6, locale="it-it")]
    fill(src, media, set_rows("P1", [1], channel="OUN00002", locale="en-us"))


def test_double_mapped_missing_target_unknown_source_and_neutral_are_all_reported(ws: Path, tmp_path: Path) -> None:
    maps = tmp_path / "channels.tsv"
    maps.write_text("Source\tDestination\nOUN00002\tOUN00009\n")
    message = error(ws, opts(channel_maps=(str(maps),), map_channel=("oun00002=", "OUN00007=OUN00009", "=OUN00009"),
                             map_locale=("fr-fr=fr-ca", "en-us=neutral")))
    assert message == (
        f"cannot copy src to dst: channel OUN00002 is mapped twice ({maps} line 2 and --map-channel oun00002=); "
        "channel OUN00007 is not a channel of src (--map-channel OUN00007=OUN00009); Omnichannel always maps to "
        "itself (--map-channel =OUN00009); locale fr-fr maps to fr-ca, which is not a locale of dst "
        "(--map-locale fr-fr=fr-ca); system_neutral always maps to itself (--map-locale en-us=neutral); "
        f"nothing was copied {HINT}")


def test_a_map_file_twice_naming_a_source_is_double_mapped(ws: Path, tmp_path: Path) -> None:
    maps = tmp_path / "m.tsv"
    maps.write_text("Source\tDestination\nOUN00002\tOUN00009\noun00002\t\n")
    assert error(ws, opts(channel_maps=(str(maps),))) == (
        f"cannot copy src to dst: channel OUN00002 is mapped twice ({maps} line 2 and {maps} line 3); "
        f"nothing was copied {HINT}")


def test_a_map_file_must_be_a_maps_manifest(ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "m.tsv"
    bad.write_text("Source\tTarget\nOUN00002\tOUN00009\n")
    with pytest.raises(InputError, match="the maps manifest has no Destination column"):
        plan_copy(ws, opts(channel_maps=(str(bad),)))
    with pytest.raises(UsageError, match="no such file"):
        plan_copy(ws, opts(channel_maps=(str(tmp_path / "absent.tsv"),)))
    with pytest.raises(UsageError, match="is not SOURCE=DESTINATION"):
        plan_copy(ws, opts(map_channel=("OUN00002",)))


def test_mapping_rewrites_channels_and_locales_consistently(ws: Path) -> None:
    result = run_copy(ws, opts(map_channel=("OUN00002=OUN00009",)))
    assert result.plan.to_dict() == {
        "assets": {"create": 3, "replace": 0, "keep": 0, "drop": 0},
        "assignment_sets": {"create": 4, "replace": 0, "keep": 0, "drop": 0},
        "channels": {"OUN00001": "OUN00001", "OUN00002": "OUN00009"},
        "locales": {"en-us": "en-us", "fr-fr": "fr-fr"}}
    sets = result.plan.table.filter(Manifest="assignments").select("EntityKeyValue", "SourceChannel", "Channel")
    assert sets.rows() == [("P1", None, None), ("P1", "OUN00002", "OUN00009"), ("P2", "OUN00001", "OUN00001"),
                           ("P3", None, None)]
    assert validate([ws / "tenants" / "dst"]).findings == ()


def test_removing_a_locale_drops_its_assets_its_sets_and_sets_naming_its_media(ws: Path) -> None:
    plan = plan_copy(ws, opts(map_channel=("OUN00002=OUN00009",), map_locale=("fr-fr=",)))
    assert plan.to_dict()["locales"] == {"en-us": "en-us", "fr-fr": None}
    assert plan.table.filter(Action="drop").select("Manifest", "InternalMediaId", "EntityKeyValue", "Reason").rows() \
        == [("assets", uid(2), None, "locale fr-fr removed"),
            ("assignments", None, "P2", "locale fr-fr removed"),
            ("assignments", None, "P3", "names media in removed locale fr-fr")]
    result = run_copy(ws, opts(map_channel=("OUN00002=OUN00009",), map_locale=("fr-fr=",)), plan)
    assert (result.plan.assets.create, result.plan.assignment_sets.create) == (2, 2)
    assert validate([ws / "tenants" / "dst"]).findings == ()


def test_removing_a_channel_drops_its_sets(ws: Path) -> None:
    plan = plan_copy(ws, opts(map_channel=("OUN00002=",)))
    assert plan.to_dict()["channels"] == {"OUN00001": "OUN00001", "OUN00002": None}
    assert plan.table.filter(Action="drop").select("EntityKeyValue", "SourceChannel", "Reason").rows() == [
        ("P1", "OUN00002", "channel OUN00002 removed")]


def test_two_sources_mapped_onto_one_set_are_a_plan_error(ws: Path) -> None:
    from toolkit.workspace import tenant

    fill(tenant(ws, "src"), [asset(1)], set_rows("P1", [1], channel="OUN00001", locale="en-us")
         + set_rows("P1", [1], channel="OUN00002", locale="en-us") + set_rows("P2", [1], channel="OUN00002",
                                                                             locale="en-us"))
    assert error(ws, opts(map_channel=("OUN00002=OUN00001",))) == (
        "the mapping would merge 1 assignment set of the source into one: Product|Master P1 on OUN00001/en-us "
        "would come from OUN00001/en-us, OUN00002/en-us; nothing was copied (map those channels or locales apart, "
        "or remove one of them (SOURCE=))")


def test_two_locales_mapped_onto_one_are_a_plan_error(ws: Path) -> None:
    assert error(ws, opts(map_channel=("OUN00002=OUN00009",), map_locale=("fr-fr=en-us",))) == (
        "the mapping would merge 1 asset of the source into one: asset " + uid(2) + " in en-us would come from "
        "en-us, fr-fr; nothing was copied (map those channels or locales apart, or remove one of them (SOURCE=))")


def test_rows_the_destination_cannot_take_are_a_plan_error(ws: Path) -> None:
    """OUN00009 serves only en-us: the fr-fr set cannot go there; nor can a set of a product dst lacks."""
    from toolkit.workspace import tenant

    src = tenant(ws, "src")
    fill(src, [asset(1), asset(2, locale="fr-fr")],
         set_rows("P2", [2], channel="OUN00001", locale="fr-fr", media_locale="fr-fr") + set_rows("P4", [1]))
    assert error(ws, opts(map_channel=("OUN00001=OUN00009", "OUN00002="))) == (
        "cannot copy src to dst: 2 rows would not fit dst's channels or catalog: missing_product EntityKeyValue P4 "
        "(1 row), unknown_locale EntityLocale fr-fr (1 row); nothing was copied (configure the channels and locales "
        "and import the catalog into dst first, rename the clashing assets, or leave those channels or locales out "
        "(SOURCE=))")


def test_a_display_name_another_destination_asset_has_is_a_plan_error(ws: Path) -> None:
    from toolkit.workspace import tenant

    clash = {**asset(9, tenant_id="dst"), "MediaDisplayName": "Asset 1 (system_neutral)"}
    fill(tenant(ws, "dst"), [clash], [])
    assert error(ws, opts(map_channel=("OUN00002=",))) == (
        f"cannot copy src to dst: MediaDisplayName would be used by two assets: 'Asset 1 (system_neutral)' "
        f"({uid(1)}, {uid(9)}); nothing was copied (configure the channels and locales and import the catalog into "
        "dst first, rename the clashing assets, or leave those channels or locales out (SOURCE=))")


def test_a_set_naming_media_the_destination_will_not_have_is_dropped(ws: Path) -> None:
    from toolkit.workspace import tenant

    fill(tenant(ws, "src"), [asset(1)], set_rows("P1", [1]) + set_rows("P2", [7]))
    plan = plan_copy(ws, opts(map_channel=("OUN00002=",)))
    assert plan.table.filter(Manifest="assignments").select("EntityKeyValue", "Action", "Reason").rows() == [
        ("P1", "create", "new in the destination"),
        ("P2", "drop", f"names media {uid(7)} that the destination will not have")]
