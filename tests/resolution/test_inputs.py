from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from toolkit.resolution.inputs import MEDIA_COLUMNS, published_media


def _media(rows: list[tuple[str, str | None, str | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"InternalMediaId": [r[0] for r in rows], "MediaLocale": [r[1] for r in rows], "MediaType": ["Image"] * len(rows),
         "MediaPublishedURL": [r[3] for r in rows], "ImageAltText": [None] * len(rows),
         "MediaState": [r[2] for r in rows]}, schema={c: pl.String for c in [*MEDIA_COLUMNS, "MediaState"]})


def test_published_media_is_one_published_row_per_id_and_locale_neutral_when_empty() -> None:
    got = published_media(_media([("a", None, None, "u1"), ("a", "en-us", "Published", "u2"),
                                  ("a", "en-us", "Draft", "u3"), ("b", "system_neutral", "Published", "u4")]))
    assert got.columns == MEDIA_COLUMNS
    assert got.select("InternalMediaId", "MediaLocale", "MediaPublishedURL").rows() == [
        ("a", "system_neutral", "u1"), ("a", "en-us", "u2"), ("b", "system_neutral", "u4")]


def test_of_duplicate_published_rows_the_first_wins_in_file_order() -> None:
    # An invalid library (omm validate reports it); resolution still answers deterministically.
    media = _media([("a", "en-us", "Published", "first"), ("b", None, None, "b"), ("a", "en-us", None, "second"),
                    ("b", "system_neutral", "Published", "b2")])
    expected = _media([("a", "en-us", "Published", "first"), ("b", "system_neutral", None, "b")]).drop("MediaState")
    assert_frame_equal(published_media(media), expected)
