"""``omm preview``'s page data: every answer equal to ``resolve`` (SPEC §5, §6), and the pickers,
swatches and media of the fixture tenant contoso-dev as whole values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import WORKSPACE
from toolkit.errors import UsageError
from toolkit.preview import Channel, MediaView, Swatch, Variant, page_data
from toolkit.resolution.resolve import resolver
from toolkit.workspace import Tenant, tenant

JEANS = ["93039", "93039-001", "93039-002", "93039-003", "93039-004", "93039-005", "93039-006"]
TSHIRT = ["81120", "81120-001", "81120-002", "81120-003", "81120-004"]
TARGETS = [("", "system_neutral"), ("", "de-de"), ("", "en-us"), ("", "fr-fr"),
           ("OUN00001", "system_neutral"), ("OUN00001", "en-us"), ("OUN00001", "fr-fr"),
           ("OUN00002", "system_neutral"), ("OUN00002", "en-us"),
           ("OUN00003", "system_neutral"), ("OUN00003", "de-de"), ("OUN00003", "fr-fr")]
NEUTRAL = ("", "system_neutral")


@pytest.fixture(scope="module")
def dev() -> Tenant:
    return tenant(WORKSPACE, "contoso-dev")


@pytest.mark.parametrize("tier", ["cms", "draft"])
@pytest.mark.parametrize("family", [JEANS, TSHIRT], ids=["93039", "81120"])
def test_every_answer_is_resolves(dev: Tenant, family: list[str], tier: str) -> None:
    data = page_data(dev, family[0], tier)
    cms = resolver(dev, tier)
    expected = {(p, c, loc): cms.resolve(p, c or None, loc).to_dict() for p in family for c, loc in TARGETS}
    assert list(data.answers) == list(expected)  # every variant × channel × locale, in page order
    assert {k: data.resolution(*k) for k in data.answers} == expected


def test_the_fixture_readme_expectations(dev: Tenant) -> None:
    data = page_data(dev, "93039")
    source = {k: (lambda r: r["source"] and (r["source"]["EntityType"], r["source"]["EntityKeyValue"],
                                             r["source"]["EntityChannel"], r["source"]["EntityLocale"]))(
        data.resolution(*k)) for k in data.answers}
    assert {source[("93039-001", c, loc)] for c, loc in TARGETS} == {
        ("Product|DimensionMatrix", "93039|Color:Black", "", "system_neutral")}
    assert {source[("93039-006", c, loc)] for c, loc in TARGETS} == {
        ("Product|Variant", "93039-006", "", "system_neutral")}
    assert source[("93039", "OUN00001", "en-us")] == ("Product|Master", "93039", "OUN00001", "en-us")
    assert source[("93039", "OUN00001", "fr-fr")] == ("Product|Master", "93039", "", "system_neutral")
    assert source[("93039", "OUN00003", "fr-fr")] == ("Product|Master", "93039", "OUN00003", "fr-fr")


def test_pickers_and_swatches_of_the_jeans(dev: Tenant) -> None:
    data = page_data(dev, "93039")
    assert (data.product, data.name, data.selected) == ("93039", "Contoso Denim Jeans", ("93039", "", "system_neutral"))
    assert data.dimensions == (("Color", ("Black", "Blue")), ("Size", ("32", "34")), ("Style", ("Slim", "Regular")))
    assert data.variants == (Variant("93039-001", {"Color": "Black", "Size": "32", "Style": "Slim"}),
                             Variant("93039-002", {"Color": "Black", "Size": "34", "Style": "Slim"}),
                             Variant("93039-003", {"Color": "Black", "Size": "32", "Style": "Regular"}),
                             Variant("93039-004", {"Color": "Blue", "Size": "32", "Style": "Slim"}),
                             Variant("93039-005", {"Color": "Blue", "Size": "34", "Style": "Slim"}),
                             Variant("93039-006", {"Color": "Blue", "Size": "34", "Style": "Regular"}))
    assert data.channels == (Channel("", "Omnichannel", ("system_neutral", "de-de", "en-us", "fr-fr")),
                             Channel("OUN00001", "Contoso Online", ("system_neutral", "en-us", "fr-fr")),
                             Channel("OUN00002", "Contoso Seattle Store", ("system_neutral", "en-us")),
                             Channel("OUN00003", "Contoso Paris Online", ("system_neutral", "de-de", "fr-fr")))
    assert data.swatches == (Swatch("Color", "Black", "#1a1a1a", None, "", "system_neutral"),
                             Swatch("Color", "Blue", None, "dd08b57c-f6d9-4431-b057-a07badd399ef|system_neutral", "",
                                    "system_neutral"))
    assert data.swatch_answers == {target: (0, 1) for target in sorted(TARGETS)}
    assert [(g.source.entity_type, g.source.entity_key_value, g.source.channel, g.source.locale, g.source.version)
            for g in data.galleries] == [
        ("Product|DimensionMatrix", "93039|Color:Black", "", "system_neutral", "1"),
        ("Product|DimensionMatrix", "93039|Color:Blue", "", "system_neutral", "1"),
        ("Product|Master", "93039", "", "system_neutral", "2"),
        ("Product|Master", "93039", "OUN00001", "en-us", "1"),
        ("Product|Master", "93039", "OUN00003", "fr-fr", "1"),
        ("Product|Variant", "93039-006", "", "system_neutral", "1")]


def _views(data_media: dict[str, MediaView]) -> dict[str, tuple[str | None, str | None, str | None, bool]]:
    """(type, name, mime or note, unpublished) of each media key."""
    return {k: (m.media_type, m.name, m.src.split(";")[0] if m.src else m.note, m.unpublished)
            for k, m in data_media.items()}


def test_media_of_the_jeans_the_size_chart_per_locale(dev: Tenant) -> None:
    data = page_data(dev, "93039")
    assert _views(data.media) == {
        "21143d16-a0e2-4cb2-a5ff-2bec03a05351|system_neutral": ("File", "Jeans care guide (PDF)",
                                                                "File: not embedded (images only)", False),
        "4ee256fb-2388-4216-a70b-0a420a5c6c42|system_neutral": ("Image", "Jeans blue front", "data:image/png", False),
        "51ed5ad9-04ed-4828-afdc-45f7c5565b90|system_neutral": ("Image", "Jeans blue regular fit front",
                                                                "data:image/png", False),
        "59c96fad-e227-402c-abec-6fefba40d6be|system_neutral": ("Image", "Jeans black back", "data:image/png", False),
        "6cd6c9f6-1361-4164-85e1-ceba79b281ce|en-us": ("Image", "Jeans size chart (English)", "data:image/png", False),
        "6cd6c9f6-1361-4164-85e1-ceba79b281ce|fr-fr": ("Image", "Guide des tailles du jean (français)",
                                                       "data:image/png", False),
        "79945b97-9ec9-4968-8dd5-ddba69e05d72|system_neutral": ("Image", "Jeans spring campaign lifestyle",
                                                                "data:image/jpeg", False),
        "7c522f2e-2a89-4557-86d3-1b8889c5b44e|system_neutral": ("Image", "Jeans black front", "data:image/png", False),
        "b98a258d-ae87-4b34-b384-9bf61f7a22b5|system_neutral": ("Image", "Jeans inseam detail", "data:image/jpeg",
                                                                False),
        "dd08b57c-f6d9-4431-b057-a07badd399ef|system_neutral": ("Image", "Swatch denim blue", "data:image/png", False),
        "fe5dd18a-bd67-42a4-8f24-2d2894cc0aae|system_neutral": ("Image", "Jeans blue back", "data:image/png", False)}
    # The published v1 binary of the black front, not the checked-in draft v2 (a retouched image).
    front = data.media["7c522f2e-2a89-4557-86d3-1b8889c5b44e|system_neutral"]
    blob = WORKSPACE / "tenants/contoso-dev/cms/blobs/5f/5fa4a7ab581419395af6e0e7616dae391360bba362d4973bf56b08d4b0a257f5"
    import base64

    assert front.src == "data:image/png;base64," + base64.b64encode(blob.read_bytes()).decode("ascii")
    assert (front.width, front.height) == (16, 12)


def test_draft_tier_shows_the_draft_only_asset_as_unpublished(dev: Tenant) -> None:
    data = page_data(dev, "81120-003", "draft", channel="OUN00002", locale="en-us")
    assert data.selected == ("81120-003", "OUN00002", "en-us")
    assert [(t.media_id, t.is_default) for t in data.galleries[0].tiles] == [
        ("df34259a-a014-4fb3-be29-824f717dc59f", True), ("387f3cdf-291b-4523-9e73-27431f7b6b82", False),
        ("0879034e-ab69-4d30-b238-7d1e14518049", False)]
    assert _views(data.media)["0879034e-ab69-4d30-b238-7d1e14518049|system_neutral"] == (
        "Image", "T-shirt white back", "data:image/png", True)
    assert data.swatches == (Swatch("Color", "Red", None, "9880e4df-fbde-43ea-8e0d-7af4efe32e40|system_neutral", "",
                                    "system_neutral"),
                             Swatch("Color", "White", "#ffffff", None, "", "system_neutral"))


def test_missing_and_too_big_binaries_become_placeholders(dev: Tenant, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    blobs = ws / "tenants/contoso-dev/cms/blobs"
    (blobs / "fa/faf70d947c2178659fb92abb39508ee8cee7bfef6f5ffb3633ce6a984c18c18b").unlink()  # black back
    data = page_data(tenant(ws, "contoso-dev"), "93039", max_image_bytes=600, max_total_bytes=200)
    notes = {f"{k[:8]}|{k.split('|')[1]}": v[2] for k, v in _views(data.media).items()}
    assert notes == {"21143d16|system_neutral": "File: not embedded (images only)",
                     "4ee256fb|system_neutral": "data:image/png",  # 87 bytes
                     "51ed5ad9|system_neutral": "data:image/png",  # 87 bytes: 174 of the 200 spent
                     "59c96fad|system_neutral": "binary missing from cms/blobs",
                     "6cd6c9f6|en-us": "not embedded: the page's size limit is reached",
                     "6cd6c9f6|fr-fr": "not embedded: the page's size limit is reached",
                     "79945b97|system_neutral": "too big to embed (0.7 KiB > 0.6 KiB)",  # JPEGs, 676 bytes
                     "7c522f2e|system_neutral": "not embedded: the page's size limit is reached",
                     "b98a258d|system_neutral": "too big to embed (0.7 KiB > 0.6 KiB)",
                     "dd08b57c|system_neutral": "not embedded: the page's size limit is reached",
                     "fe5dd18a|system_neutral": "not embedded: the page's size limit is reached"}


@pytest.mark.parametrize(("args", "message"), [
    (("999",), "999 is not in hq/products.tsv of tenant contoso-dev (name a product number of the catalog "
               "(a master, a variant or a standalone product))"),
    (("category:C110",), "category:C110 is not in hq/products.tsv of tenant contoso-dev (name a product number of "
                         "the catalog (a master, a variant or a standalone product))"),
    (("93039", "hq"), "unknown tier 'hq' (use one of: cms, draft)"),
    (("93039", "cms", "OUN00009"), "channel OUN00009 is not configured in tenant contoso-dev "
                                   "(use one of: OUN00001, OUN00002, OUN00003)"),
    (("93039", "cms", "OUN00002", "fr-fr"), "OUN00002 does not serve locale fr-fr in tenant contoso-dev "
                                            "(use one of: system_neutral, en-us)"),
])
def test_usage_errors(dev: Tenant, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(UsageError) as err:
        page_data(dev, *args)
    assert str(err.value) == message


def test_a_standalone_product_has_no_pickers_but_a_video_tile(dev: Tenant) -> None:
    data = page_data(dev, "1000")
    assert (data.dimensions, data.variants, data.swatches) == ((), (), ())
    assert {data.resolution("1000", c, loc)["default_image"] for c, loc in TARGETS} == {
        "a79e970a-a157-4459-91c6-6bacd6e39b5a"}
    assert _views(data.media)["8095dc74-d363-43f9-b9ec-c68dd3a1a8c4|system_neutral"] == (
        "Video", "Aviator sunglasses 360 video", "Video: not embedded (images only)", False)
