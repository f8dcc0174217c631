"""settings — Name/Value rows of a tenant (``settings.tsv``): CmsBaseUrl, feature flags, defaults."""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f
from schemas.rules.settings import FLAGS, RULES  # noqa: F401 - FLAGS re-exported

KEY = ["Name"]
DEFAULTS = {"OmnichannelContent": "true", "CsuMediaLocations": "true", "CmsBaseUrl": "https://cms.example.com/media"}


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
