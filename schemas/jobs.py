"""jobs — the job log of a tenant (``jobs/jobs.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f

JOB_TYPES = ("Import", "Export", "Publish", "Sync", "Copy", "Checkout", "Checkin", "Discard")
STATUSES = ("Queued", "InProgress", "Succeeded", "CompletedWithErrors", "Failed", "Cancelled", "Interrupted")
KEY = ["JobId"]


class JobsSchema(pa.DataFrameModel):
    JobId: Series[str] = f.pattern(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", "Job id (also its folder name).", required=True, nullable=False)
    JobType: Series[str] = f.enum(JOB_TYPES, "Import, Export, Publish, Sync, Copy, Checkout, Checkin or Discard.", required=True, nullable=False)
    Tenant: Series[str] = f.pattern(f.TENANT_ID, "Tenant the job ran in.")
    Status: Series[str] = f.enum(STATUSES, "State of the job.", required=True, nullable=False)
    CreatedOn: Series[str] = f.timestamp("When the job was created (UTC).")
    StartedOn: Series[str] = f.timestamp("When it started (UTC).")
    FinishedOn: Series[str] = f.timestamp("When it finished (UTC).")
    CreatedBy: Series[str] = f.text("User who ran it.")
    Name: Series[str] = f.text("Name given with --name.")
    Description: Series[str] = f.text("What the job did.")
    RowsTotal: Series[str] = f.integer("Rows in the input.", minimum=0)
    RowsSucceeded: Series[str] = f.integer("Rows that succeeded.", minimum=0)
    RowsFailed: Series[str] = f.integer("Rows that failed.", minimum=0)
    RowsSkipped: Series[str] = f.integer("Rows skipped.", minimum=0)
    ResultPath: Series[str] = f.text("Result manifest, relative to the tenant.")

    class Config:
        strict = False
        name = "jobs"
        unique = KEY
        metadata = f.table("jobs", KEY, "jobs/jobs.tsv")
