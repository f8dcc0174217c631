"""Patterns and constants of the manifest format, free of Pandera so that code which only reads,
spells or compares manifests (tokens, diff, merge) can import them without loading it."""

from __future__ import annotations

UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
CHANNEL = r"^OUN[0-9]+$"
LOCALE = r"^[a-z]{2,3}(-[a-z0-9]{2,8})+$"
LOCALE_OR_NEUTRAL = r"^(system_neutral|[a-z]{2,3}(-[a-z0-9]{2,8})+)$"
LOCALE_LIST = r"^[a-z]{2,3}(-[a-z0-9]{2,8})+(,[a-z]{2,3}(-[a-z0-9]{2,8})+)*$"
HEX_COLOR = r"^#[0-9a-f]{6}$"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DATE = (r"(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
         r"|02-(?:0[1-9]|1[0-9]|2[0-8]))|" + _LEAP_YEAR + r"-02-29)")
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
# A real calendar date and time of day in UTC; the canonical form keeps a fraction only when it is nonzero.
TIMESTAMP = r"^" + _DATE + "T" + _TIME + r"(\.[0-9]{1,9})?Z$"
TIMESTAMP_CANONICAL = r"^" + _DATE + "T" + _TIME + r"(\.[0-9]{0,8}[1-9])?Z$"
INTEGER = r"^-?[0-9]+$"
NON_NEGATIVE = r"^[0-9]+$"
BOOLEAN = ("true", "false")
SHA256 = r"^[0-9a-f]{64}$"
HTTP_URL = r"^https?://\S+$"
HTTP_EXPECT = "an http(s) URL"
TENANT_ID = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"

DIMENSIONS = ("Color", "Size", "Style", "Configuration")
# A matrix cell in canonical form: the master, then each dimension at most once, in this order.
_PAIRS = [rf"\|{d}:[^|]+" for d in DIMENSIONS]
MATRIX_KEY = r"^[^|:]+(" + "|".join(
    "".join([_PAIRS[i], *(f"({p})?" for p in _PAIRS[i + 1:])]) for i in range(len(_PAIRS))
) + r")$"

NEUTRAL = "system_neutral"

# The publish state column of an assignment row (part of its row key, beside the set key).
ASSIGNMENT_STATE = "EntityAssignmentCurrentPublishState"
