"""The cross-column rules of channels manifests, as plain Polars (no Pandera): ``schemas/channels.py`` wires
them into its model as ``@dataframe_check``s, and screening asks them directly."""

from __future__ import annotations

import polars as pl

from schemas.rules import rule

RULES = {
    "default_locale_listed": rule(
        "DefaultLocale", ["DefaultLocale", "Locales"], "DefaultLocale must be one of Locales",
        pl.col("Locales").str.split(",").list.contains(pl.col("DefaultLocale")).fill_null(True),
    ),
}
