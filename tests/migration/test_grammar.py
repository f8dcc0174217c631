"""The legacy name grammar (SPEC §6), parsed alone: every pattern, spacing, folders, refusals."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.errors import UsageError
from toolkit.migration import DEFAULT_GRAMMAR
from toolkit.migration.grammar import parse
from toolkit.migration.options import LegacyGrammar, parse_dimension_order, parse_sequence
from toolkit.migration.sources import normalize

COLUMNS = ["Path", "Locale", "Shape", "Number", "D_Color", "D_Size", "D_Style", "D_Configuration", "Category", "Seq",
           "MediaType", "Reason"]


def parsed(paths: list[str], grammar: LegacyGrammar = DEFAULT_GRAMMAR) -> list[tuple]:
    frame = normalize(pl.Series("Path", paths, dtype=pl.String).to_frame())
    return parse(frame, grammar).select(COLUMNS).rows()


N = "system_neutral"


def test_each_pattern() -> None:
    assert parsed([
        "Products/1001_000_001.png",
        "Products/93039 ^ Slim ^ 32 ^ Black ^_000_002.jpg",
        "Products/70050 ^ Monogrammed_000_003.webp",
        "Categories/Womenswear.jpg",
        "Products/1000_000_004.mp4",
        "Products/93039_000_005.pdf",
    ]) == [
        ("Products/1001_000_001.png", N, "product", "1001", None, None, None, None, None, 1, "Image", None),
        ("Products/93039 ^ Slim ^ 32 ^ Black ^_000_002.jpg", N, "variant", "93039", "Black", "32", "Slim", None, None,
         2, "Image", None),
        ("Products/70050 ^ Monogrammed_000_003.webp", N, "configuration", "70050", None, None, None, "Monogrammed",
         None, 3, "Image", None),
        ("Categories/Womenswear.jpg", N, "category", None, None, None, None, None, "Womenswear", None, "Image", None),
        ("Products/1000_000_004.mp4", N, "product", "1000", None, None, None, None, None, 4, "Video", None),
        ("Products/93039_000_005.pdf", N, "product", "93039", None, None, None, None, None, 5, "File", None),
    ]


def test_empty_dimensions_and_odd_spacing() -> None:
    assert parsed([
        "Products/81120 ^  ^ S ^ White ^_000_001.png",  # empty Style: two spaces between carets
        "Products/93039 ^  ^  ^ Black ^_000_001.png",  # only Color given
        "Products/93039^^^Blue^_000_001.png",  # no spaces at all
        "Products/93039  ^Slim ^   32^ Black   ^ _000_001.png",  # spaces anywhere
        "Products/81120 ^  ^ M ^ Red_000_001.png",  # trailing separator missing, count matches the order
        "Products/ 70050 ^  Standard _000_001.png",
    ]) == [
        ("Products/81120 ^  ^ S ^ White ^_000_001.png", N, "variant", "81120", "White", "S", None, None, None, 1,
         "Image", None),
        ("Products/93039 ^  ^  ^ Black ^_000_001.png", N, "variant", "93039", "Black", None, None, None, None, 1,
         "Image", None),
        ("Products/93039^^^Blue^_000_001.png", N, "variant", "93039", "Blue", None, None, None, None, 1, "Image", None),
        ("Products/93039  ^Slim ^   32^ Black   ^ _000_001.png", N, "variant", "93039", "Black", "32", "Slim", None,
         None, 1, "Image", None),
        ("Products/81120 ^  ^ M ^ Red_000_001.png", N, "variant", "81120", "Red", "M", None, None, None, 1, "Image",
         None),
        ("Products/ 70050 ^  Standard _000_001.png", N, "configuration", "70050", None, None, None, "Standard", None, 1,
         "Image", None),
    ]


def test_backslashes_language_folders_and_case() -> None:
    assert parsed([
        "Products\\1001_000_001.PNG",
        "en-us\\Products\\1001_000_002.png",
        "fr-FR/products/1001_000_003.png",
        "de_DE/CATEGORIES/Tops.png",
        "./Products/1001_000_004.png",
        "pt-br//Products/1001_000_005.png",
    ]) == [
        ("Products/1001_000_001.PNG", N, "product", "1001", None, None, None, None, None, 1, "Image", None),
        ("en-us/Products/1001_000_002.png", "en-us", "product", "1001", None, None, None, None, None, 2, "Image", None),
        ("fr-FR/products/1001_000_003.png", "fr-fr", "product", "1001", None, None, None, None, None, 3, "Image", None),
        ("de_DE/CATEGORIES/Tops.png", "de-de", "category", None, None, None, None, None, "Tops", None, "Image", None),
        ("Products/1001_000_004.png", N, "product", "1001", None, None, None, None, None, 4, "Image", None),
        ("pt-br/Products/1001_000_005.png", "pt-br", "product", "1001", None, None, None, None, None, 5, "Image", None),
    ]


def reasons(paths: list[str], grammar: LegacyGrammar = DEFAULT_GRAMMAR) -> list[tuple[str, str | None, str | None]]:
    frame = normalize(pl.Series("Path", paths, dtype=pl.String).to_frame())
    return parse(frame, grammar).select("Path", "Reason", "Detail").rows()


def test_refusals_name_the_rule() -> None:
    assert reasons([
        "Products/1001_000_001.png",
        "Products/1001_000_001.png",
        "/mnt/legacy/Products/1001_000_001.png",
        "C:\\legacy\\Products\\1001_000_001.png",
        "images/Products/1001_000_001.png",
        "Thumbs.db",
        "Products/sub/1001_000_001.png",
        "Products/1001.png",
        "Products/1001_001.png",
        "Products/93039 ^ Slim ^ Black ^_000_001.png",
        "Products/A ^ B ^ C ^ D ^ E_000_001.png",
        "Products/93039 ^  ^  ^  ^_000_001.png",
        "Products/ ^ Red_000_001.png",
        "Products/1001_000_000.png",
        "Products/1001_000_006.png",
        "Categories/.png",
    ]) == [
        ("Products/1001_000_001.png", None, None),
        ("Products/1001_000_001.png", "duplicate_path", "listed before; each file is migrated once"),
        ("/mnt/legacy/Products/1001_000_001.png", "absolute_path",
         "an absolute path; list paths relative to the media directory"),
        ("C:/legacy/Products/1001_000_001.png", "absolute_path",
         "an absolute path; list paths relative to the media directory"),
        ("images/Products/1001_000_001.png", "no_pattern", "not [{LanguageId}/]Products/… or [{LanguageId}/]Categories/…"),
        ("Thumbs.db", "no_pattern", "not [{LanguageId}/]Products/… or [{LanguageId}/]Categories/…"),
        ("Products/sub/1001_000_001.png", "no_pattern", "not [{LanguageId}/]Products/… or [{LanguageId}/]Categories/…"),
        ("Products/1001.png", "no_pattern", "a product file is named {ProductNumber}…_000_{NNN}.{ext}"),
        ("Products/1001_001.png", "no_pattern", "a product file is named {ProductNumber}…_000_{NNN}.{ext}"),
        ("Products/93039 ^ Slim ^ Black ^_000_001.png", "dimension_count",
         "2 dimension values where the order Style, Size, Color needs 3"),
        ("Products/A ^ B ^ C ^ D ^ E_000_001.png", "dimension_count",
         "4 dimension values where the order Style, Size, Color needs 3"),
        ("Products/93039 ^  ^  ^  ^_000_001.png", "no_dimension_values",
         "every dimension value is empty; name the product's own images {ProductNumber}_000_{NNN}"),
        ("Products/ ^ Red_000_001.png", "no_pattern",
         "a product name is {ProductNumber}, {ProductNumber} ^ {Configuration} or "
         "{ProductNumber} ^ {Style} ^ {Size} ^ {Color} ^"),
        ("Products/1001_000_000.png", "sequence_out_of_range", "image number 000 is outside 001-005 (--sequence)"),
        ("Products/1001_000_006.png", "sequence_out_of_range", "image number 006 is outside 001-005 (--sequence)"),
        ("Categories/.png", "no_pattern", "a category file is named {CategoryName}.{ext}"),
    ]


def test_separator_dimension_order_and_sequence_are_options() -> None:
    grammar = LegacyGrammar("|", parse_dimension_order("color, SIZE,style"), parse_sequence("0-9"))
    assert grammar.dimension_order == ("Color", "Size", "Style")
    assert parsed([
        "Products/93039 | Black | 32 | Slim |_000_000.png",
        "Products/93039 | Black |  |  |_000_009.png",
        "Products/70050 | Monogrammed_000_001.png",
        "Products/93039 ^ Slim ^ 32 ^ Black ^_000_001.png",  # the default separator is just text now
        "Products/1001_000_010.png",
    ], grammar) == [
        ("Products/93039 | Black | 32 | Slim |_000_000.png", N, "variant", "93039", "Black", "32", "Slim", None, None,
         0, "Image", None),
        ("Products/93039 | Black |  |  |_000_009.png", N, "variant", "93039", "Black", None, None, None, None, 9,
         "Image", None),
        ("Products/70050 | Monogrammed_000_001.png", N, "configuration", "70050", None, None, None, "Monogrammed",
         None, 1, "Image", None),
        ("Products/93039 ^ Slim ^ 32 ^ Black ^_000_001.png", N, "product", "93039 ^ Slim ^ 32 ^ Black ^", None, None,
         None, None, None, 1, "Image", None),
        ("Products/1001_000_010.png", N, "product", "1001", None, None, None, None, None, 10, "Image",
         "sequence_out_of_range"),
    ]


def test_four_dimension_order_with_configuration() -> None:
    grammar = LegacyGrammar(dimension_order=("Configuration", "Color", "Size", "Style"))
    assert parsed(["Products/55 ^ Gift ^ Red ^ L ^  ^_000_001.png"], grammar) == [
        ("Products/55 ^ Gift ^ Red ^ L ^  ^_000_001.png", N, "variant", "55", "Red", "L", None, "Gift", None, 1,
         "Image", None)]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: parse_dimension_order("Style,Size,Colour"), "--dimension-order 'Style,Size,Colour' is not an order of "
     "distinct dimensions (name each of Color, Size, Style, Configuration at most once, e.g. Style,Size,Color)"),
    (lambda: parse_dimension_order("Size,size"), "--dimension-order 'Size,size' is not an order of distinct "
     "dimensions (name each of Color, Size, Style, Configuration at most once, e.g. Style,Size,Color)"),
    (lambda: parse_sequence("1..5"), "--sequence '1..5' is not a range (give FIRST-LAST, e.g. 1-5 for _000_001 … "
     "_000_005)"),
    (lambda: LegacyGrammar(sequence=(5, 1)), "sequence range 5-1 is not a range of 0..999 (give --sequence "
     "FIRST-LAST, e.g. 1-5)"),
    (lambda: LegacyGrammar(separator="_"), "--separator '_' cannot separate dimension values (use a visible "
     "character that is not / \\ _ or ., e.g. ^ (the default))"),
    (lambda: LegacyGrammar(separator=" "), "--separator ' ' cannot separate dimension values (use a visible "
     "character that is not / \\ _ or ., e.g. ^ (the default))"),
])
def test_bad_options_say_what_to_do(call, message: str) -> None:
    with pytest.raises(UsageError) as err:
        call()
    assert str(err.value) == message


def test_single_number_sequence() -> None:
    assert parse_sequence(" 3 ") == (3, 3) and parse_sequence("1 - 12") == (1, 12)
