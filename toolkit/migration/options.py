"""The configurable part of the legacy naming grammar (SPEC §6 ``omm migrate legacy``).

Deployments configure the separator between a product number and its dimension values, the
order in which the dimensions appear in a variant file name, and the range of image sequence
numbers (``_000_001`` … ``_000_005``). :class:`LegacyGrammar` holds them, checked; the parse
functions turn the command-line spellings (``Style,Size,Color``, ``1-5``) into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from schemas.patterns import DIMENSIONS
from toolkit.errors import UsageError

DEFAULT_SEPARATOR = "^"
DEFAULT_DIMENSION_ORDER = ("Style", "Size", "Color")
DEFAULT_SEQUENCE = (1, 5)
_RANGE = re.compile(r"^\s*([0-9]{1,3})\s*-\s*([0-9]{1,3})\s*$")
_SINGLE = re.compile(r"^\s*([0-9]{1,3})\s*$")


@dataclass(frozen=True)
class LegacyGrammar:
    """Separator, variant dimension order and the allowed sequence numbers (inclusive)."""

    separator: str = DEFAULT_SEPARATOR
    dimension_order: tuple[str, ...] = DEFAULT_DIMENSION_ORDER
    sequence: tuple[int, int] = DEFAULT_SEQUENCE

    def __post_init__(self) -> None:
        check_separator(self.separator)
        object.__setattr__(self, "dimension_order", check_dimension_order(self.dimension_order))
        low, high = self.sequence
        if not 0 <= low <= high <= 999:
            raise UsageError(f"sequence range {low}-{high} is not a range of 0..999",
                             "give --sequence FIRST-LAST, e.g. 1-5")

    def to_dict(self) -> dict[str, object]:
        return {"separator": self.separator, "dimension_order": list(self.dimension_order),
                "sequence": list(self.sequence)}


def check_separator(separator: str) -> str:
    if not separator.strip() or any(c in separator for c in "/\\_.\t\n\r"):
        raise UsageError(f"--separator {separator!r} cannot separate dimension values",
                         "use a visible character that is not / \\ _ or ., e.g. ^ (the default)")
    return separator


def check_dimension_order(order: Iterable[str]) -> tuple[str, ...]:
    names = {d.lower(): d for d in DIMENSIONS}
    given = tuple(order)
    spelled = tuple(names.get(d.strip().lower(), "") for d in given)
    if not spelled or "" in spelled or len(set(spelled)) != len(spelled):
        raise UsageError(f"--dimension-order {','.join(given)!r} is not an order of distinct dimensions",
                         f"name each of {', '.join(DIMENSIONS)} at most once, e.g. Style,Size,Color")
    return spelled


def parse_dimension_order(text: str) -> tuple[str, ...]:
    """``Style,Size,Color`` (any case, spaces allowed) → ``("Style", "Size", "Color")``."""
    return check_dimension_order(text.split(","))


def parse_sequence(text: str) -> tuple[int, int]:
    """``1-5`` → ``(1, 5)``; a single number is a range of one."""
    if (m := _RANGE.match(text)) is not None:
        return int(m.group(1)), int(m.group(2))
    if (m := _SINGLE.match(text)) is not None:
        return int(m.group(1)), int(m.group(1))
    raise UsageError(f"--sequence {text!r} is not a range", "give FIRST-LAST, e.g. 1-5 for _000_001 … _000_005")
