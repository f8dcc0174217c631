"""assignments — product media assignment manifests (``cms/assignments.tsv``).

Rows are items of *assignment sets*: all media of one entity for one channel and one locale.
"""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.assets import ACTIONS, CONFLICT_ACTIONS, MEDIA_TYPES, RESULTS, STATES
from schemas.rules.assignments import DERIVED, ROW_KEY, RULES, SET_KEY, STATE

ENTITY_TYPES = ("Product|Master", "Product|Variant", "Product|DimensionMatrix", "Product|Master|Swatch", "Category")
ENTITY_TYPE_SYNONYMS = {"Master": "Product|Master", "Variant": "Product|Variant",
                        "DimensionMatrix": "Product|DimensionMatrix"}
ENTITY_KEYS = ("EntityId", "EntityId|DimensionMatrix", "EntityId|SwatchType|SwatchId", "ProductNumber",
               "RecordId", "CategoryID")
MEDIA_GROUPS = ("Primary", "Additional")
# Written order: set by set, each set's items as its gallery shows them, then the rest of the key.
SORT = [*SET_KEY, STATE, "MediaGroup", "MediaDisplayOrder", "InternalMediaId", "MediaPurpose", "SwatchGroup",
        "SwatchDimension"]
SWATCH_VALUE = r"^(#[0-9a-f]{6}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"


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
                           sort=SORT, derived=DERIVED)

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
