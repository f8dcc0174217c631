"""The cross-column rules of publish_groups manifests, as plain Polars (no Pandera): ``schemas/publish_groups.py`` wires
them into its model as ``@dataframe_check``s, and screening asks them directly."""

from __future__ import annotations

import polars as pl

from schemas.rules import rule

RULES = {
    "scheduled_has_time": rule("ScheduledOn", ["Status", "ScheduledOn"], "a Scheduled group needs ScheduledOn",
                               pl.col("Status").ne_missing("Scheduled") | pl.col("ScheduledOn").is_not_null()),
}
