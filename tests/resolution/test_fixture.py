"""The fixture tenant contoso-dev: fixtures/README.md's expected resolutions, and the flattened
outputs of sync equal to ``resolve`` for every product (and category), channel and locale."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import WORKSPACE
from toolkit.resolution import flatten, load, resolve, sync
from toolkit.resolution.ladder import targets
from toolkit.resolution.resolve import resolver
from toolkit.tsv import manifest_bytes
from toolkit.workspace import Tenant, tenant

OUTPUTS = ("hq/media_assignments.tsv", "csu/OUN00001/media_assignments.tsv", "csu/OUN00002/media_assignments.tsv",
           "csu/OUN00003/media_assignments.tsv", "search/default_images.tsv")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Tenant:
    ws = tmp_path_factory.mktemp("fixture") / "ws"
    shutil.copytree(WORKSPACE, ws)
    t = tenant(ws, "contoso-dev")
    sync(t)
    return t


@pytest.fixture(scope="module")
def answers(synced: Tenant) -> dict[tuple[str, str, str], dict]:  # type: ignore[type-arg]
    """``resolve`` (tier cms) of every entity, channel and locale, as JSON objects."""
    cms = resolver(synced, "cms")
    return {(p, c, loc): cms.resolve(p, c or None, loc).to_dict() for p, c, loc in _all_targets(synced)}


def _all_targets(t: Tenant) -> list[tuple[str, str, str]]:
    """Every (entity, channel, locale) sync flattens: products everywhere, categories in channels."""
    channels = pl.read_csv(t.path("channels.tsv"), separator="\t")
    names = pl.read_csv(t.path("hq/products.tsv"), separator="\t", infer_schema=False).get_column("ProductNumber")
    cats = pl.read_csv(t.path("hq/categories.tsv"), separator="\t", infer_schema=False).get_column("CategoryID")
    places = targets(channels).rows()
    return ([(p, c, loc) for p in names.to_list() for c, loc in places]
            + [(f"category:{c}", ch, loc) for c in cats.to_list() for ch, loc in places if ch])


EXPECTED = [  # (product, channel, locale) → (source EntityType, EntityKeyValue, channel, locale, version), default
    (("93039-006", "OUN00003", "de-de"), ("Product|Variant", "93039-006", "", "system_neutral", "1"),
     "51ed5ad9-04ed-4828-afdc-45f7c5565b90"),
    (("93039", "OUN00001", "en-us"), ("Product|Master", "93039", "OUN00001", "en-us", "1"),
     "79945b97-9ec9-4968-8dd5-ddba69e05d72"),
    (("93039", "OUN00001", "fr-fr"), ("Product|Master", "93039", "", "system_neutral", "2"),
     "7c522f2e-2a89-4557-86d3-1b8889c5b44e"),
    (("93039", "OUN00003", "fr-fr"), ("Product|Master", "93039", "OUN00003", "fr-fr", "1"),
     "4ee256fb-2388-4216-a70b-0a420a5c6c42"),
    (("81120-003", "OUN00002", "en-us"), ("Product|Master", "81120", "", "system_neutral", "2"),
     "387f3cdf-291b-4523-9e73-27431f7b6b82"),
    (("70050-002", None, None), ("Product|DimensionMatrix", "70050|Configuration:Monogrammed", "", "system_neutral",
                                 "1"), "a8cbacea-49b2-40a8-b182-a92d95654760"),
    (("1000", "OUN00001", "fr-fr"), ("Product|Master", "1000", "", "system_neutral", "1"),
     "a79e970a-a157-4459-91c6-6bacd6e39b5a"),
]


@pytest.mark.parametrize(("query", "source", "default"), EXPECTED, ids=[" ".join(filter(None, q)) for q, _, _ in EXPECTED])
def test_expected_resolutions_of_the_readme(synced: Tenant, query: tuple[str, str | None, str | None],
                                            source: tuple[str, ...], default: str) -> None:
    r = resolver(synced, "cms").resolve(*query)
    assert r.source is not None
    s = r.source
    assert ((s.entity_type, s.entity_key_value, s.channel, s.locale, s.version), r.default_image) == (source, default)


def test_a_variant_shows_its_cell_everywhere_and_1001_nothing(synced: Tenant) -> None:
    cms = resolver(synced, "cms")
    places = {(c, loc) for p, c, loc in _all_targets(synced) if p == "93039-001"}
    cells = {cms.resolve("93039-001", c or None, loc).source.entity_key_value for c, loc in places}  # type: ignore[union-attr]
    assert (len(places), cells) == (12, {"93039|Color:Black"})
    assert {cms.resolve("1001", c or None, loc).source for c, loc in places} == {None}


def test_hq_and_csu_agree_with_resolve_everywhere(synced: Tenant, answers: dict) -> None:  # type: ignore[type-arg]
    hq, csu = resolver(synced, "hq"), resolver(synced, "csu")
    for (product, channel, locale), expected in answers.items():
        assert hq.resolve(product, channel or None, locale).to_dict() == expected
        if channel:
            assert csu.resolve(product, channel, locale).to_dict() == expected
    # 17 products × 12 targets (8 channel ones, 4 Omnichannel ones), 6 categories × the 8 channel targets
    assert len(answers) == 17 * 12 + 6 * 8


def test_hq_holds_exactly_the_resolved_galleries(synced: Tenant, answers: dict) -> None:  # type: ignore[type-arg]
    hq = pl.read_csv(synced.path("hq/media_assignments.tsv"), separator="\t", infer_schema=False)
    assert hq.height == sum(len(a["items"]) for a in answers.values()) == 378


def test_draft_tier_differs_only_where_drafts_are(synced: Tenant, answers: dict) -> None:  # type: ignore[type-arg]
    draft = resolver(synced, "draft")
    differ = {p for (p, c, loc), a in answers.items() if draft.resolve(p, c or None, loc).to_dict() != a}
    assert differ == {"81120", "81120-001", "81120-002", "81120-003", "81120-004"}
    assert [i.media_id for i in draft.resolve("81120").items] == [
        "df34259a-a014-4fb3-be29-824f717dc59f", "387f3cdf-291b-4523-9e73-27431f7b6b82",
        "0879034e-ab69-4d30-b238-7d1e14518049"]


@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_streamed_outputs_are_the_canonical_writers_bytes(tmp_path: Path, chunk: int) -> None:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    t = tenant(tmp_path / "ws", "contoso-dev")
    sync(t, chunk_size=chunk)
    frame = flatten(load(t))
    assert t.path(OUTPUTS[0]).read_bytes() == manifest_bytes(frame, "flattened")
    for channel, rel in zip(("OUN00001", "OUN00002", "OUN00003"), OUTPUTS[1:4], strict=True):
        assert t.path(rel).read_bytes() == manifest_bytes(frame.filter(pl.col("EntityChannel") == channel), "flattened")
    defaults = frame.filter(pl.col("IsDefaultImage") == "true").select(
        "ProductNumber", "EntityChannel", "EntityLocale", "InternalMediaId", "MediaPublishedURL")
    assert t.path(OUTPUTS[4]).read_bytes() == manifest_bytes(defaults, "default_images")


def test_hq_tier_reads_a_hand_saved_file_too(tmp_path: Path) -> None:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    t = tenant(tmp_path / "ws", "contoso-dev")
    sync(t)
    expected = resolve(t, "93039", "OUN00001", "en-us", tier="hq").to_dict()
    hq = t.path("hq/media_assignments.tsv")
    from toolkit.tsv import read_manifest

    hq.write_bytes(manifest_bytes(read_manifest(hq).frame, "flattened", encoding="utf-16"))  # a spreadsheet's save
    assert resolve(t, "93039", "OUN00001", "en-us", tier="hq").to_dict() == expected
    assert expected == resolve(t, "93039", "OUN00001", "en-us").to_dict()
