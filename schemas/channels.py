"""channels — the channels of a tenant and their locales (``channels.tsv``)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.rules.channels import RULES

CHANNEL_TYPES = ("Online", "Store", "CallCenter")
KEY = ["ChannelId"]

class ChannelsSchema(pa.DataFrameModel):
    ChannelId: Series[str] = f.channel("Operating unit number, OUN….", required=True, nullable=False)
    ChannelName: Series[str] = f.text("Name of the channel.")
    ChannelType: Series[str] = f.enum(CHANNEL_TYPES, "Online, Store or CallCenter.")
    DefaultLocale: Series[str] = f.locale("Default locale of the channel.", neutral=False, required=True, nullable=False)
    Locales: Series[str] = f.locales("Locales the channel serves, comma separated.", required=True, nullable=False)

    class Config:
        strict = False
        name = "channels"
        unique = KEY
        metadata = f.table("channels", KEY, "channels.tsv", rules=RULES)

    default_locale_listed = f.rule_check("default_locale_listed", RULES)
