"""Canonical tokens (SPEC §3): what reading accepts and the one spelling omm writes."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.kinds import get_kind
from toolkit.tokens import canonical_expr, canonicalize
from toolkit.tsv import manifest_bytes, read_manifest_bytes

UUID = "7c522f2e-2a89-4557-86d3-1b8889c5b44e"


def expr_values(kind: str, column: str, values: list[str | None], **other: list[str | None]) -> list[str | None]:
    """The canonicalization expression of ``column`` applied to ``values`` (no shortcuts)."""
    k = get_kind(kind)
    data = {column: values, **other}
    df = pl.DataFrame(data, schema={c: pl.String for c in data})
    expr = canonical_expr(k.column(column), set(df.columns))
    assert expr is not None
    return df.select(expr.alias(column)).get_column(column).to_list()


def canon(kind: str, column: str, values: list[str | None], **other: list[str | None]) -> list[str | None]:
    """What ``canonicalize`` (the reader's step) makes of ``values``."""
    data = {column: values, **other}
    df = pl.DataFrame(data, schema={c: pl.String for c in data})
    frame, _ = canonicalize(df, get_kind(kind))
    return frame.get_column(column).to_list()


# --- channels -----------------------------------------------------------------------------------

CHANNELS = [
    ("Omnichannel", None), ("omnichannel", None), (" OMNICHANNEL ", None), ("", None), (None, None),
    ("42", "OUN42"), ("00001", "OUN00001"), (" 7 ", "OUN7"),
    ("oun7", "OUN7"), ("Oun00001", "OUN00001"), ("OUN00001", "OUN00001"),
    ("Store7", "Store7"), ("OUN 1", "OUN 1"), ("Web", "Web"),
]


@pytest.mark.parametrize(("given", "want"), CHANNELS)
def test_channel(given: str | None, want: str | None) -> None:
    assert expr_values("assets", "MediaChannel", [given]) == [want]
    assert canon("assignments", "EntityChannel", [given, "Omnichannel"], EntityType=["Category", "Category"]) == [want, None]


def test_channel_id_column_of_channels_kind() -> None:
    assert canon("channels", "ChannelId", ["1", "oun2", "OUN3"]) == ["OUN1", "OUN2", "OUN3"]


# --- locales ------------------------------------------------------------------------------------

NEUTRAL_LOCALES = [
    ("Neutral", "system_neutral"), ("NEUTRAL", "system_neutral"), ("neutral", "system_neutral"),
    ("", "system_neutral"), (None, "system_neutral"), ("system_neutral", "system_neutral"),
    ("system-neutral", "system_neutral"),
    ("EN_us", "en-us"), ("en-US", "en-us"), (" fr-FR ", "fr-fr"), ("zh-Hant-TW", "zh-hant-tw"), ("de", "de"),
    ("english", "english"), ("en us", "en us"),
]


@pytest.mark.parametrize(("given", "want"), NEUTRAL_LOCALES)
def test_locale_with_neutral(given: str | None, want: str) -> None:
    assert expr_values("assets", "MediaLocale", [given]) == [want]
    # next to a value that needs rewriting, canonicalize applies the same expression
    assert canon("assets", "MediaLocale", [given, "EN_us"]) == [want, "en-us"]


@pytest.mark.parametrize("column,kind", [("MediaLocale", "assets"), ("EntityLocale", "assignments")])
def test_empty_locale_reads_as_neutral_whatever_the_other_rows(column: str, kind: str) -> None:
    assert canon(kind, column, [None, "en-us"], EntityType=["Category", "Category"]) == ["system_neutral", "en-us"]


def test_locale_without_neutral() -> None:
    # channels.DefaultLocale has no Neutral: an empty cell stays empty
    assert expr_values("channels", "DefaultLocale", ["EN_us", None, "Neutral"]) == ["en-us", None, "Neutral"]


def test_locale_lists() -> None:
    assert expr_values("channels", "Locales", ["EN-us, FR_fr", "en-us,fr-fr", None]) == ["en-us,fr-fr", "en-us,fr-fr", None]


# --- booleans -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "want"), [
    ("true", "true"), ("TRUE", "true"), ("True", "true"), ("yes", "true"), ("Y", "true"), ("1", "true"),
    ("false", "false"), ("False", "false"), ("no", "false"), ("n", "false"), ("0", "false"), (" false ", "false"),
    ("maybe", "maybe"), (None, None),
])
def test_boolean(given: str | None, want: str | None) -> None:
    assert expr_values("assets", "MediaPublished", [given]) == [want]
    assert canon("assets", "MediaPublished", [given, "YES"]) == [want, "true"]


# --- timestamps ---------------------------------------------------------------------------------

TIMESTAMPS = [
    ("2025-03-15T10:02:00Z", "2025-03-15T10:02:00Z"),
    ("2025-03-15T12:02:00+02:00", "2025-03-15T10:02:00Z"),
    ("2025-03-15T05:02:00-05:00", "2025-03-15T10:02:00Z"),
    ("2025-03-15T04:32:00-05:30", "2025-03-15T10:02:00Z"),
    ("2025-03-15T01:00:00+02:00", "2025-03-14T23:00:00Z"),
    ("2025-03-15 10:02:00", "2025-03-15T10:02:00Z"),
    ("2025-03-15 10:02:00Z", "2025-03-15T10:02:00Z"),
    ("2025-03-15T10:02:00", "2025-03-15T10:02:00Z"),
    ("2025-03-15T10:02:00z", "2025-03-15T10:02:00Z"),
    (" 2025-03-15T10:02:00Z ", "2025-03-15T10:02:00Z"),
    ("2025-03-15T10:02:00.000Z", "2025-03-15T10:02:00Z"),
    ("2025-03-15T10:02:00.000+00:00", "2025-03-15T10:02:00Z"),
    ("2025-03-15T10:02:00.5Z", "2025-03-15T10:02:00.5Z"),
    ("2025-03-15T10:02:00.500Z", "2025-03-15T10:02:00.5Z"),
    ("2025-03-15T12:02:00.25+02:00", "2025-03-15T10:02:00.25Z"),
    ("2025-03-15T10:02:00.123456Z", "2025-03-15T10:02:00.123456Z"),
    # not canonicalizable: left as written, for validation to report
    ("15/03/2025", "15/03/2025"), ("yesterday", "yesterday"), ("2025-03-15", "2025-03-15"),
    ("2025-03-15T10:02", "2025-03-15T10:02"), (None, None),
]


@pytest.mark.parametrize(("given", "want"), TIMESTAMPS)
def test_timestamp_expression(given: str | None, want: str | None) -> None:
    assert expr_values("assets", "MediaLastModifiedOn", [given]) == [want]


@pytest.mark.parametrize(("given", "want"), TIMESTAMPS)
def test_timestamp_read_next_to_a_non_canonical_value(given: str | None, want: str | None) -> None:
    assert canon("assets", "MediaLastModifiedOn", [given, "2025-01-01 00:00:00"]) == [want, "2025-01-01T00:00:00Z"]


@pytest.mark.parametrize(("given", "want"), [("2025-03-15T10:02:00.500Z", "2025-03-15T10:02:00.5Z"),
                                             ("2025-03-15T10:02:00.000Z", "2025-03-15T10:02:00Z")])
def test_timestamp_fraction_normalized_whatever_the_other_rows(given: str, want: str) -> None:
    assert canon("assets", "MediaLastModifiedOn", [given, "2025-01-01T00:00:00Z"]) == [want, "2025-01-01T00:00:00Z"]


# --- enumerations -------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "want"), [
    ("image", "Image"), ("IMAGE", "Image"), (" video ", "Video"), ("File", "File"), ("Picture", "Picture"),
    (None, None),
])
def test_enum_case_insensitive(given: str | None, want: str | None) -> None:
    assert expr_values("assets", "MediaType", [given]) == [want]


@pytest.mark.parametrize(("given", "want"), [
    ("Master", "Product|Master"), ("master", "Product|Master"), ("Variant", "Product|Variant"),
    ("DimensionMatrix", "Product|DimensionMatrix"), ("dimensionmatrix", "Product|DimensionMatrix"),
    ("product|master|swatch", "Product|Master|Swatch"), ("CATEGORY", "Category"),
    ("Product|Variant", "Product|Variant"), ("Swatch", "Swatch"),
])
def test_entity_type_synonyms(given: str, want: str) -> None:
    assert expr_values("assignments", "EntityType", [given]) == [want]


def test_enum_values_of_every_enum_column_round_trip_in_any_case() -> None:
    for name in ("assets", "assignments", "products", "channels", "publish_groups", "jobs", "diff"):
        k = get_kind(name)
        for col in k.columns:
            if col.enum:
                values = [v.upper() for v in col.enum] + [v.lower() for v in col.enum]
                assert expr_values(name, col.name, values) == [*col.enum, *col.enum], (name, col.name)


# --- dimension-matrix keys ----------------------------------------------------------------------

MATRIX = [
    ("93039|Color:Black|Style:Slim", "93039|Color:Black|Style:Slim"),
    ("93039|Style:Slim|Color:Black", "93039|Color:Black|Style:Slim"),
    ("93039|style:Slim|COLOR:Black", "93039|Color:Black|Style:Slim"),
    ("93039|Configuration:A|Style:X|Size:32|Color:Blue", "93039|Color:Blue|Size:32|Style:X|Configuration:A"),
    (" 93039|Size:32 ", "93039|Size:32"),
    # values keep their case
    ("93039|color:BLACK", "93039|Color:BLACK"),
    # not a well-formed cell: left as written
    ("93039|Colour=Black", "93039|Colour=Black"),
    ("93039|Colour:Black", "93039|Colour:Black"),
    ("93039", "93039"),
]


@pytest.mark.parametrize(("given", "want"), MATRIX)
def test_matrix_key_reordered(given: str, want: str) -> None:
    assert expr_values("assignments", "EntityKeyValue", [given], EntityType=["Product|DimensionMatrix"]) == [want]


@pytest.mark.parametrize("entity_type", ["DimensionMatrix", "product|dimensionmatrix"])
def test_matrix_key_recognized_before_entity_type_is_canonical(entity_type: str) -> None:
    assert expr_values("assignments", "EntityKeyValue", ["93039|Style:Slim|Color:Black"],
                       EntityType=[entity_type]) == ["93039|Color:Black|Style:Slim"]


def test_non_matrix_entity_key_value_only_trimmed() -> None:
    assert expr_values("assignments", "EntityKeyValue", [" 93039 ", "C110", "1000|Color|#000000"],
                       EntityType=["Product|Master", "Category", "Product|Master|Swatch"]) == [
        "93039", "C110", "1000|Color|#000000"]


def test_read_matrix_manifest_end_to_end() -> None:
    raw = ("EntityType\tEntityKeyValue\tEntityChannel\tEntityLocale\tMediaGroup\tInternalMediaId\n"
           f"DimensionMatrix\t93039|Style:Slim|color:Black\tomnichannel\tNeutral\tprimary\t{UUID.upper()}\n").encode()
    m = read_manifest_bytes(raw, "a.tsv")
    assert m.kind.name == "assignments"
    assert m.frame.rows(named=True) == [{
        "EntityType": "Product|DimensionMatrix", "EntityKeyValue": "93039|Color:Black|Style:Slim",
        "EntityChannel": None, "EntityLocale": "system_neutral", "MediaGroup": "Primary", "InternalMediaId": UUID}]


# --- integers, GUIDs, lowercase tokens -----------------------------------------------------------

@pytest.mark.parametrize(("given", "want"), [
    ("007", "7"), ("+3", "3"), ("-0", "0"), ("-5", "-5"), (" 12 ", "12"), ("0", "0"),
    ("two", "two"), ("1.5", "1.5"), ("1e3", "1e3"), ("99999999999999999999", "99999999999999999999"), (None, None),
])
def test_integer(given: str | None, want: str | None) -> None:
    assert expr_values("assets", "MediaVersion", [given]) == [want]
    assert canon("assets", "MediaVersion", [given, "+1"]) == [want, "1"]


def test_integer_leading_zeros_whatever_the_other_rows() -> None:
    assert canon("assets", "MediaVersion", ["007", "1"]) == ["7", "1"]


def test_guid_lowercased() -> None:
    assert expr_values("assets", "InternalMediaId", [UUID.upper(), f" {UUID} ", "ABC"]) == [UUID, UUID, "abc"]
    assert canon("assets", "InternalMediaId", [UUID.upper()]) == [UUID]


def test_checksum_and_swatch_lowercased() -> None:
    assert expr_values("assets", "MediaChecksum", ["AB" * 32]) == ["ab" * 32]
    assert expr_values("assignments", "SwatchValue", ["#FFAA00", UUID.upper()]) == ["#ffaa00", UUID]


def test_free_text_is_untouched() -> None:
    k = get_kind("assets")
    assert canonical_expr(k.column("MediaDisplayName"), {"MediaDisplayName"}) is None
    values = ["  spaced  ", "Omnichannel", "EN-US", "007", "TRUE"]
    assert canon("assets", "MediaDisplayName", values) == values


def test_canonicalize_reports_clean_columns() -> None:
    df = pl.DataFrame({"MediaType": ["Image"], "MediaChannel": ["oun1"], "MediaDisplayName": ["x"]})
    frame, clean = canonicalize(df, get_kind("assets"))
    assert "MediaType" in clean and "MediaChannel" not in clean and "MediaDisplayName" not in clean
    assert frame.rows() == [("Image", "OUN1", "x")]


def test_canonicalize_empty_frame() -> None:
    df = pl.DataFrame(schema={"MediaType": pl.String, "MediaChannel": pl.String})
    frame, _ = canonicalize(df, get_kind("assets"))
    assert frame.height == 0 and frame.columns == ["MediaType", "MediaChannel"]


def test_canonical_output_is_written_back() -> None:
    raw = ("MediaType\tMediaChannel\tMediaLocale\tInternalMediaId\tMediaDisplayName\tMediaLastModifiedOn\n"
           f"image\t00001\tEN_us\t{UUID.upper()}\tA\t2025-03-15T12:02:00+02:00\n").encode()
    assert manifest_bytes(read_manifest_bytes(raw, "media.tsv")) == (
        "InternalMediaId\tMediaChannel\tMediaLocale\tMediaType\tMediaDisplayName\tMediaLastModifiedOn\n"
        f"{UUID}\tOUN00001\ten-us\tImage\tA\t2025-03-15T10:02:00Z\n").encode()


# --- spelled_canonically: the cheap per-row test diff trusts to skip respelling -----------------

_SAMPLES = ["", " ", "OUN123", "oun123", "123", "Omnichannel", "en-us", "en-US", "en_us", "EN-US", "system_neutral",
            "Neutral", "true", "True", "yes", "0", "01", "-0", "-5", "2025-03-15T10:02:00Z", "2025-03-15T10:02:00.500Z",
            "2025-03-15 10:02:00", "Primary", "primary", "Product|DimensionMatrix", "dimensionmatrix",
            "8095DC74-d363-43f9-b9ec-c68dd3a1a8c4", "8095dc74-d363-43f9-b9ec-c68dd3a1a8c4", "Ⓐ", "ǅ", " x", "x ",
            "P1|Color:Red|Size:M", "P1|Size:M|Color:Red", "P1|color:Red", "P1", " P1", "de-de,en-us", "de-DE, en-us"]


@pytest.mark.parametrize("kind_name", ["assets", "assignments", "channels", "products", "categories"])
def test_spelled_canonically_never_claims_a_value_canonicalization_would_change(kind_name: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.kinds import get_kind
    from toolkit.tokens import canonical_expr, spelled_canonically

    kind = get_kind(kind_name)
    cols = [c for c in kind.columns if spelled_canonically(c) is not None]
    names = {c.name for c in kind.columns} | {"EntityType"}
    values = st.sampled_from(_SAMPLES) | st.text(max_size=12)

    @settings(max_examples=50, deadline=None)
    @given(st.lists(st.tuples(values, st.sampled_from(["Product|DimensionMatrix", "Product|Master"])), min_size=1,
                    max_size=5))
    def check(rows: list[tuple[str, str]]) -> None:
        for col in cols:
            data = ({col.name: [v or None for v, _ in rows], "EntityType": [t for _, t in rows]}
                    if col.name != "EntityType" else {"EntityType": [v or None for v, _ in rows]})
            frame = pl.DataFrame(data, schema={k: pl.String for k in data})
            out = frame.select(spelled_canonically(col).alias("ok"),
                               canonical_expr(col, names).alias("canon"), pl.col(col.name).alias("raw"))
            claimed = out.filter(pl.col("ok"))
            assert claimed.filter(pl.col("canon").ne_missing(pl.col("raw"))).height == 0, (col.name, claimed)

    check()
