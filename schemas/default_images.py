"""default_images — default image per product, channel and locale (``search/default_images.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f

KEY = ["ProductNumber", "EntityChannel", "EntityLocale"]


class DefaultImagesSchema(pa.DataFrameModel):
    ProductNumber: Series[str] = f.text("Catalog product.", required=True, nullable=False)
    EntityChannel: Series[str] = f.channel("Channel; empty = Omnichannel.", required=True)
    EntityLocale: Series[str] = f.locale("Locale; system_neutral = Neutral.", required=True)
    InternalMediaId: Series[str] = f.uuid("The default image.", required=True, nullable=False)
    MediaPublishedURL: Series[str] = f.pattern(f.HTTP_URL, "URL of the published image.", fmt="uri")

    class Config:
        strict = False
        name = "default_images"
        unique = KEY
        metadata = f.table("default_images", KEY, "search/default_images.tsv")
