"""The cross-column rules of assignments manifests, as plain Polars (no Pandera):
``schemas/assignments.py`` wires them into its model as ``@dataframe_check``s, and screening asks
them directly. Rows are items of *assignment sets*: all media of one entity for one channel and
one locale."""

from __future__ import annotations

import polars as pl

from schemas.patterns import ASSIGNMENT_STATE, DIMENSIONS, MATRIX_KEY
from schemas.rules import Grouped, Test, group_id, rule, same_within, unique_rows

STATE = ASSIGNMENT_STATE
SET_KEY = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"]
ROW_KEY = [*SET_KEY, "MediaGroup", "InternalMediaId", "MediaPurpose", "SwatchGroup", "SwatchDimension", STATE]
_type = pl.col("EntityType")
_set_cols = [*SET_KEY, STATE]
# Derived once per validation (see Config.metadata "derived") and shared by every set rule,
# instead of each rule hashing the five set-key columns again.
SET_ID = "__omm_set_id"
_set = pl.col(SET_ID)
_deleting = pl.col("EntityAssignmentAction").eq_missing("UnpublishAndDelete")
_primary = pl.col("MediaGroup").eq_missing("Primary")
_matrix = _type.eq_missing("Product|DimensionMatrix")
_category = _type.eq_missing("Category")
_swatch = _type.eq_missing("Product|Master|Swatch")
# Matrix cells only (null elsewhere), so the string work below touches just those rows.
_cell = pl.when(_matrix).then(pl.col("EntityKeyValue"))


def _shape_and_master(cells: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """A cell's shape — which dimensions it names, as bits — and its master's hash. A cell that
    names a dimension twice or an unknown one fails matrix_key_format; substring searches for
    "|Color:" and the like cost a third of rewriting every cell to its shape."""
    shape = pl.sum_horizontal(cells.str.contains(f"|{d}:", literal=True).cast(pl.UInt8) * (1 << i)
                              for i, d in enumerate(DIMENSIONS))
    return shape, cells.str.split_exact("|", 1).struct.field("field_0").hash()


def _one_primary_image() -> Test:
    primaries = _primary.sum()
    good = (primaries == 1) & ((_primary & pl.col("MediaType").eq_missing("Image")).sum() == 1)
    category_set = pl.when(_category).then(_set)  # other rows share one null group: cheap windows
    # Flag the Primary rows of a bad set (or all its rows when it has none), not every row.
    row = ~_category | _deleting | good.over(category_set) | (~_primary & (primaries.over(category_set) > 0))
    # Per category set (EntityType is part of the set key: a set is wholly a category set or not).
    return Test(row, grouped=Grouped(_set, _deleting.any() | good, where=_category))


RULES = {
    "duplicate_key": rule(
        "InternalMediaId", ROW_KEY, "duplicate row key (set, MediaGroup, InternalMediaId, MediaPurpose, swatch)",
        unique_rows([_set, "MediaGroup", pl.coalesce("InternalMediaId", "MediaDisplayName"), "MediaPurpose",
                     "SwatchGroup", "SwatchDimension"]),
    ),
    "media_identified": rule(
        "InternalMediaId", ["InternalMediaId", "MediaDisplayName"],
        "a row needs InternalMediaId or MediaDisplayName to name its asset",
        pl.col("InternalMediaId").is_not_null() | pl.col("MediaDisplayName").is_not_null() | _deleting
        | _swatch,  # a swatch row names its image (if any) in SwatchValue
    ),
    "media_group_present": rule("MediaGroup", ["MediaGroup", "EntityAssignmentAction"],
                                "MediaGroup is required (Primary or Additional)",
                                pl.col("MediaGroup").is_not_null() | _deleting),
    "category_channel_specific": rule("EntityChannel", ["EntityType", "EntityChannel"],
                                      "a Category set is always channel-specific, never Omnichannel",
                                      ~_category | pl.col("EntityChannel").is_not_null()),
    "category_one_primary_image": rule("MediaGroup", [*_set_cols, "MediaGroup", "MediaType"],
                                       "a Category set holds exactly one Primary image", _one_primary_image()),
    "matrix_key_format": rule(
        "EntityKeyValue", ["EntityType", "EntityKeyValue"],
        "a dimension-matrix cell is Master|Dimension:Value…, dimensions Color, Size, Style, Configuration, each once",
        # Canonical reading puts known dimensions in order, so a cell that still fails the ordered
        # pattern has an unknown or repeated dimension or no dimension at all.
        ~_matrix | _cell.is_null() | _cell.str.contains(MATRIX_KEY),
    ),
    "matrix_one_dimension_set": rule("EntityKeyValue", ["EntityType", "EntityKeyValue"],
                                     "all matrix cells of one master use the same set of dimensions",
                                     same_within(*_shape_and_master(_cell), where=_matrix)),
    "unique_primary_display_order": rule(
        "MediaDisplayOrder", [*_set_cols, "MediaGroup", "MediaDisplayOrder"],
        "display orders within a set's Primary group are unique",
        unique_rows([_set, "MediaDisplayOrder"], where=_primary & pl.col("MediaDisplayOrder").is_not_null()),
    ),
    "swatch_row_complete": rule(
        "SwatchValue", ["EntityType", "SwatchGroup", "SwatchDimension", "SwatchValue"],
        "a swatch row needs SwatchGroup, SwatchDimension and SwatchValue",
        ~_swatch | _deleting
        | pl.all_horizontal(pl.col(c).is_not_null() for c in ("SwatchGroup", "SwatchDimension", "SwatchValue")),
    ),
    "purpose_only_additional": rule("MediaPurpose", ["MediaPurpose", "MediaGroup"],
                                    "MediaPurpose is only for Additional media",
                                    pl.col("MediaPurpose").is_null() | ~_primary),
    "one_action_per_set": rule("EntityAssignmentAction", [*_set_cols, "EntityAssignmentAction"],
                               "all rows of one set share one EntityAssignmentAction",
                               same_within(pl.col("EntityAssignmentAction"), _set)),
    "one_version_per_set": rule("EntityVersion", [*_set_cols, "EntityVersion"],
                                "all rows of one set share one EntityVersion",
                                same_within(pl.col("EntityVersion"), _set)),
}

# Helper columns computed once per validation and read by the rules above.
DERIVED = {SET_ID: group_id(_set_cols)}
