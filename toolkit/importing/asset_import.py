"""Import of an asset manifest: match, decide, ingest binaries, check, apply — column-wise.

The only per-item Python work is reading and hashing each *distinct* binary
(:mod:`toolkit.importing.binaries`); every decision over the manifest's rows is a Polars
expression or join (:mod:`asset_rules`, :mod:`asset_content`, :mod:`asset_store`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from toolkit.importing import asset_content as content_
from toolkit.importing.asset_rules import LOC, PROVIDER, SOURCE, TARGET, decide, match, match_failures
from toolkit.importing.asset_store import Applied, Options, apply, mark_unchanged
from toolkit.importing.rows import ROW, Input, fail, first_failure
from toolkit.importing.tenant_data import TenantData
from toolkit.importing.values import with_columns
from toolkit.kinds import get_kind

# Mandatory-field rules the schema checks on the manifest's row alone; an import checks them on
# the row's new content instead (an update may leave a stored field out), see asset_content.
DEFERRED_RULES = frozenset({"new_asset_needs_import_path", "image_needs_alt_text", "video_needs_title"})
Ingest = Callable[[pl.DataFrame], pl.DataFrame]


@dataclass(frozen=True)
class AssetImport:
    applied: Applied
    failures: pl.DataFrame   # __row, ErrorCode, ResultDescription
    blobs: pl.DataFrame      # BlobPath, ScratchFile of binaries to store


def _in_use(data: TenantData) -> pl.Series:
    a = data.frame("assignments")
    return pl.concat([a.get_column("InternalMediaId"), a.get_column("SwatchValue")]).drop_nulls().unique()


def _duplicates(decided: pl.DataFrame) -> pl.DataFrame:
    """Later rows that act on the same asset row as an earlier one: the same stored (id, locale), a
    known id in the same new locale, or new assets from the same source in one locale (which would
    leave two assets that the next import cannot tell apart)."""
    op = pl.col("__op")
    by_id = op.is_in(["overwrite", "unpublish", "delete", "create"]) & pl.col(TARGET).is_not_null()
    by_source = op.is_in(["create", "keep_both"]) & pl.col(PROVIDER).is_not_null() & pl.col(SOURCE).is_not_null()
    key = (pl.when(by_id).then(pl.concat_str([pl.lit("id"), pl.col(TARGET), pl.col(LOC)], separator="\t"))
           .when(by_source).then(pl.concat_str([pl.lit("source"), pl.col(PROVIDER), pl.col(SOURCE), pl.col(LOC)],
                                               separator="\t")))
    acting = decided.with_columns(__dup=key).filter(pl.col("__dup").is_not_null())
    text = (pl.when(by_id).then(pl.format("another row of the manifest already acts on asset {} in {}", pl.col(TARGET),
                                          pl.col(LOC)))
            .otherwise(pl.format("another row of the manifest already creates the asset of {} {} in {}",
                                 pl.col(PROVIDER), pl.col(SOURCE), pl.col(LOC))))
    return fail(acting, pl.col(ROW) != pl.col(ROW).min().over("__dup"), "DuplicateRow", text)


def _binaries(content: pl.DataFrame, ingest: Ingest) -> pl.DataFrame:
    sources = (content.filter(pl.col("__input_path").is_not_null())
               .select(pl.col("__input_path").alias("MediaImportPath"), "MediaType").unique(maintain_order=True))
    if sources.height == 0:
        return pl.DataFrame(schema={"MediaImportPath": pl.String, "MediaType": pl.String, "MediaChecksum": pl.String,
                                    "ImageWidth": pl.String, "ImageHeight": pl.String, "BlobPath": pl.String,
                                    "ScratchFile": pl.String, "ErrorCode": pl.String, "ErrorMessage": pl.String})
    return ingest(sources)


def import_assets(inp: Input, data: TenantData, opts: Options, ingest: Ingest) -> AssetImport:
    kind = get_kind("assets")
    manifest_columns = list(inp.manifest.header)
    original = data.manifests["assets"].frame.columns
    store = with_columns(data.frame("assets"), ["MediaState", "CheckedOutBy"])
    columns = content_.store_columns(store, manifest_columns)
    store = with_columns(store, columns)
    frame = with_columns(inp.frame, kind.column_names)
    matched = match(frame, store)
    failed = first_failure(inp.failures, match_failures(matched))
    decided = decide(matched, _in_use(data), opts.user)
    decided = decided.with_columns(
        pl.when(pl.col(ROW).is_in(failed.get_column(ROW).implode())).then(pl.lit("fail")).otherwise(pl.col("__op"))
        .alias("__op"))
    failed = first_failure(failed, _duplicates(decided))
    live = decided.filter(~pl.col(ROW).is_in(failed.get_column(ROW).implode()))
    content = content_.build(live, store, columns, manifest_columns)
    binaries = _binaries(content, ingest)
    content, bin_failed = content_.with_binaries(content, binaries)
    failed = first_failure(failed, bin_failed, content_.mandatory_failures(content),
                           content_.name_failures(content, store))
    content = content.filter(~pl.col(ROW).is_in(failed.get_column(ROW).implode()))
    content = mark_unchanged(content, store, columns)
    ops = decided.filter(~pl.col(ROW).is_in(failed.get_column(ROW).implode()))
    applied = apply(ops, content, store, columns, opts, stamped="MediaLastModifiedOn" in manifest_columns,
                    original=original)
    used = content.filter(pl.col("__op") != "skip_unchanged").select(
        pl.col("__input_path").alias("MediaImportPath"), "MediaType")
    needed = binaries.join(used, on=["MediaImportPath", "MediaType"], how="semi").select("BlobPath").unique()
    # The scratch copy of a SHA is on its first path's row, which may itself not be written.
    blobs = (binaries.filter(pl.col("ScratchFile").is_not_null()).join(needed, on="BlobPath", how="semi")
             .select("BlobPath", "ScratchFile").unique("BlobPath"))
    return AssetImport(applied, failed, blobs)
