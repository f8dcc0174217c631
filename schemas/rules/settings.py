"""The cross-column rules of settings manifests, as plain Polars (no Pandera): ``schemas/settings.py``
wires them into its model as ``@dataframe_check``s, and screening asks them directly."""

from __future__ import annotations

import polars as pl

from schemas.patterns import BOOLEAN, HTTP_URL
from schemas.rules import rule

FLAGS = ("OmnichannelContent", "CsuMediaLocations")
_name = pl.col("Name")
_value = pl.col("Value")

RULES = {
    "flag_is_boolean": rule("Value", ["Name", "Value"],
                            "feature flags OmnichannelContent and CsuMediaLocations are true or false",
                            ~_name.is_in(FLAGS) | _value.is_in(BOOLEAN).fill_null(False)),
    "base_url_is_http": rule("Value", ["Name", "Value"], "CmsBaseUrl is an http(s) URL",
                             _name.ne_missing("CmsBaseUrl") | _value.str.contains(HTTP_URL).fill_null(False)),
}
