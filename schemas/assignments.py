"""assignments — product media assignment manifests (``cms/assignments.tsv``).

Rows are items of *assignment sets*: all media of one entity for one channel and one locale.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.assets import ACTIONS, CONFLICT_ACTIONS, MEDIA_TYPES, RESULTS, STATES

ENTITY_TYPES = ("Product|Master", "Product|Variant", "Product|DimensionMatrix", "Product|Master|Swatch", "Category")
ENTITY_TYPE_SYNONYMS = {"Master": "Product|Master", "Variant": "Product|Variant",
                        "DimensionMatrix": "Product|DimensionMatrix"}
ENTITY_KEYS = ("EntityId", "EntityId|DimensionMatrix", "EntityId|SwatchType|SwatchId", "ProductNumber",
               "RecordId", "CategoryID")
MEDIA_GROUPS = ("Primary", "Additional")
STATE = f.ASSIGNMENT_STATE
SET_KEY = ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"]
ROW_KEY = [*SET_KEY, "MediaGroup", "InternalMediaId", "MediaPurpose", "SwatchGroup", "SwatchDimension", STATE]
# Written order: set by set, each set's items as its gallery shows them, then the rest of the key.
SORT = [*SET_KEY, STATE, "MediaGroup", "MediaDisplayOrder", "InternalMediaId", "MediaPurpose", "SwatchGroup",
        "SwatchDimension"]
SWATCH_VALUE = r"^(#[0-9a-f]{6}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"

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
                              for i, d in enumerate(f.DIMENSIONS))
    return shape, cells.str.split_exact("|", 1).struct.field("field_0").hash()


def _one_primary_image() -> f.Test:
    primaries = _primary.sum()
    good = (primaries == 1) & ((_primary & pl.col("MediaType").eq_missing("Image")).sum() == 1)
    category_set = pl.when(_category).then(_set)  # other rows share one null group: cheap windows
    # Flag the Primary rows of a bad set (or all its rows when it has none), not every row.
    row = ~_category | _deleting | good.over(category_set) | (~_primary & (primaries.over(category_set) > 0))
    # Per category set (EntityType is part of the set key: a set is wholly a category set or not).
    return f.Test(row, grouped=f.Grouped(_set, _deleting.any() | good, where=_category))


RULES = {
    "duplicate_key": f.rule(
        "InternalMediaId", ROW_KEY, "duplicate row key (set, MediaGroup, InternalMediaId, MediaPurpose, swatch)",
        f.unique_rows([_set, "MediaGroup", pl.coalesce("InternalMediaId", "MediaDisplayName"), "MediaPurpose",
                       "SwatchGroup", "SwatchDimension"]),
    ),
    "media_identified": f.rule(
        "InternalMediaId", ["InternalMediaId", "MediaDisplayName"],
        "a row needs InternalMediaId or MediaDisplayName to name its asset",
        pl.col("InternalMediaId").is_not_null() | pl.col("MediaDisplayName").is_not_null() | _deleting
        | _swatch,  # a swatch row names its image (if any) in SwatchValue
    ),
    "media_group_present": f.rule("MediaGroup", ["MediaGroup", "EntityAssignmentAction"],
                                  "MediaGroup is required (Primary or Additional)",
                                  pl.col("MediaGroup").is_not_null() | _deleting),
    "category_channel_specific": f.rule("EntityChannel", ["EntityType", "EntityChannel"],
                                        "a Category set is always channel-specific, never Omnichannel",
                                        ~_category | pl.col("EntityChannel").is_not_null()),
    "category_one_primary_image": f.rule("MediaGroup", [*_set_cols, "MediaGroup", "MediaType"],
                                         "a Category set holds exactly one Primary image", _one_primary_image()),
    "matrix_key_format": f.rule(
        "EntityKeyValue", ["EntityType", "EntityKeyValue"],
        "a dimension-matrix cell is Master|Dimension:Value…, dimensions Color, Size, Style, Configuration, each once",
        # Canonical reading puts known dimensions in order, so a cell that still fails the ordered
        # pattern has an unknown or repeated dimension or no dimension at all.
        ~_matrix | _cell.is_null() | _cell.str.contains(f.MATRIX_KEY),
    ),
    "matrix_one_dimension_set": f.rule("EntityKeyValue", ["EntityType", "EntityKeyValue"],
                                       "all matrix cells of one master use the same set of dimensions",
                                       f.same_within(*_shape_and_master(_cell), where=_matrix)),
    "unique_primary_display_order": f.rule(
        "MediaDisplayOrder", [*_set_cols, "MediaGroup", "MediaDisplayOrder"],
        "display orders within a set's Primary group are unique",
        f.unique_rows([_set, "MediaDisplayOrder"], where=_primary & pl.col("MediaDisplayOrder").is_not_null()),
    ),
    "swatch_row_complete": f.rule(
        "SwatchValue", ["EntityType", "SwatchGroup", "SwatchDimension", "SwatchValue"],
        "a swatch row needs SwatchGroup, SwatchDimension and SwatchValue",
        ~_swatch | _deleting
        | pl.all_horizontal(pl.col(c).is_not_null() for c in ("SwatchGroup", "SwatchDimension", "SwatchValue")),
    ),
    "purpose_only_additional": f.rule("MediaPurpose", ["MediaPurpose", "MediaGroup"],
                                      "MediaPurpose is only for Additional media",
                                      pl.col("MediaPurpose").is_null() | ~_primary),
    "one_action_per_set": f.rule("EntityAssignmentAction", [*_set_cols, "EntityAssignmentAction"],
                                 "all rows of one set share one EntityAssignmentAction",
                                 f.same_within(pl.col("EntityAssignmentAction"), _set)),
    "one_version_per_set": f.rule("EntityVersion", [*_set_cols, "EntityVersion"],
                                  "all rows of one set share one EntityVersion",
                                  f.same_within(pl.col("EntityVersion"), _set)),
}


class AssignmentsSchema(pa.DataFrameModel):
    InternalMediaId: Series[str] = f.uuid("Id of the assigned asset.")
    MediaLocale: Series[str] = f.locale("Locale of the assigned asset.")
    MediaType: Series[str] = f.enum(MEDIA_TYPES, "Image, Video or File.")
    MediaDisplayName: Series[str] = f.text("Display name of the asset (identifies it when the id is empty).")
    ImageAltText: Series[str] = f.text("Alt text of the image.")
    MediaTitle: Series[str] = f.text("Title of the video.")
    EntityType: Series[str] = f.enum(ENTITY_TYPES, "Kind of entity the set belongs to.", required=True,
                                     nullable=False, synonyms=ENTITY_TYPE_SYNONYMS)
    EntityKey: Series[str] = f.enum(ENTITY_KEYS, "What EntityKeyValue holds (carried through).")
    EntityKeyValue: Series[str] = f.identifier("Product number, matrix cell or category id.",
                                               token="entity_key_value", required=True, nullable=False)
    EntityLocale: Series[str] = f.locale("Locale of the set; empty or Neutral = system_neutral.")
    CatalogNumber: Series[str] = f.text("Catalog of the set; empty for none.")
    EntityChannel: Series[str] = f.channel("Channel of the set; empty = Omnichannel.")
    EntityAssignmentCurrentPublishState: Series[str] = f.enum(STATES, "Published or Draft version of the set.")
    EntityAssignmentAction: Series[str] = f.enum(ACTIONS, "What import does with the set.")
    EntityCheckedOutAction: Series[str] = f.enum(CONFLICT_ACTIONS, "When the set's draft is checked out by another user.")
    EntityVersionMismatchAction: Series[str] = f.enum(CONFLICT_ACTIONS, "When EntityVersion is not the stored one.")
    MediaGroup: Series[str] = f.enum(MEDIA_GROUPS, "Primary gallery or Additional media.")
    MediaPurpose: Series[str] = f.text("Purpose of Additional media (free text).")
    MediaDisplayOrder: Series[str] = f.integer("Position in the group.", minimum=0)
    SwatchGroup: Series[str] = f.enum(f.DIMENSIONS, "Swatch rows: the dimension.")
    SwatchDimension: Series[str] = f.text("Swatch rows: the dimension value.")
    SwatchValue: Series[str] = f.pattern(SWATCH_VALUE, "Swatch rows: #rrggbb or an image's InternalMediaId.", token="lower",
                                         expect="a #rrggbb color or the InternalMediaId of an image")
    EntityCreatedOn: Series[str] = f.timestamp("When the set was created (UTC).")
    EntityLastModifiedOn: Series[str] = f.timestamp("When the set was last changed (UTC).")
    EntityVersion: Series[str] = f.integer("Version of the set.", minimum=0)
    EntityPublishedOn: Series[str] = f.timestamp("When the set was last published (UTC).")
    Result: Series[str] = f.enum(RESULTS, "Import result of the row.")
    ResultTime: Series[str] = f.timestamp("When the row was imported (UTC).")
    ErrorCode: Series[str] = f.text("Error code of a failed row.")
    ResultDescription: Series[str] = f.text("What happened to the row.")
    CheckedOutBy: Series[str] = f.text("Store only: user holding the draft.")
    PublishGroup: Series[str] = f.text("Store only: publish group the draft is staged in.")

    class Config:
        strict = False
        name = "assignments"
        metadata = f.table("assignments", ROW_KEY, "cms/assignments.tsv", rules=RULES, set_key=SET_KEY,
                           sort=SORT, derived={SET_ID: f.group_id(_set_cols)})

    duplicate_key = f.rule_check("duplicate_key", RULES)
    media_identified = f.rule_check("media_identified", RULES)
    media_group_present = f.rule_check("media_group_present", RULES)
    category_channel_specific = f.rule_check("category_channel_specific", RULES)
    category_one_primary_image = f.rule_check("category_one_primary_image", RULES)
    matrix_key_format = f.rule_check("matrix_key_format", RULES)
    matrix_one_dimension_set = f.rule_check("matrix_one_dimension_set", RULES)
    unique_primary_display_order = f.rule_check("unique_primary_display_order", RULES)
    swatch_row_complete = f.rule_check("swatch_row_complete", RULES)
    purpose_only_additional = f.rule_check("purpose_only_additional", RULES)
    one_action_per_set = f.rule_check("one_action_per_set", RULES)
    one_version_per_set = f.rule_check("one_version_per_set", RULES)
