"""``toolkit.checkout``: checkout / checkin / discard of an entity's assignment sets (SPEC §6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import WORKSPACE
from toolkit import checkout
from toolkit.errors import UsageError
from toolkit.jobs import read_jobs
from toolkit.tsv import read_manifest
from toolkit.validation import validate
from toolkit.workspace import Tenant, tenant

STATE = "EntityAssignmentCurrentPublishState"
JEANS_SETS = (
    ("Product|DimensionMatrix", "93039|Color:Black", "", "system_neutral", ""),
    ("Product|DimensionMatrix", "93039|Color:Blue", "", "system_neutral", ""),
    ("Product|Master", "93039", "", "system_neutral", ""),
    ("Product|Master", "93039", "OUN00001", "en-us", ""),
    ("Product|Master", "93039", "OUN00003", "fr-fr", ""),
    ("Product|Master|Swatch", "93039|Color|Black", "", "system_neutral", ""),
    ("Product|Master|Swatch", "93039|Color|Blue", "", "system_neutral", ""),
    ("Product|Variant", "93039-006", "", "system_neutral", ""),
)


@pytest.fixture
def t(tmp_path: Path) -> Tenant:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tenant(tmp_path / "ws", "contoso-dev")


def snapshot(t: Tenant) -> dict[str, bytes]:
    return {p.relative_to(t.root).as_posix(): p.read_bytes() for p in sorted(t.root.rglob("*")) if p.is_file()}


def rows(t: Tenant) -> pl.DataFrame:
    return read_manifest(t.path("cms/assignments.tsv")).frame


def jeans(frame: pl.DataFrame) -> pl.DataFrame:
    key = pl.col("EntityKeyValue")
    return frame.filter((key == "93039") | key.str.starts_with("93039|") | (key == "93039-006"))


def assert_valid(t: Tenant) -> None:
    assert validate([t.root]).findings == ()


def test_checkout_copies_published_rows_as_drafts(t: Tenant) -> None:
    before = rows(t)
    result = checkout.run(t, "93039", "checkout", user="bob")
    assert (result.tenant, result.entity, result.action, result.user, result.sets, result.rows) == (
        "contoso-dev", "93039", "checkout", "bob", JEANS_SETS, 18)
    after = rows(t)
    published = jeans(before)
    assert published.get_column(STATE).unique().to_list() == ["Published"]
    drafts = jeans(after).filter(pl.col(STATE) == "Draft")
    expected = published.with_columns(pl.lit("Draft").alias(STATE), pl.lit("bob").alias("CheckedOutBy"))
    order = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "MediaGroup", "InternalMediaId",
             "MediaPurpose", "SwatchDimension"]
    assert drafts.sort(order, nulls_last=False).equals(expected.sort(order, nulls_last=False))
    assert jeans(after).filter(pl.col(STATE) == "Published").sort(order).equals(published.sort(order))
    assert after.height == before.height + 18
    assert_valid(t)
    job = read_jobs(t)[-1]
    assert (job.job_id, job.job_type, job.status, job.created_by, job.name, job.rows_total, job.rows_succeeded) == (
        result.job, "Checkout", "Succeeded", "bob", "93039", 18, 18)


def test_second_checkout_by_the_same_user_changes_nothing(t: Tenant) -> None:
    checkout.run(t, "93039", "checkout", user="bob")
    before = snapshot(t)
    again = checkout.run(t, "93039", "checkout", user="bob")
    assert (again.sets, again.rows, again.job, again.changed) == (JEANS_SETS, 0, None, False)
    assert snapshot(t) == before
    assert checkout.nothing_message(again) == "93039: all 8 sets are already checked out by bob; nothing changed"


def test_checkout_of_a_checked_in_draft_takes_it(t: Tenant) -> None:
    checkout.run(t, "81120", "checkin", user="alice")
    result = checkout.run(t, "81120", "checkout", user="bob")
    assert (result.sets, result.rows) == ((("Product|Master", "81120", "", "system_neutral", ""),
                                           ("Product|Master|Swatch", "81120|Color|Red", "", "system_neutral", ""),
                                           ("Product|Master|Swatch", "81120|Color|White", "", "system_neutral", "")),
                                          3 + 2)  # 3 draft rows taken, 2 swatch rows copied
    drafts = rows(t).filter(pl.col(STATE) == "Draft")
    assert drafts.get_column("CheckedOutBy").unique().to_list() == ["bob"]
    assert_valid(t)


@pytest.mark.parametrize("action", ["checkout", "checkin", "discard"])
def test_another_users_draft_is_refused_and_nothing_changes(t: Tenant, action: str) -> None:
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        checkout.run(t, "81120", action, user="bob")
    assert str(caught.value).startswith("81120 in tenant contoso-dev: Product|Master 81120 "
                                        "(Omnichannel/system_neutral) is checked out by alice, not bob")
    assert caught.value.exit_code == 2
    assert snapshot(t) == before


def test_a_variant_held_by_someone_else_refuses_the_whole_master(t: Tenant) -> None:
    checkout.run(t, "93039-006", "checkout", user="carol")
    before = snapshot(t)
    held = r"Product\|Variant 93039-006 \(Omnichannel/system_neutral\) is checked out by carol, not bob"
    with pytest.raises(UsageError, match=held):
        checkout.run(t, "93039", "checkout", user="bob")
    assert snapshot(t) == before


def test_checkin_clears_the_holder_and_keeps_the_drafts(t: Tenant) -> None:
    checkout.run(t, "93039", "checkout", user="bob")
    result = checkout.run(t, "93039", "checkin", user="bob")
    assert (result.sets, result.rows) == (JEANS_SETS, 18)
    drafts = jeans(rows(t)).filter(pl.col(STATE) == "Draft")
    assert drafts.height == 18 and drafts.get_column("CheckedOutBy").null_count() == 18
    assert_valid(t)
    assert read_jobs(t)[-1].job_type == "Checkin"
    before = snapshot(t)
    nothing = checkout.run(t, "93039", "checkin", user="bob")
    assert (nothing.sets, nothing.rows, nothing.job) == ((), 0, None)
    assert checkout.nothing_message(nothing) == "93039: no draft is checked out by bob; nothing to check in"
    assert snapshot(t) == before


def test_discard_removes_the_users_drafts_and_keeps_published(t: Tenant) -> None:
    original = rows(t)
    checkout.run(t, "93039", "checkout", user="bob")
    result = checkout.run(t, "93039", "discard", user="bob")
    assert (result.sets, result.rows) == (JEANS_SETS, 18)
    assert rows(t).equals(original)
    assert_valid(t)
    assert read_jobs(t)[-1].job_type == "Discard"


def test_discard_of_alices_draft_by_alice(t: Tenant) -> None:
    result = checkout.run(t, "81120", "discard", user="alice")
    assert (result.sets, result.rows) == ((("Product|Master", "81120", "", "system_neutral", ""),), 3)
    assert rows(t).filter(pl.col(STATE) == "Draft").height == 0
    assert_valid(t)


def test_discard_leaves_a_checked_in_draft(t: Tenant) -> None:
    checkout.run(t, "81120", "checkin", user="alice")
    before = snapshot(t)
    result = checkout.run(t, "81120", "discard", user="alice")
    assert (result.rows, result.job) == (0, None)
    assert snapshot(t) == before


def test_category_entity(t: Tenant) -> None:
    result = checkout.run(t, "category:C110", "checkout", user="bob")
    assert (result.sets, result.rows) == ((("Category", "C110", "OUN00001", "system_neutral", ""),), 1)
    assert_valid(t)
    with pytest.raises(UsageError, match="unknown category C999 in tenant 'contoso-dev'"):
        checkout.run(t, "category:C999", "checkout", user="bob")


def test_unknown_product_and_product_without_sets(t: Tenant) -> None:
    before = snapshot(t)
    with pytest.raises(UsageError, match="unknown product 4242 in tenant 'contoso-dev'"):
        checkout.run(t, "4242", "checkout", user="bob")
    empty = checkout.run(t, "1001", "checkout", user="bob")
    assert (empty.sets, empty.rows, empty.job) == ((), 0, None)
    assert snapshot(t) == before


def test_omnichannel_content_off_refuses(t: Tenant) -> None:
    from toolkit.tenants import set_setting

    set_setting(t, "OmnichannelContent", "false")
    before = snapshot(t)
    for action in checkout.ACTIONS:
        with pytest.raises(UsageError, match="OmnichannelContent is off") as caught:
            checkout.run(t, "93039", action, user="bob")
        assert caught.value.hint == "turn it on with: omm settings --tenant contoso-dev OmnichannelContent true"
    assert snapshot(t) == before


@pytest.mark.parametrize("user", ["", "  ", "a\tb", "a\nb"])
def test_bad_user(t: Tenant, user: str) -> None:
    with pytest.raises(UsageError, match="invalid user"):
        checkout.run(t, "93039", "checkout", user=user)


def test_to_dict(t: Tenant) -> None:
    result = checkout.run(t, "category:C110", "checkout", user="bob")
    assert result.to_dict() == {
        "tenant": "contoso-dev", "entity": "category:C110", "action": "checkout", "user": "bob",
        "sets": [{"EntityType": "Category", "EntityKeyValue": "C110", "EntityChannel": "OUN00001",
                  "EntityLocale": "system_neutral", "CatalogNumber": ""}],
        "rows": 1, "job": result.job}
