"""The ErrorCode values of ``omm import`` result manifests: one per class of bad input (SPEC §7).

``ROW_CODES`` holds the codes the import itself decides; the binary codes come from
:mod:`toolkit.importing.binaries`. ``code_for_rule`` maps a validation finding's rule to its code,
so that a row rejected by the schema or by the tenant's integrity says why in one word.
"""

from __future__ import annotations

ROW_CODES: dict[str, str] = {
    "MalformedRow": "the line could not be parsed (ragged row, broken quoting or encoding); fix the line",
    "MissingMandatoryField": "a field the row needs is empty or its column is absent (SPEC §4 mandatory fields)",
    "InvalidValue": "a value breaks its column's rule (enumeration, pattern, number, timestamp)",
    "DuplicateRow": "another row of the manifest has the same key (or names the same asset or set row)",
    "DuplicateDisplayName": "MediaDisplayName is already used by another asset of the tenant or row of the manifest",
    "InvalidAssignment": "the row breaks an assignment-set rule (matrix key, category set, display orders, swatch)",
    "UnknownAsset": "the asset the row names (by InternalMediaId, MediaDisplayName or SwatchValue) is not in the tenant",
    "AmbiguousMatch": "MediaSourceProvider + MediaSourceId match more than one asset of the tenant",
    "AssetIdInUse": "the InternalMediaId exists with another MediaChannel; leave it empty to create a new asset",
    "UnknownChannel": "the channel is not configured in channels.tsv",
    "UnknownLocale": "the locale is not configured for the channel in channels.tsv",
    "UnknownEntity": "the product or category is not in hq/products.tsv or hq/categories.tsv",
    "UnknownPublishGroup": "the publish group is not in cms/publish_groups.tsv",
    "CheckedOut": "the draft is checked out by another user and the CheckedOut action is UseExisting (skipped)",
    "VersionMismatch": "the row's version is not the stored one and the VersionMismatch action is UseExisting (skipped)",
    "AssetInUse": "UnpublishAndDelete of an asset that assignment sets still use; remove it from those sets first",
    "UnpublishedMedia": "PublishNow of a set whose media is not published; publish it or use --publish-dependencies",
    "SetRejected": "another row of the same assignment set failed, and a set is imported whole or not at all",
}

_RULE_CODES = {
    "structure": "MalformedRow",
    "missing_column": "MissingMandatoryField",
    "required_value": "MissingMandatoryField",
    "new_asset_needs_import_path": "MissingMandatoryField",
    "image_needs_alt_text": "MissingMandatoryField",
    "video_needs_title": "MissingMandatoryField",
    "media_identified": "MissingMandatoryField",
    "media_group_present": "MissingMandatoryField",
    "swatch_row_complete": "MissingMandatoryField",
    "enum": "InvalidValue",
    "format": "InvalidValue",
    "asset_type_mismatch": "InvalidValue",
    "duplicate_key": "DuplicateRow",
    "display_name_unique": "DuplicateDisplayName",
    "unknown_asset": "UnknownAsset",
    "swatch_not_image": "UnknownAsset",
    "unknown_channel": "UnknownChannel",
    "unknown_locale": "UnknownLocale",
    "missing_product": "UnknownEntity",
    "missing_category": "UnknownEntity",
    "unknown_publish_group": "UnknownPublishGroup",
}


def code_for_rule(rule: str) -> str:
    """The ErrorCode of a validation or integrity rule; other set rules are InvalidAssignment."""
    return _RULE_CODES.get(rule, "InvalidAssignment")


def all_codes() -> dict[str, str]:
    """Every ErrorCode an import can write, with its meaning (for the README and ``omm import --help``)."""
    from toolkit.importing.binaries import ERROR_CODES

    return {**ROW_CODES, **ERROR_CODES}
