"""flattened — published assignments resolved per product (hq and csu ``media_assignments.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.assets import MEDIA_TYPES
from schemas.assignments import ENTITY_TYPES, MEDIA_GROUPS

KEY = ["ProductNumber", "EntityChannel", "EntityLocale", "MediaGroup", "InternalMediaId", "MediaPurpose"]


class FlattenedSchema(pa.DataFrameModel):
    ProductNumber: Series[str] = f.text("Catalog product.", required=True, nullable=False)
    EntityChannel: Series[str] = f.channel("Channel; empty = Omnichannel.", required=True)
    EntityLocale: Series[str] = f.locale("Locale; system_neutral = Neutral.", required=True)
    MediaGroup: Series[str] = f.enum(MEDIA_GROUPS, "Primary or Additional.", required=True, nullable=False)
    MediaDisplayOrder: Series[str] = f.integer("Position in the group.", minimum=0)
    InternalMediaId: Series[str] = f.uuid("Asset shown.", required=True, nullable=False)
    MediaType: Series[str] = f.enum(MEDIA_TYPES, "Image, Video or File.")
    MediaPurpose: Series[str] = f.text("Purpose of Additional media.")
    MediaPublishedURL: Series[str] = f.pattern(f.HTTP_URL, "URL of the published binary.", fmt="uri")
    ImageAltText: Series[str] = f.text("Alt text.")
    IsDefaultImage: Series[str] = f.boolean("The product's default image in this channel and locale.")
    SourceEntityType: Series[str] = f.enum(ENTITY_TYPES, "Entity level of the set that won.")
    SourceEntityKeyValue: Series[str] = f.text("EntityKeyValue of the set that won.")
    SourceChannel: Series[str] = f.channel("Channel of the set that won.")
    SourceLocale: Series[str] = f.locale("Locale of the set that won.")
    SourceVersion: Series[str] = f.integer("EntityVersion of the set that won.", minimum=0)

    class Config:
        strict = False
        name = "flattened"
        unique = KEY
        metadata = f.table("flattened", KEY, "hq/media_assignments.tsv")
