"""toolkit.keys.first_duplicate: the earliest duplicated key, nulls equal, with all its lines."""

from __future__ import annotations

import polars as pl

from toolkit.keys import DuplicateKey, first_duplicate


def test_unique_keys_and_empty_frames_have_none() -> None:
    frame = pl.DataFrame({"a": ["1", "2", None], "line": [2, 3, 4]})
    assert first_duplicate(frame, ("a",), "line") is None
    assert first_duplicate(frame.head(0), ("a",), "line") is None


def test_earliest_duplicate_with_every_line_and_the_count_of_others() -> None:
    frame = pl.DataFrame({"a": ["9", "1", None, "9", None, "1", "9"], "b": ["x"] * 7, "line": [2, 3, 4, 5, 6, 7, 8]})
    assert first_duplicate(frame, ("a", "b"), "line") == DuplicateKey({"a": "9", "b": "x"}, (2, 5, 8), 2)
