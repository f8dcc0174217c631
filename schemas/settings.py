"""settings — Name/Value rows of a tenant (``settings.tsv``): CmsBaseUrl, feature flags, defaults."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.typing.polars import Series

from schemas import fields as f

KEY = ["Name"]
FLAGS = ("OmnichannelContent", "CsuMediaLocations")
DEFAULTS = {"OmnichannelContent": "true", "CsuMediaLocations": "true", "CmsBaseUrl": "https://cms.example.com/media"}
_name = pl.col("Name")
_value = pl.col("Value")

RULES = {
    "flag_is_boolean": f.rule("Value", ["Name", "Value"],
                              "feature flags OmnichannelContent and CsuMediaLocations are true or false",
                              ~_name.is_in(FLAGS) | _value.is_in(f.BOOLEAN).fill_null(False)),
    "base_url_is_http": f.rule("Value", ["Name", "Value"], "CmsBaseUrl is an http(s) URL",
                               _name.ne_missing("CmsBaseUrl") | _value.str.contains(f.HTTP_URL).fill_null(False)),
}


class SettingsSchema(pa.DataFrameModel):
    Name: Series[str] = f.pattern(r"^[A-Za-z][A-Za-z0-9_.]*$", "Setting name.", required=True, nullable=False)
    Value: Series[str] = f.text("Setting value.", required=True)

    class Config:
        strict = False
        name = "settings"
        unique = KEY
        metadata = f.table("settings", KEY, "settings.tsv", rules=RULES)

    flag_is_boolean = f.rule_check("flag_is_boolean", RULES)
    base_url_is_http = f.rule_check("base_url_is_http", RULES)
