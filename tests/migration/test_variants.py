"""Which variants a variant picture name serves, and the dimension-matrix collapse.

Each case is a list of legacy paths run through the grammar, the catalog of contoso-dev
(93039 jeans: Color × Size × Style; 81120 t-shirt: Color × Size; 70050 wallet: Configuration)
and the variant plan; the whole plan is compared: the sets made, the collapsed masters and the
paths refused.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import polars as pl

from tests.helpers import WORKSPACE
from toolkit.migration import build
from toolkit.migration.grammar import parse
from toolkit.migration.match import match
from toolkit.migration.options import LegacyGrammar
from toolkit.migration.sources import normalize
from toolkit.migration.tenant_data import TenantData, load
from toolkit.workspace import tenant

N = "system_neutral"


@cache
def contoso() -> TenantData:
    return load(tenant(Path(WORKSPACE), "contoso-dev"))


def no_cells() -> TenantData:
    return dataclasses.replace(contoso(), cells=contoso().cells.clear())


def run(paths: list[str], data: TenantData | None = None) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(sets: EntityType, EntityKeyValue, Locale, the paths in order), collapsed masters, refused paths."""
    data = data or contoso()
    frame = normalize(pl.Series("Path", paths, dtype=pl.String).to_frame())
    files, vp = build.variant_rules(build.duplicate_orders(match(parse(frame, LegacyGrammar()), data)), data)
    used = files.filter(build.OK & (pl.col("Target") == "pattern")).select("Pattern", "Locale", "Seq", "Path")
    sets = (vp.sets.join(used, on=["Pattern", "Locale"]).sort("Seq")
            .group_by("EntityType", "EntityKeyValue", "Locale", maintain_order=True).agg(pl.col("Path"))
            .sort("EntityType", "EntityKeyValue", "Locale"))
    collapsed = vp.collapsed.select("Entity", "Dims", "Cells", "MatrixSets", "VariantSets")
    refused = files.filter(~build.OK).select("Path", "Reason")
    return sets.rows(), collapsed.rows(), refused.rows()


def test_one_name_per_variant_keeps_variant_sets() -> None:
    names = [f"Products/81120 ^  ^ {s} ^ {c} ^_000_001.png" for c in ("White", "Red") for s in ("S", "M")]
    assert run(names) == ([
        ("Product|Variant", "81120-001", N, [names[0]]),
        ("Product|Variant", "81120-002", N, [names[1]]),
        ("Product|Variant", "81120-003", N, [names[2]]),
        ("Product|Variant", "81120-004", N, [names[3]]),
    ], [], [])


def test_pictures_shared_by_color_become_cells() -> None:
    black = ["Products/93039 ^  ^  ^ Black ^_000_001.png", "Products/93039 ^  ^  ^ Black ^_000_002.png"]
    blue = ["Products/93039 ^  ^  ^ Blue ^_000_001.png"]
    assert run([*black, *blue]) == ([
        ("Product|DimensionMatrix", "93039|Color:Black", N, black),
        ("Product|DimensionMatrix", "93039|Color:Blue", N, blue),
    ], [("93039", "Color", ["93039|Color:Black", "93039|Color:Blue"], 2, 6)], [])


def test_a_more_specific_name_stays_a_variant_set_beside_its_cell() -> None:
    black = ["Products/93039 ^  ^  ^ Black ^_000_001.png"]
    own = ["Products/93039-002_000_001.png", "Products/93039-002_000_002.png"]  # the variant's own number
    assert run([*black, *own]) == ([
        ("Product|DimensionMatrix", "93039|Color:Black", N, black),
        ("Product|Variant", "93039-002", N, own),
    ], [("93039", "Color", ["93039|Color:Black"], 1, 2)], [])


def test_a_cell_is_only_made_where_every_variant_has_pictures() -> None:
    slim_black = ["Products/93039 ^ Slim ^  ^ Black ^_000_001.png"]  # 93039-001 and -002; -003 is Black Regular
    assert run(slim_black, no_cells()) == ([
        ("Product|DimensionMatrix", "93039|Color:Black|Style:Slim", N, slim_black),
    ], [("93039", "Color|Style", ["93039|Color:Black|Style:Slim"], 1, 2)], [])
    # contoso-dev's 93039 cells are on Color alone, and all cells of a master share their dimensions:
    # a Color cell would give Black Regular these pictures, so the variant sets stay.
    assert run(slim_black) == ([
        ("Product|Variant", "93039-001", N, slim_black),
        ("Product|Variant", "93039-002", N, slim_black),
    ], [], [])


def test_locales_get_their_own_cells() -> None:
    names = ["Products/81120 ^  ^  ^ Red ^_000_001.png", "fr-fr/Products/81120 ^  ^  ^ Red ^_000_001.png",
             "fr-fr/Products/81120 ^  ^ S ^ White ^_000_001.png"]
    assert run(names) == ([
        ("Product|DimensionMatrix", "81120|Color:Red", "fr-fr", [names[1]]),
        ("Product|DimensionMatrix", "81120|Color:Red", N, [names[0]]),
        ("Product|Variant", "81120-001", "fr-fr", [names[2]]),
    ], [("81120", "Color", ["81120|Color:Red"], 2, 4)], [])


def test_equally_specific_names_tie_on_the_earlier_dimension() -> None:
    black, slim = "Products/93039 ^  ^  ^ Black ^_000_001.png", "Products/93039 ^ Slim ^  ^  ^_000_001.png"
    # Black Slim variants take Black (Color before Style); Blue Slim ones take Slim.
    assert run([slim, black], no_cells()) == ([
        ("Product|DimensionMatrix", "93039|Color:Black", N, [black]),
        ("Product|Variant", "93039-004", N, [slim]),
        ("Product|Variant", "93039-005", N, [slim]),
    ], [("93039", "Color", ["93039|Color:Black"], 1, 3)], [])


def test_names_that_serve_no_variant_are_refused() -> None:
    regular = "Products/93039 ^ Regular ^ 34 ^ Blue ^_000_001.png"
    assert run([
        "Products/93039 ^ Slim ^ 32 ^ Green ^_000_001.png",
        "Products/70050 ^ Engraved_000_001.png",
        "Products/93039 ^ Regular ^  ^  ^_000_001.png",  # its two variants have names of their own
        regular, "Products/93039 ^ Regular ^ 32 ^ Black ^_000_001.png",
        "Products/93039 ^ Regular ^ 34 ^ BLUE ^_000_001.jpg",  # the same variant and image number
    ])[2] == [
        ("Products/93039 ^ Slim ^ 32 ^ Green ^_000_001.png", "no_variant"),
        ("Products/70050 ^ Engraved_000_001.png", "no_variant"),
        ("Products/93039 ^ Regular ^  ^  ^_000_001.png", "overridden"),
        ("Products/93039 ^ Regular ^ 34 ^ BLUE ^_000_001.jpg", "duplicate_order"),
    ]


def test_variants_without_a_value_of_the_cell_dimension_keep_variant_sets() -> None:
    extra = pl.DataFrame({"ProductNumber": ["55", "55-1", "55-2", "55-3"], "ProductName": ["Scarf"] * 4,
                          "ProductType": ["Master", "Variant", "Variant", "Variant"],
                          "MasterProductNumber": [None, "55", "55", "55"], "Color": [None, "Red", "Blue", "Green"],
                          "Size": [None, "S", "S", None], "Style": [None] * 4, "Configuration": [None] * 4},
                         schema={c: pl.String for c in contoso().products.columns})
    data = dataclasses.replace(contoso(), products=pl.concat([contoso().products, extra]))
    small, green = "Products/55 ^  ^ S ^  ^_000_001.png", "Products/55 ^  ^  ^ Green ^_000_001.png"
    assert run([small, green], data) == ([
        ("Product|DimensionMatrix", "55|Size:S", N, [small]),
        ("Product|Variant", "55-3", N, [green]),
    ], [("55", "Size", ["55|Size:S"], 1, 2)], [])


def test_configuration_variants() -> None:
    standard, mono = "Products/70050 ^ Standard_000_001.png", "Products/70050 ^ monogrammed_000_001.png"
    assert run([standard, mono]) == ([
        ("Product|Variant", "70050-001", N, [standard]),
        ("Product|Variant", "70050-002", N, [mono]),
    ], [], [])
