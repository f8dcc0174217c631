"""publish_groups — named publish groups with an optional schedule (``cms/publish_groups.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.typing.polars import Series

from schemas import fields as f

STATUSES = ("Open", "Scheduled", "Published")
KEY = ["PublishGroup"]

RULES = {
    "scheduled_has_time": f.rule("ScheduledOn", ["Status", "ScheduledOn"], "a Scheduled group needs ScheduledOn",
                                 pl.col("Status").ne_missing("Scheduled") | pl.col("ScheduledOn").is_not_null()),
}


class PublishGroupsSchema(pa.DataFrameModel):
    PublishGroup: Series[str] = f.identifier("Name of the group.", required=True, nullable=False)
    Description: Series[str] = f.text("What the group is for.")
    ScheduledOn: Series[str] = f.timestamp("When the group publishes (UTC).")
    Status: Series[str] = f.enum(STATUSES, "Open, Scheduled or Published.", required=True, nullable=False)

    class Config:
        strict = False
        name = "publish_groups"
        unique = KEY
        metadata = f.table("publish_groups", KEY, "cms/publish_groups.tsv", rules=RULES)

    scheduled_has_time = f.rule_check("scheduled_has_time", RULES)
