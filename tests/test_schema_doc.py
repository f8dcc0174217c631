"""toolkit.schema_doc: kinds overview and Frictionless Table Schemas (SPEC §6 schema)."""

from __future__ import annotations

import json
import re

import pytest

from toolkit.kinds import KIND_NAMES, get_kind
from toolkit.schema_doc import describe, frictionless, kinds_overview


def test_overview() -> None:
    kinds = kinds_overview()
    assert [k["kind"] for k in kinds] == list(KIND_NAMES)
    assert len(kinds) == 12
    assert kinds[0] == {"kind": "assets", "key": ["InternalMediaId", "MediaLocale", "MediaState"],
                        "file": "cms/media.tsv", "columns": 45}
    by = {k["kind"]: k for k in kinds}
    assert by["maps"] == {"kind": "maps", "key": ["Source"], "file": None, "columns": 2}
    assert by["products"] == {"kind": "products", "key": ["ProductNumber"], "file": "hq/products.tsv", "columns": 8}


def test_describe() -> None:
    assert describe("assets") is get_kind("assets")


def test_assets_frictionless_fields() -> None:
    s = frictionless(get_kind("assets"))
    assert s["name"] == "assets"
    assert s["primaryKey"] == ["InternalMediaId", "MediaLocale", "MediaState"]
    assert s["missingValues"] == [""]
    assert s["omm:file"] == "cms/media.tsv"
    fields = {f["name"]: f for f in s["fields"]}
    assert [f["name"] for f in s["fields"]] == list(get_kind("assets").column_names)
    assert fields["InternalMediaId"] == {
        "name": "InternalMediaId", "type": "string", "format": "uuid",
        "description": "Asset id (GUID); empty for a new asset, filled by import.",
        "constraints": {"required": False,
                        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
        "omm:requiredColumn": False}
    assert fields["MediaType"] == {
        "name": "MediaType", "type": "string", "description": "Image, Video or File.",
        "constraints": {"required": True, "enum": ["Image", "Video", "File"]}, "omm:requiredColumn": True}
    assert fields["MediaVersion"]["type"] == "integer"
    assert fields["MediaVersion"]["constraints"] == {"required": False, "minimum": 0}
    assert fields["MediaPublished"]["type"] == "boolean"
    assert (fields["MediaPublished"]["trueValues"], fields["MediaPublished"]["falseValues"]) == (["true"], ["false"])
    assert fields["MediaLastModifiedOn"]["type"] == "datetime"
    assert fields["MediaPublishedURL"]["format"] == "uri"
    assert fields["MediaDisplayName"]["constraints"] == {"required": True}
    assert set(s["omm:rules"]) == set(get_kind("assets").rules)


def test_assignments_set_key_extension() -> None:
    s = frictionless(get_kind("assignments"))
    assert s["omm:setKey"] == ["EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber"]
    assert "omm:setKey" not in frictionless(get_kind("products"))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_kind_is_a_table_schema(kind: str) -> None:
    s = frictionless(get_kind(kind))
    json.dumps(s)  # serializable
    names = [f["name"] for f in s["fields"]]
    assert len(names) == len(set(names))
    assert set(s["primaryKey"]) <= set(names)
    for f in s["fields"]:
        assert f["type"] in {"string", "integer", "boolean", "datetime"}
        assert isinstance(f["constraints"]["required"], bool)
        if "pattern" in f["constraints"]:
            re.compile(f["constraints"]["pattern"])
            assert f["type"] == "string"
        if "enum" in f["constraints"]:
            assert f["constraints"]["enum"] and all(isinstance(v, str) for v in f["constraints"]["enum"])
