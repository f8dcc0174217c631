"""``toolkit.publishing.groups`` and group publishing: create, add (2,000 sets at most), schedule
(validated), publish whole, run-due (SPEC §6 ``omm group``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.publishing.data import (
    JEANS_SETS,
    NEUTRAL,
    STATE,
    WHITE_BACK,
    draft,
    edit,
    fixture_tenant,
    release,
    rows,
    snapshot,
)
from toolkit.errors import UsageError
from toolkit.jobs import read_jobs
from toolkit.publishing import (
    GroupInfo,
    RowCounts,
    add,
    create,
    list_groups,
    publish,
    publish_group,
    run_due,
    schedule,
    selection,
)
from toolkit.tsv import write_manifest
from toolkit.validation import validate
from toolkit.workspace import Tenant

SPRING = GroupInfo("spring-2025", "Spring 2025 t-shirt refresh", "", "Open", 1)
SUMMER = GroupInfo("summer-launch", "Summer 2025 denim launch", "2025-06-01T07:00:00Z", "Scheduled", 0)
JEANS_KEYS = tuple(s[:5] for s in JEANS_SETS)


@pytest.fixture
def t(tmp_path: Path) -> Tenant:
    return fixture_tenant(tmp_path)


def groups_file(t: Tenant) -> str:
    return t.path("cms/publish_groups.tsv").read_text()


def test_create_and_list(t: Tenant) -> None:
    assert list_groups(t) == (SPRING, SUMMER)
    change = create(t, "autumn", "Autumn  launch\n", user="bob")
    autumn = GroupInfo("autumn", "Autumn launch", "", "Open", 0)
    assert (change.action, change.group, change.sets, change.rows) == ("create", autumn, (), 1)
    assert list_groups(t) == (autumn, SPRING, SUMMER)
    job = read_jobs(t)[-1]
    assert (job.job_id, job.job_type, job.name, job.status) == (change.job, "Publish", "group create autumn",
                                                                "Succeeded")
    before = snapshot(t)
    with pytest.raises(UsageError, match="publish group autumn already exists in tenant contoso-dev"):
        create(t, "autumn", user="bob")
    for bad in ("", " x", "a\tb", "x" * 101):
        with pytest.raises(UsageError, match="invalid publish group name"):
            create(t, bad, user="bob")
    assert snapshot(t) == before
    assert validate([t.root]).findings == ()


def test_add_stages_checked_in_drafts(t: Tenant) -> None:
    create(t, "autumn", user="bob")
    draft(t, "93039", "category:C110")
    change = add(t, "autumn", ["93039", "category:C110"], user="bob")
    assert change.sets == (("Category", "C110", "OUN00001", NEUTRAL, ""), *JEANS_KEYS)
    assert (change.rows, change.group.sets) == (19, 9)
    staged = rows(t).filter(pl.col("PublishGroup") == "autumn")
    assert (staged.height, staged.get_column(STATE).unique().to_list()) == (19, ["Draft"])
    job = read_jobs(t)[-1]
    assert (job.name, job.rows_total, job.rows_succeeded) == ("group add autumn", 19, 19)
    before = snapshot(t)
    again = add(t, "autumn", ["93039"], user="bob")
    assert (again.sets, again.rows, again.job) == ((), 0, None)
    assert snapshot(t) == before
    assert validate([t.root]).findings == ()


def test_add_refusals_change_nothing(t: Tenant) -> None:
    create(t, "autumn", user="bob")
    before = snapshot(t)
    cases = [
        (["1000"], "1000 in tenant contoso-dev: no draft to stage in publish group autumn"),
        (["81120"], "81120 in tenant contoso-dev: Product|Master 81120 (Omnichannel/system_neutral): checked out by "
                    "alice; nothing was added to autumn"),
        (["4242"], "unknown product 4242 in tenant 'contoso-dev'"),
    ]
    for entities, message in cases:
        with pytest.raises(UsageError) as caught:
            add(t, "autumn", entities, user="bob")
        assert caught.value.message == message
    with pytest.raises(UsageError, match="no publish group 'nope' in tenant contoso-dev"):
        add(t, "nope", ["93039"], user="bob")
    assert snapshot(t) == before
    release(t)
    with pytest.raises(UsageError) as caught:
        add(t, "autumn", ["81120"], user="bob")
    assert caught.value.message == ("81120 in tenant contoso-dev: Product|Master 81120 (Omnichannel/system_neutral): "
                                    "in publish group spring-2025; nothing was added to autumn")


def _stuff(t: Tenant, group: str, sets: int) -> None:
    """Stage ``sets`` generated draft Category sets in ``group`` (built with Polars, not one by one)."""
    frame = rows(t)
    c110 = frame.filter(pl.col("EntityKeyValue") == "C110")
    many = c110.select(pl.all().repeat_by(sets).explode()).with_columns(
        EntityKeyValue=pl.format("X{}", pl.int_range(sets).cast(pl.String).str.zfill(5)),
        **{STATE: pl.lit("Draft"), "PublishGroup": pl.lit(group)})
    write_manifest(pl.concat([frame, many]), t.path("cms/assignments.tsv"), "assignments")


def test_a_group_holds_at_most_2000_sets(t: Tenant) -> None:
    create(t, "big", user="bob")
    draft(t, "93039")
    _stuff(t, "big", 1993)
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        add(t, "big", ["93039"], user="bob")
    assert str(caught.value) == ("publish group big would hold 2001 assignment sets; a group holds at most 2,000, as in "
                                 "Commerce; nothing was added (split the drafts over several groups)")
    assert snapshot(t) == before
    frame = rows(t)
    write_manifest(frame.filter(pl.col("EntityKeyValue") != "X01992"), t.path("cms/assignments.tsv"), "assignments")
    assert add(t, "big", ["93039"], user="bob").group.sets == 2000


def test_schedule_validates_the_group(t: Tenant) -> None:
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        schedule(t, "spring-2025", "2025-04-01T08:00:00Z", user="bob")
    assert str(caught.value) == (
        "tenant contoso-dev: group spring-2025 cannot be published: Product|Master 81120 (Omnichannel/system_neutral) "
        "checked out by alice; it was not scheduled (check the drafts in first (omm checkin ENTITY --tenant "
        "contoso-dev --user USER))")
    create(t, "empty", user="bob")
    with pytest.raises(UsageError, match="publish group empty holds no drafts; it was not scheduled"):
        schedule(t, "empty", "2025-04-01T08:00:00Z", user="bob")
    with pytest.raises(UsageError, match="--at 'soon' is not a timestamp"):
        schedule(t, "spring-2025", "soon", user="bob")
    release(t)
    with pytest.raises(UsageError) as caught:
        schedule(t, "spring-2025", "2025-04-01T08:00:00Z", user="bob")
    assert caught.value.message == (
        f"tenant contoso-dev: group spring-2025 cannot be published: Product|Master 81120 "
        f"(Omnichannel/system_neutral) uses unpublished media {WHITE_BACK}; it was not scheduled")
    change = schedule(t, "spring-2025", "2025-04-01 10:00+02:00", publish_dependencies=True, user="bob")
    assert change.group == GroupInfo("spring-2025", "Spring 2025 t-shirt refresh", "2025-04-01T08:00:00Z",
                                     "Scheduled", 1, True)
    assert groups_file(t).splitlines()[2] == (
        "spring-2025\tSpring 2025 t-shirt refresh\t2025-04-01T08:00:00Z\tScheduled\ttrue")
    same = schedule(t, "spring-2025", "2025-04-01T08:00:00Z", publish_dependencies=True, user="bob")
    assert same.job is None
    assert validate([t.root]).findings == ()
    assert before != snapshot(t)


def test_group_publish_is_whole_and_marks_the_group_published(t: Tenant) -> None:
    create(t, "autumn", user="bob")
    draft(t, "93039")
    add(t, "autumn", ["93039"], user="bob")
    variant = (pl.col("EntityKeyValue") == "93039-006") & (pl.col(STATE) == "Draft")
    edit(t, variant, CheckedOutBy="carol")
    before = snapshot(t)
    with pytest.raises(UsageError) as caught:
        publish_group(t, "autumn", user="bob")
    assert caught.value.message == ("tenant contoso-dev: group autumn cannot be published: Product|Variant 93039-006 "
                                    "(Omnichannel/system_neutral) checked out by carol; nothing was published")
    assert snapshot(t) == before
    edit(t, variant, CheckedOutBy=None)
    r = publish(t, selection(group="autumn"), user="bob")
    assert (r.of("publish").height, r.rows, r.groups) == (8, RowCounts(18, 18, 0, 0), ("autumn",))
    assert [g.status for g in list_groups(t)] == ["Published", "Open", "Scheduled"]
    assert rows(t).filter(pl.col("PublishGroup") == "autumn").height == 0
    again = publish_group(t, "autumn", user="bob")
    assert (again.job, again.note) == (None, "publish group autumn is already published")
    with pytest.raises(UsageError, match="publish group autumn is already published; nothing was added"):
        add(t, "autumn", ["93039"], user="bob")


def test_a_scheduled_group_keeps_its_drafts_from_other_publishes(t: Tenant) -> None:
    create(t, "autumn", user="bob")
    draft(t, "93039")
    add(t, "autumn", ["93039"], user="bob")
    schedule(t, "autumn", "2099-01-01T00:00:00Z", user="bob")
    with pytest.raises(UsageError, match="scheduled in publish group autumn for 2099-01-01T00:00:00Z"):
        publish(t, selection(products=["93039"]), user="bob")
    r = publish(t, selection(all_drafts=True), user="bob")
    assert (r.job, r.of("skip").get_column("ErrorCode").unique().sort().to_list()) == (None, ["CheckedOut", "Scheduled"])


def test_run_due_publishes_past_groups_and_leaves_future_ones(t: Tenant) -> None:
    release(t)
    schedule(t, "spring-2025", "2025-04-01T08:00:00Z", publish_dependencies=True, user="bob")
    create(t, "autumn", user="bob")
    draft(t, "93039")
    add(t, "autumn", ["93039"], user="bob")
    schedule(t, "autumn", "2025-09-01T06:00:00Z", user="bob")
    before = snapshot(t)
    plan = run_due(t, now="2025-08-01T00:00:00Z", user="cron", plan_only=True)
    assert (plan.groups, plan.of("publish").get_column("EntityKeyValue").to_list(), plan.job) == (
        ("spring-2025", "summer-launch"), ["81120"], None)
    assert snapshot(t) == before
    r = run_due(t, now="2025-08-01T00:00:00Z", user="cron")
    assert (r.groups, r.rows, r.status, r.media.get_column("InternalMediaId").to_list()) == (
        ("spring-2025", "summer-launch"), RowCounts(3, 3, 0, 0), "Succeeded", [WHITE_BACK])
    assert [(g.name, g.status) for g in list_groups(t)] == [
        ("autumn", "Scheduled"), ("spring-2025", "Published"), ("summer-launch", "Published")]
    assert read_jobs(t)[-1].name == "publish groups due by 2025-08-01T00:00:00Z"
    nothing = run_due(t, now="2025-08-01T00:00:00Z", user="cron")
    assert (nothing.job, nothing.note) == (None, "no publish group is due by 2025-08-01T00:00:00Z")
    assert validate([t.root]).findings == ()


def test_run_due_fails_a_group_that_cannot_be_published_whole(t: Tenant) -> None:
    create(t, "autumn", user="bob")
    draft(t, "93039")
    add(t, "autumn", ["93039"], user="bob")
    schedule(t, "autumn", "2025-09-01T06:00:00Z", user="bob")
    edit(t, pl.col("PublishGroup") == "autumn", CheckedOutBy="dave")  # taken back for editing after it was scheduled
    r = run_due(t, now="2025-09-01T06:00:00Z", user="cron")
    assert (r.groups, r.rows, r.status) == (("summer-launch",), RowCounts(18, 0, 18, 0), "CompletedWithErrors")
    assert r.of("fail").get_column("reason").unique().to_list() == [
        "group autumn cannot be published: Product|DimensionMatrix 93039|Color:Black (Omnichannel/system_neutral) "
        "checked out by dave; Product|DimensionMatrix 93039|Color:Blue (Omnichannel/system_neutral) checked out by "
        "dave; Product|Master 93039 (Omnichannel/system_neutral) checked out by dave; Product|Master 93039 "
        "(OUN00001/en-us) checked out by dave; Product|Master 93039 (OUN00003/fr-fr) checked out by dave; "
        "Product|Master|Swatch 93039|Color|Black (Omnichannel/system_neutral) checked out by dave; "
        "Product|Master|Swatch 93039|Color|Blue (Omnichannel/system_neutral) checked out by dave; Product|Variant "
        "93039-006 (Omnichannel/system_neutral) checked out by dave"]
    assert [(g.name, g.status) for g in list_groups(t)][0] == ("autumn", "Scheduled")
    failed = rows(t, r.result)
    assert (failed.height, failed.get_column("Result").unique().to_list(),
            failed.get_column("ErrorCode").unique().to_list()) == (18, ["Failed"], ["CheckedOut"])
