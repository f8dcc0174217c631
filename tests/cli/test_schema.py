"""``omm schema`` (SPEC §6): the kinds, one kind's columns, Frictionless JSON."""

from __future__ import annotations

import json

import pytest

from toolkit.kinds import KIND_NAMES, get_kind
from toolkit.schema_doc import frictionless, kinds_overview

KNOWN = ("assets, assignments, products, categories, channels, settings, publish_groups, jobs, maps, flattened, "
         "default_images, diff")


def test_lists_twelve_kinds(run_cli) -> None:
    code, out, err = run_cli(["schema"])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["kind", "key", "file", "in", "a", "tenant", "columns"]
    kinds = [line.split()[0] for line in lines[1:] if line and not line.startswith(" ")]
    assert kinds == list(KIND_NAMES) and len(kinds) == 12
    assert any(line.split() == ["products", "ProductNumber", "hq/products.tsv", "8"] for line in lines)
    assert any(line.split() == ["maps", "Source", "-", "2"] for line in lines)


def test_lists_kinds_as_json(run_cli) -> None:
    code, out, err = run_cli(["schema", "--format", "json"])
    assert (code, err) == (0, "")
    assert json.loads(out) == {"kinds": kinds_overview()}
    assert len(json.loads(out)["kinds"]) == 12


def test_one_kind_as_text(run_cli) -> None:
    code, out, err = run_cli(["schema", "categories"])
    assert (code, err) == (0, "")
    assert out == (
        "categories: key CategoryID; file hq/categories.tsv\n"
        "column            type    required      allowed                                     description\n"
        "CategoryID        string  column+value  a value without leading or trailing spaces  Category id.\n"
        "CategoryName      string  column+value                                              Name of the category.\n"
        "ParentCategoryID  string                                                            Parent category; empty for a root.\n"
        "\n"
        "rules:\n"
        "  parent_exists: ParentCategoryID names no CategoryID of this file\n"
        "  not_own_parent: a category cannot be its own parent\n"
        "  no_parent_cycle: following ParentCategoryID goes round in a cycle instead of reaching a root\n")


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_kind_as_text(run_cli, kind: str) -> None:
    code, out, err = run_cli(["schema", kind])
    assert (code, err) == (0, "")
    assert out.startswith(f"{kind}: key {get_kind(kind).key[0]}")
    for name in get_kind(kind).column_names:
        assert f"\n{name} " in out


def test_assets_as_frictionless_json(run_cli) -> None:
    code, out, err = run_cli(["schema", "assets", "--format", "json"])
    assert (code, err) == (0, "")
    s = json.loads(out)
    assert s == frictionless(get_kind("assets"))
    assert s["primaryKey"] == ["InternalMediaId", "MediaLocale", "MediaState"]
    fields = {f["name"]: f for f in s["fields"]}
    assert len(s["fields"]) == 45
    assert fields["MediaType"] == {"name": "MediaType", "type": "string", "description": "Image, Video or File.",
                                   "constraints": {"required": True, "enum": ["Image", "Video", "File"]},
                                   "omm:requiredColumn": True}
    assert fields["MediaLocale"]["constraints"] == {"required": True,
                                                    "pattern": "^(system_neutral|[a-z]{2,3}(-[a-z0-9]{2,8})+)$"}
    assert fields["ImageWidth"] == {"name": "ImageWidth", "type": "integer",
                                    "description": "Width in pixels, filled by import.",
                                    "constraints": {"required": False, "minimum": 0}, "omm:requiredColumn": False}
    assert fields["DocumentForceDownload"]["type"] == "boolean"
    assert fields["MediaCreatedOn"]["type"] == "datetime"


def test_assignments_json_has_set_key(run_cli) -> None:
    _, out, _ = run_cli(["schema", "assignments", "--format", "json"])
    s = json.loads(out)
    assert s["omm:setKey"] == ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"]
    assert {f["name"]: f for f in s["fields"]}["EntityType"]["constraints"]["enum"] == [
        "Product|Master", "Product|Variant", "Product|DimensionMatrix", "Product|Master|Swatch", "Category"]


def test_unknown_kind_exit_2_names_the_known_kinds(run_cli) -> None:
    assert run_cli(["schema", "nope"]) == (
        2, "", f"omm: error: unknown manifest kind 'nope' (use one of: {KNOWN})\n")


def test_bad_format(run_cli) -> None:
    code, out, err = run_cli(["schema", "assets", "--format", "yaml"])
    assert (code, out) == (2, "") and "Invalid value for '--format'" in err
