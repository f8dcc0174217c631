"""The new content of each created or overwritten asset row, and the checks on it.

A created row takes the manifest's values. An overwritten row starts from the stored latest
version (the draft when there is one) and takes every column the manifest has — an empty cell
empties the field, a column the manifest lacks keeps the stored value — except the columns the
import computes (ids, versions, timestamps, checksum and image size, publish state). An empty
MediaImportPath keeps the stored binary.
"""

from __future__ import annotations

import polars as pl

from toolkit.importing.asset_rules import ID, LOC, STATE, TARGET
from toolkit.importing.rows import RESULT_COLUMNS, ROW, fail
from toolkit.importing.values import new_ids
from toolkit.kinds import get_kind

COMPUTED = ("InternalMediaId", "MediaVersion", "MediaCreatedOn", "MediaPublished", "MediaPublishedOn",
            "MediaPublishedURL", "ImageWidth", "ImageHeight", "MediaChecksum", "MediaState", "CheckedOutBy")
ACTIONS = ("MediaSourceIfExistsAction", "MediaAction", "MediaCheckedOutAction", "MediaVersionMismatchAction")
BINARY = ("MediaChecksum", "ImageWidth", "ImageHeight")
# What "unchanged" compares: everything but bookkeeping (versions, times, state, where the file came from).
_NOT_CONTENT = {"MediaVersion", "MediaCreatedOn", "MediaLastModifiedOn", "MediaPublished", "MediaPublishedOn",
                "MediaPublishedURL", "MediaState", "CheckedOutBy", "MediaImportPath"}
WRITES = ("create", "keep_both", "overwrite")


def store_columns(store: pl.DataFrame, manifest_columns: list[str]) -> list[str]:
    """The store's columns after the import: the kind's store columns, then unknown columns of the
    store and of the manifest (extensions survive, SPEC §3)."""
    kind = get_kind("assets")
    dropped = set(ACTIONS) | set(RESULT_COLUMNS)
    known = [c for c in kind.column_names if c not in dropped]
    extra = [c for c in [*store.columns, *manifest_columns] if c not in kind.column_names and not c.startswith("__")]
    return known + list(dict.fromkeys(extra))


def owned_columns(columns: list[str], manifest_columns: list[str]) -> list[str]:
    """The store columns whose value a manifest row sets."""
    return [c for c in columns if c in manifest_columns and c not in COMPUTED]


def content_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c not in _NOT_CONTENT]


def latest_rows(store: pl.DataFrame) -> pl.DataFrame:
    """One stored row per (id, locale): the draft when there is one, else the published row."""
    draft_first = store.sort([ID, LOC, pl.col(STATE).eq_missing("Draft")], descending=[False, False, True])
    return draft_first.unique([ID, LOC], keep="first", maintain_order=True)


def build(m: pl.DataFrame, store: pl.DataFrame, columns: list[str], manifest_columns: list[str]) -> pl.DataFrame:
    """The rows that write (``__op`` create, keep_both or overwrite) with their new content in
    ``columns`` (binary columns still the stored ones), keyed by ``__row`` and ``__id``."""
    writes = m.filter(pl.col("__op").is_in(WRITES))
    fresh = pl.col("__op").eq("keep_both") | pl.col(TARGET).is_null()
    # A KeepBoth asset is new: the matched asset's version and publish state are not its own.
    matched_state = [pl.when(fresh).then(None).otherwise(pl.col(c)).alias(c) for c in ("__has_pub", "__has_draft",
                                                                                       "__version", "__modified")]
    writes = writes.with_columns(__new=new_ids(writes.height)).with_columns(
        pl.when(fresh).then(pl.col("__new")).otherwise(pl.col(TARGET)).alias(TARGET), *matched_state)
    old = latest_rows(store).select([pl.col(c).alias(f"{c}__old") for c in columns])
    joined = writes.join(old, left_on=[TARGET, LOC], right_on=[f"{ID}__old", f"{LOC}__old"], how="left",
                         coalesce=False)
    owned = set(owned_columns(columns, manifest_columns))
    overwrite = pl.col("__op") == "overwrite"

    def value(c: str) -> pl.Expr:
        if c == ID:
            return pl.col(TARGET)
        if c == "MediaImportPath":
            return pl.col(c).fill_null(pl.when(overwrite).then(pl.col(f"{c}__old")))
        if c == "MediaDisplayName":  # KeepBoth: a new asset beside the old one needs a name of its own
            return pl.when(pl.col("__op") == "keep_both").then(
                pl.format("{} ({})", pl.col(c), pl.col(TARGET).str.slice(0, 8))).otherwise(pl.col(c))
        if c in owned:
            return pl.col(c)
        return pl.when(overwrite).then(pl.col(f"{c}__old")).otherwise(pl.col(c) if c in joined.columns else None)

    path = pl.col("MediaImportPath") if "MediaImportPath" in joined.columns else pl.lit(None, pl.String)
    return joined.select(ROW, TARGET, "__op", "__action", "__has_pub", "__has_draft", "__version", "__modified",
                         path.alias("__input_path"), *[value(c).cast(pl.String).alias(c) for c in columns])


def with_binaries(content: pl.DataFrame, binaries: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fill checksum and image size from the ingested binaries; rows whose binary failed fail."""
    got = binaries.select(pl.col("MediaImportPath").alias("__input_path"), "MediaType",
                          *[pl.col(c).alias(f"{c}__bin") for c in BINARY], "ErrorCode", "ErrorMessage")
    joined = content.join(got, on=["__input_path", "MediaType"], how="left")
    failed = joined.filter(pl.col("ErrorCode").is_not_null()).select(
        ROW, "ErrorCode", ResultDescription=pl.col("ErrorMessage"))
    took = pl.col("__input_path").is_not_null()
    filled = joined.filter(pl.col("ErrorCode").is_null()).with_columns(
        pl.when(took).then(pl.col(f"{c}__bin")).otherwise(pl.col(c)).alias(c) for c in BINARY)
    return filled.drop([f"{c}__bin" for c in BINARY] + ["ErrorCode", "ErrorMessage"]), failed


def mandatory_failures(content: pl.DataFrame) -> pl.DataFrame:
    kind = pl.col("MediaType")
    return pl.concat([
        fail(content, pl.col("MediaImportPath").is_null(), "MissingMandatoryField",
             "a new asset needs MediaImportPath (a file under --media-dir or an http(s) URL)"),
        fail(content, (kind == "Image") & pl.col("ImageAltText").is_null(), "MissingMandatoryField",
             "an Image needs ImageAltText"),
        fail(content, (kind == "Video") & pl.col("MediaTitle").is_null(), "MissingMandatoryField",
             "a Video needs MediaTitle"),
    ])


def name_failures(content: pl.DataFrame, store: pl.DataFrame) -> pl.DataFrame:
    """Rows whose MediaDisplayName another asset (of the store, or an earlier row) already has."""
    name = "MediaDisplayName"
    others = store.select(pl.col(name), __owner=pl.col(ID)).drop_nulls(name).unique()
    mine = content.select(ROW, name, __owner=pl.col(TARGET)).drop_nulls(name).sort(ROW)
    first = mine.unique(name, keep="first", maintain_order=True).select(name, __first=pl.col("__owner"))
    clash = mine.join(others, on=name, how="left", suffix="_store").join(first, on=name, how="left")
    bad = pl.col("__owner_store").is_not_null() & (pl.col("__owner_store") != pl.col("__owner"))
    bad = bad | (pl.col("__first") != pl.col("__owner"))
    return fail(clash, bad, "DuplicateDisplayName",
                pl.format("MediaDisplayName {} is already used by asset {}; display names are unique within "
                          "a tenant", pl.col(name), pl.coalesce("__owner_store", "__first")))
