"""The cross-column rules of assets manifests, as plain Polars (no Pandera): ``schemas/assets.py``
wires them into its model as ``@dataframe_check``s, and screening asks them directly."""

from __future__ import annotations

import polars as pl

from schemas.rules import rule, same_within, unique_rows

KEY = ["InternalMediaId", "MediaLocale", "MediaState"]

_id = pl.col("InternalMediaId")
_is_new = _id.is_null()
# A new asset has no id yet; each such row is its own asset.
_identity = pl.when(_is_new).then(pl.int_range(pl.len(), dtype=pl.UInt64)).otherwise(_id.hash())

RULES = {
    "duplicate_key": rule("InternalMediaId", KEY, "duplicate key InternalMediaId+MediaLocale(+MediaState)",
                          unique_rows(KEY, where=~_is_new)),
    "display_name_unique": rule(
        "MediaDisplayName", ["MediaDisplayName", "InternalMediaId"],
        "MediaDisplayName is used by another asset; display names are unique within a tenant",
        same_within(_identity, pl.col("MediaDisplayName").hash(), where=pl.col("MediaDisplayName").is_not_null(),
                    says="the asset on line {line} has it"),
    ),
    "new_asset_needs_import_path": rule("MediaImportPath", ["InternalMediaId", "MediaImportPath"],
                                        "a new asset (no InternalMediaId) needs MediaImportPath",
                                        ~_is_new | pl.col("MediaImportPath").is_not_null()),
    "image_needs_alt_text": rule("ImageAltText", ["MediaType", "ImageAltText"], "an Image needs ImageAltText",
                                 pl.col("MediaType").ne_missing("Image") | pl.col("ImageAltText").is_not_null()),
    "video_needs_title": rule("MediaTitle", ["MediaType", "MediaTitle"], "a Video needs MediaTitle",
                              pl.col("MediaType").ne_missing("Video") | pl.col("MediaTitle").is_not_null()),
}
