"""The registry of manifest kinds: kind → schema, key, canonical column order, file name.

Detection and names live here without importing Pandera, so ``omm --help`` stays fast. What a
kind's columns, key and order are comes from ``schemas/kinds.json``, generated from the Pandera
models (``python -m toolkit.kinds``; a test keeps it current), so reading, formatting, diffing
and merging never import Pandera either; the model and its rules load on first use (validation).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path, PurePath
from typing import Any

from toolkit.errors import KindError

# kind → (schema module, model class, default file name relative to a tenant)
_REGISTRY: dict[str, tuple[str, str, str | None]] = {
    "assets": ("schemas.assets", "AssetsSchema", "cms/media.tsv"),
    "assignments": ("schemas.assignments", "AssignmentsSchema", "cms/assignments.tsv"),
    "products": ("schemas.products", "ProductsSchema", "hq/products.tsv"),
    "categories": ("schemas.categories", "CategoriesSchema", "hq/categories.tsv"),
    "channels": ("schemas.channels", "ChannelsSchema", "channels.tsv"),
    "settings": ("schemas.settings", "SettingsSchema", "settings.tsv"),
    "publish_groups": ("schemas.publish_groups", "PublishGroupsSchema", "cms/publish_groups.tsv"),
    "jobs": ("schemas.jobs", "JobsSchema", "jobs/jobs.tsv"),
    "maps": ("schemas.maps", "MapsSchema", None),
    "flattened": ("schemas.flattened", "FlattenedSchema", "hq/media_assignments.tsv"),
    "default_images": ("schemas.default_images", "DefaultImagesSchema", "search/default_images.tsv"),
    "diff": ("schemas.diff", "DiffSchema", None),
}
KIND_NAMES: tuple[str, ...] = tuple(_REGISTRY)

# Header signatures, most specific first: every column of one alternative must be present.
_SIGNATURES: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = (
    ("diff", (frozenset({"DiffOp"}), frozenset({"DiffSeq"}))),
    ("flattened", (frozenset({"ProductNumber", "IsDefaultImage"}), frozenset({"ProductNumber", "SourceEntityType"}),
                   frozenset({"ProductNumber", "MediaGroup"}))),
    ("default_images", (frozenset({"ProductNumber", "InternalMediaId"}),)),
    ("products", (frozenset({"ProductNumber"}), frozenset({"ProductType"}), frozenset({"MasterProductNumber"}))),
    ("assignments", (frozenset({"EntityType"}), frozenset({"EntityKeyValue"}))),
    ("assets", (frozenset({"MediaType"}), frozenset({"MediaDisplayName"}), frozenset({"InternalMediaId"}),
                frozenset({"MediaImportPath"}))),
    ("categories", (frozenset({"CategoryID"}),)),
    ("channels", (frozenset({"ChannelId"}),)),
    ("jobs", (frozenset({"JobId"}),)),
    ("publish_groups", (frozenset({"PublishGroup", "Status"}), frozenset({"PublishGroup", "ScheduledOn"}))),
    ("maps", (frozenset({"Source", "Destination"}),)),
    ("settings", (frozenset({"Name", "Value"}),)),
)
_FILE_NAMES = {PurePath(f).name: k for k, (_, _, f) in _REGISTRY.items() if f}


@dataclass(frozen=True)
class Column:
    """One schema column, as ``omm schema`` shows it and the I/O layer canonicalizes it."""

    name: str
    type: str
    token: str | None
    required: bool
    nullable: bool
    description: str
    enum: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    format: str | None = None
    expect: str | None = None  # what a valid value looks like, in words
    allowed: tuple[str, ...] = ()  # the values an isin check admits (enumerations and booleans)


@dataclass(frozen=True)
class Kind:
    """A manifest kind with everything derived from its schema."""

    name: str
    file: str | None
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    unique: tuple[str, ...]  # Config.unique, checked by Pandera itself
    set_key: tuple[str, ...]
    sort: tuple[str, ...]  # the order rows are written in: the key, unless the schema says otherwise

    @property
    def model(self) -> Any:
        """The Pandera DataFrameModel (imports Pandera on first use)."""
        return _model(self.name)

    @property
    def rules(self) -> dict[str, Any]:
        """Cross-row rules: name → schemas.rules.Rule (no Pandera import: see :func:`_rules`)."""
        return _rules(self.name)[0]

    @property
    def derived(self) -> dict[str, Any]:
        """Helper columns the rules read: name → Polars expression."""
        return _rules(self.name)[1]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _statistic(checks: list[Any], name: str) -> Any:
    for check in checks:
        stats = getattr(check, "statistics", None) or {}
        if name in stats:
            return stats[name]
    return None


def _column(name: str, col: Any) -> Column:
    meta = col.metadata or {}
    return Column(
        name=name,
        type=meta.get("type", "string"),
        token=meta.get("token"),
        required=bool(col.required),
        nullable=bool(col.nullable),
        description=col.description or "",
        enum=tuple(meta.get("enum", ())),
        synonyms=tuple(sorted(meta.get("synonyms", {}).items())),
        pattern=_statistic(col.checks, "pattern"),
        allowed=tuple(_statistic(col.checks, "allowed_values") or ()),
        minimum=meta.get("minimum"),
        format=meta.get("format"),
        expect=meta.get("expect"),
    )


@cache
def _model(name: str) -> Any:
    module, model_name, _ = _REGISTRY[name]
    return getattr(importlib.import_module(module), model_name)


@cache
def _rules(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A kind's rules and derived columns from ``schemas.rules.<module>``, which the model wires in:
    screening a file proves it valid without importing Pandera (about 70 ms of start-up)."""
    module = _REGISTRY[name][0].rpartition(".")[2]
    try:
        rules = importlib.import_module(f"schemas.rules.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"schemas.rules.{module}":
            raise
        return {}, {}
    return dict(getattr(rules, "RULES", {})), dict(getattr(rules, "DERIVED", {}))


def describe(name: str) -> dict[str, Any]:
    """A kind's description, computed from its Pandera model (what kinds.json stores)."""
    model = _model(name)
    schema = model.to_schema()
    meta = model.Config.metadata
    return {
        "file": _REGISTRY[name][2],
        "key": list(meta["key"]),
        "columns": [dataclasses.asdict(_column(n, c)) for n, c in schema.columns.items()],
        "unique": list(getattr(model.Config, "unique", None) or ()),
        "set_key": list(meta.get("set_key", ())),
        "sort": list(meta.get("sort", meta["key"])),
    }


DESCRIPTIONS = "kinds.json"


def descriptions_text() -> str:
    """kinds.json as it should read for the current schemas."""
    return json.dumps({k: describe(k) for k in KIND_NAMES}, indent=1, ensure_ascii=False) + "\n"


@cache
def _descriptions() -> dict[str, Any]:
    return json.loads(files("schemas").joinpath(DESCRIPTIONS).read_text(encoding="utf-8"))


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@cache
def get_kind(name: str) -> Kind:
    """The kind called ``name``; raises :class:`KindError` naming the known kinds."""
    if name not in _REGISTRY:
        raise KindError(f"unknown manifest kind {name!r}", f"use one of: {', '.join(KIND_NAMES)}")
    d = _descriptions()[name]
    return Kind(
        name=name,
        file=d["file"],
        key=tuple(d["key"]),
        columns=tuple(Column(**{k: _tuples(v) for k, v in c.items()}) for c in d["columns"]),
        unique=tuple(d["unique"]),
        set_key=tuple(d["set_key"]),
        sort=tuple(d["sort"]),
    )


def detect_kind(header: list[str] | tuple[str, ...], path: str | PurePath | None = None) -> str:
    """Detect a kind from a header, using the file name where the header is ambiguous."""
    cols = set(header)
    matches = [k for k, alts in _SIGNATURES if any(alt <= cols for alt in alts)]
    by_name = _FILE_NAMES.get(PurePath(path).name) if path is not None else None
    if by_name and (by_name in matches or not matches):
        return by_name
    if matches:
        return matches[0]
    where = f" of {path}" if path is not None else ""
    raise KindError(f"cannot tell the manifest kind from the header{where}",
                    f"pass --kind with one of: {', '.join(KIND_NAMES)}")


def default_file(name: str) -> str | None:
    """Where a kind's manifest lives inside a tenant, if it has a fixed place."""
    return _REGISTRY[name][2] if name in _REGISTRY else None


if __name__ == "__main__":
    # python -m toolkit.kinds: rewrite schemas/kinds.json after changing a schema.
    target = Path(__file__).resolve().parent.parent / "schemas" / DESCRIPTIONS
    target.write_text(descriptions_text(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
