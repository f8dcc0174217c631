"""publish_groups — named publish groups with an optional schedule (``cms/publish_groups.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.rules.publish_groups import RULES

STATUSES = ("Open", "Scheduled", "Published")
KEY = ["PublishGroup"]

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
