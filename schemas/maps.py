"""maps — a copy mapping (channels or locales): Source → Destination; empty Destination removes."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f

KEY = ["Source"]


class MapsSchema(pa.DataFrameModel):
    Source: Series[str] = f.identifier("Channel or locale in the source tenant.", required=True, nullable=False)
    Destination: Series[str] = f.text("Channel or locale in the destination; empty = remove.", required=True)

    class Config:
        strict = False
        name = "maps"
        unique = KEY
        metadata = f.table("maps", KEY, None)
