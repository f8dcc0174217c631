"""The result of an import: the job's outcome, and the result manifest saved with the job.

The result manifest is the input, row for row and in input order, with Result, ResultTime,
ErrorCode and ResultDescription filled and the ids (InternalMediaId) and versions the rows now
have in the tenant — so a user fixes the failed rows and imports the same file again, and rows
that already succeeded match what they created instead of creating it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from toolkit.importing.rows import ROW, Input

FILLED = {"assets": ("InternalMediaId", "MediaVersion"), "assignments": ("InternalMediaId", "EntityVersion")}


@dataclass(frozen=True)
class RowCounts:
    total: int
    succeeded: int
    failed: int
    skipped: int


@dataclass(frozen=True)
class ImportResult:
    """What ``omm import`` did; ``to_dict`` is the JSON of SPEC §6 (plus kind, tenant and codes)."""

    job: str
    tenant: str
    kind: str
    status: str
    rows: RowCounts
    result: str | None          # the result manifest, relative to the tenant
    error_codes: tuple[tuple[str, int], ...]  # ErrorCode → rows, most frequent first

    def to_dict(self) -> dict[str, Any]:
        r = self.rows
        return {"job": self.job, "status": self.status,
                "rows": {"total": r.total, "succeeded": r.succeeded, "failed": r.failed, "skipped": r.skipped},
                "result": self.result, "tenant": self.tenant, "kind": self.kind,
                "error_codes": dict(self.error_codes)}


def result_frame(inp: Input, outcomes: pl.DataFrame, failures: pl.DataFrame, now: str) -> pl.DataFrame:
    """The result manifest's rows: ``outcomes`` (__row, Result, ErrorCode, ResultDescription,
    ``__id``, ``__stored_version``) overridden by ``failures`` for the rows that failed."""
    kind = inp.manifest.kind.name
    id_col, version_col = FILLED.get(kind, (None, None))
    failed = failures.select(ROW, Result=pl.lit("Failed"), ErrorCode="ErrorCode",
                             ResultDescription="ResultDescription")
    rows = inp.frame.drop([c for c in ("Result", "ResultTime", "ErrorCode", "ResultDescription")
                           if c in inp.frame.columns])
    decided = outcomes.join(failed.select(ROW), on=ROW, how="anti")
    joined = rows.join(pl.concat([failed, decided.select(ROW, "Result", "ErrorCode", "ResultDescription")]),
                       on=ROW, how="left")
    fills = []
    if id_col is not None and "__id" in outcomes.columns:
        extra = [c for c in decided.columns if c.startswith("__fill_")]
        joined = joined.join(decided.select(ROW, "__id", "__stored_version", *extra), on=ROW, how="left")
        pairs = [(id_col, "__id"), (version_col, "__stored_version"), *((c[len("__fill_"):], c) for c in extra)]
        for col, src in pairs:
            old = pl.col(col) if col in joined.columns else pl.lit(None, pl.String)
            fills.append(pl.coalesce(pl.col(src), old).alias(col))
    joined = joined.with_columns(*fills, ResultTime=pl.lit(now))
    malformed = pl.DataFrame({"Result": ["Failed"] * len(inp.malformed), "ResultTime": [now] * len(inp.malformed),
                              "ErrorCode": ["MalformedRow"] * len(inp.malformed),
                              "ResultDescription": [f"line {p.line}: {p.message}" for p in inp.malformed]},
                             schema={c: pl.String for c in ("Result", "ResultTime", "ErrorCode", "ResultDescription")})
    out = pl.concat([joined.sort(ROW).drop(ROW, "__id", "__stored_version", strict=False), malformed],
                    how="diagonal_relaxed")
    return out.select([c for c in out.columns if not c.startswith("__")])


def counts(result: pl.DataFrame) -> tuple[RowCounts, tuple[tuple[str, int], ...]]:
    by = result.get_column("Result")
    rc = RowCounts(result.height, int((by == "Succeeded").sum()), int((by == "Failed").sum()),
                   int((by == "Skipped").sum()))
    codes = (result.get_column("ErrorCode").drop_nulls().value_counts(sort=True, name="n")
             .sort(["n", "ErrorCode"], descending=[True, False]))
    return rc, tuple((str(c), int(n)) for c, n in codes.iter_rows())
