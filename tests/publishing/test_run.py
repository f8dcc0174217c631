"""``toolkit.publishing.run``: publish checked-in drafts of products, categories and all (SPEC §6 ``omm publish``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.publishing.data import (
    BLACK_FRONT,
    JEANS_SETS,
    NEUTRAL,
    STATE,
    URL,
    WHITE_BACK,
    draft,
    edit,
    fixture_tenant,
    jeans,
    release,
    rows,
    snapshot,
)
from toolkit.errors import UsageError
from toolkit.jobs import read_jobs
from toolkit.publishing import RowCounts, publish, selection
from toolkit.validation import validate
from toolkit.workspace import Tenant

PUBLISHED = [(*s, None, "publish", None, None) for s in JEANS_SETS]
ALICE = ("Product|Master", "81120", "", NEUTRAL, "", "3", 3, "spring-2025")


@pytest.fixture
def t(tmp_path: Path) -> Tenant:
    return fixture_tenant(tmp_path)


def assert_valid(t: Tenant) -> None:
    assert validate([t.root]).findings == ()


def test_publish_a_product_publishes_master_variant_cell_and_swatch_drafts(t: Tenant) -> None:
    draft(t, "93039")
    master_draft = (pl.col("EntityKeyValue") == "93039") & pl.col("EntityChannel").is_null() & (pl.col(STATE) == "Draft")
    edit(t, master_draft, EntityVersion="3", EntityLastModifiedOn="2025-05-01T10:00:00Z")  # an edited draft
    before = rows(t)
    drafts, published = jeans(before).filter(pl.col(STATE) == "Draft"), jeans(before).filter(pl.col(STATE) == "Published")

    r = publish(t, selection(products=["93039"]), user="bob")

    expected = [s if s[2] or s[1] != "93039" else (*s[:5], "3", *s[6:]) for s in PUBLISHED]
    assert r.sets.rows() == expected
    assert (r.rows, r.planned, r.status, r.groups, r.media.height) == (RowCounts(18, 18, 0, 0), False, "Succeeded", (), 0)
    assert r.result == f"jobs/{r.job}/result.tsv"
    after = rows(t)
    now = jeans(after).get_column("EntityPublishedOn").unique().to_list()
    assert len(now) == 1 and now[0] > "2025-03-16T08:00:00Z"
    order = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "MediaGroup", "MediaDisplayOrder",
             "SwatchDimension"]
    became = drafts.with_columns(pl.lit("Published").alias(STATE), EntityPublishedOn=pl.lit(now[0]),
                                 CheckedOutBy=pl.lit(None, pl.String))
    assert jeans(after).sort(order, nulls_last=False).equals(became.sort(order, nulls_last=False))
    assert after.filter(pl.col("EntityKeyValue") == "93039").get_column("EntityVersion").to_list() == [
        "3", "3", "3", "3", "1", "1", "1", "1", "1", "1"]
    history = rows(t, "cms/history/assignments.tsv")
    assert history.select(published.columns).sort(order, nulls_last=False).equals(published.sort(order, nulls_last=False))
    assert history.get_column("SupersededBy").unique().to_list() == [r.job]
    assert history.get_column("SupersededOn").unique().to_list() == now
    job = read_jobs(t)[-1]
    assert (job.job_id, job.job_type, job.status, job.name, job.created_by, job.rows_total, job.rows_succeeded,
            job.rows_skipped, job.result_path) == (r.job, "Publish", "Succeeded", "publish 93039", "bob", 18, 18, 0,
                                                   r.result)
    result = rows(t, r.result)
    assert result.get_column("Result").unique().to_list() == ["Succeeded"]
    assert result.filter(pl.col("EntityType") == "Product|Variant").get_column("ResultDescription").to_list() == [
        "set Product|Variant 93039-006 (Omnichannel/system_neutral) published as version 1"] * 2
    assert_valid(t)


def test_publish_a_category(t: Tenant) -> None:
    draft(t, "category:C110", "category:C120")
    r = publish(t, selection(categories=["C110"]), user="bob")
    assert r.sets.rows() == [("Category", "C110", "OUN00001", NEUTRAL, "", "1", 1, None, "publish", None, None)]
    assert rows(t).filter(pl.col(STATE) == "Draft").get_column("EntityKeyValue").to_list() == [
        "81120", "81120", "81120", "C120"]
    with pytest.raises(UsageError, match="unknown category C999 in tenant 'contoso-dev'"):
        publish(t, selection(categories=["C999"]), user="bob")


def test_publish_all_skips_the_drafts_someone_holds(t: Tenant) -> None:
    draft(t, "93039", "category:C130")
    r = publish(t, selection(all_drafts=True), user="bob")
    assert r.of("skip").rows() == [(*ALICE, "skip", "CheckedOut", "checked out by alice")]
    assert (r.of("publish").height, r.rows, r.status) == (9, RowCounts(22, 19, 0, 3), "Succeeded")
    assert rows(t).filter(pl.col(STATE) == "Draft").get_column("CheckedOutBy").to_list() == ["alice"] * 3
    skipped = rows(t, r.result).filter(pl.col("Result") == "Skipped")
    assert skipped.select("EntityKeyValue", "ErrorCode", "ResultDescription").unique().rows() == [
        ("81120", "CheckedOut", "set Product|Master 81120 (Omnichannel/system_neutral) not published: checked out by "
                                "alice")]
    job = read_jobs(t)[-1]
    assert (job.rows_total, job.rows_succeeded, job.rows_skipped, job.name) == (22, 19, 3, "publish all drafts")
    assert_valid(t)


def test_named_products_whose_drafts_are_all_held_are_refused(t: Tenant) -> None:
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        publish(t, selection(products=["81120"]), user="bob")
    assert str(caught.value) == (
        "81120 in tenant contoso-dev: nothing can be published: 1 draft set is skipped: Product|Master 81120 "
        "(Omnichannel/system_neutral): checked out by alice (check the drafts in first (omm checkin ENTITY --tenant "
        "contoso-dev --user USER))")
    assert caught.value.exit_code == 2
    assert snapshot(t) == before
    draft(t, "93039")
    mixed = publish(t, selection(products=["81120,93039"]), user="bob")  # one held, one not: published, one skipped
    assert (mixed.of("publish").height, mixed.of("skip").rows()) == (8, [(*ALICE, "skip", "CheckedOut",
                                                                          "checked out by alice")])


def test_all_with_only_held_drafts_publishes_nothing_without_error(t: Tenant) -> None:
    before = snapshot(t)
    r = publish(t, selection(all_drafts=True), user="bob")
    assert (r.job, r.status, r.result, r.rows, r.changes) == (None, None, None, RowCounts(3, 0, 0, 3), False)
    assert r.note == ("every draft is skipped (1 set): Product|Master 81120 (Omnichannel/system_neutral): checked out "
                      "by alice")
    assert snapshot(t) == before


def test_unpublished_media_is_refused_listing_the_ids(t: Tenant) -> None:
    release(t)
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        publish(t, selection(products=["81120"]), user="bob")
    assert caught.value.message == (
        f"81120 in tenant contoso-dev: 1 set uses unpublished media {WHITE_BACK} (Product|Master 81120 "
        "(Omnichannel/system_neutral)); nothing was published")
    assert caught.value.hint == "add --publish-dependencies to publish those assets in the same job"
    assert snapshot(t) == before


def test_publish_dependencies_publishes_the_media_with_its_url(t: Tenant) -> None:
    release(t)
    r = publish(t, selection(products=["81120"]), publish_dependencies=True, user="bob")
    url = f"{URL}/{WHITE_BACK}/{NEUTRAL}/1"
    assert r.media.rows() == [(WHITE_BACK, NEUTRAL, "1", url)]
    assert r.sets.rows() == [(*ALICE, "publish", None, None)]
    asset = rows(t, "cms/media.tsv").filter(pl.col("InternalMediaId") == WHITE_BACK)
    published_on = rows(t).filter(pl.col("EntityKeyValue") == "81120").get_column("EntityPublishedOn").unique()
    assert asset.select("MediaState", "MediaPublished", "MediaPublishedURL", "MediaPublishedOn", "CheckedOutBy").rows() \
        == [("Published", "true", url, published_on.item(), None)]
    assert rows(t, f"jobs/{r.job}/media.tsv").select("InternalMediaId", "MediaPublishedURL").rows() == [(WHITE_BACK, url)]
    assert not t.path("cms/history/media.tsv").exists()  # the asset had no published row to supersede
    assert rows(t).filter(pl.col("EntityKeyValue") == "81120").get_column("PublishGroup").null_count() == 3
    assert_valid(t)


def test_a_swatch_image_is_a_dependency_and_what_cannot_be_published_is_named(t: Tenant) -> None:
    draft(t, "93039")
    swatch = (pl.col("EntityKeyValue") == "93039|Color|Blue") & (pl.col(STATE) == "Draft")
    edit(t, swatch, SwatchValue=WHITE_BACK)
    with pytest.raises(UsageError, match=f"1 set uses unpublished media {WHITE_BACK} \\(Product\\|Master\\|Swatch "
                                         "93039\\|Color\\|Blue"):
        publish(t, selection(products=["93039"]), user="bob")
    unknown = "00000000-0000-4000-8000-000000000000"
    edit(t, swatch, SwatchValue=unknown)
    with pytest.raises(UsageError) as caught:
        publish(t, selection(products=["93039"]), publish_dependencies=True, user="bob")
    assert caught.value.message.startswith(f"93039 in tenant contoso-dev: 1 set uses unpublished media {unknown} "
                                           "(not in cms/media.tsv)")
    assert caught.value.hint.startswith("import the assets that are not in cms/media.tsv")


def test_plan_changes_nothing(t: Tenant) -> None:
    release(t)
    before = snapshot(t)
    r = publish(t, selection(products=["81120"]), publish_dependencies=True, user="bob", plan_only=True)
    assert (r.planned, r.job, r.status, r.result, r.rows) == (True, None, None, None, RowCounts(3, 3, 0, 0))
    assert r.media.rows() == [(WHITE_BACK, NEUTRAL, "1", f"{URL}/{WHITE_BACK}/{NEUTRAL}/1")]
    assert snapshot(t) == before


def test_publishing_twice_has_nothing_to_publish_the_second_time(t: Tenant) -> None:
    draft(t, "93039")
    first = publish(t, selection(products=["93039"]), user="bob")
    assert first.job is not None
    before = snapshot(t)
    again = publish(t, selection(products=["93039"]), user="bob")
    assert (again.job, again.status, again.rows, again.sets.height, again.note) == (
        None, None, RowCounts(), 0, "93039 has no drafts")
    assert snapshot(t) == before
    assert len(read_jobs(t)) == 1  # the first publish


def test_a_published_asset_with_a_newer_draft_is_not_a_dependency(t: Tenant) -> None:
    draft(t, "93039")
    publish(t, selection(products=["93039"]), publish_dependencies=True, user="bob")
    black = rows(t, "cms/media.tsv").filter(pl.col("InternalMediaId") == BLACK_FRONT)
    assert black.select("MediaState", "MediaVersion").rows() == [("Published", "1"), ("Draft", "2")]


def test_omnichannel_content_off_refuses(t: Tenant) -> None:
    from toolkit.tenants import set_setting

    draft(t, "93039")
    set_setting(t, "OmnichannelContent", "false")
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        publish(t, selection(products=["93039"]), user="bob")
    assert str(caught.value) == ("tenant contoso-dev: OmnichannelContent is off, so assignment authoring (publish) is "
                                 "refused (turn it on with: omm settings --tenant contoso-dev OmnichannelContent true)")
    assert snapshot(t) == before


@pytest.mark.parametrize(("given", "message"), [
    ({}, "choose what to publish"),
    ({"products": ["93039"], "all_drafts": True}, "choose what to publish"),
    ({"group": " "}, "choose what to publish"),
])
def test_selection_is_exactly_one_way(given: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        selection(**given)  # type: ignore[arg-type]


def test_unknown_product(t: Tenant) -> None:
    with pytest.raises(UsageError, match="unknown product 4242 in tenant 'contoso-dev'"):
        publish(t, selection(products=["4242"]), user="bob")
