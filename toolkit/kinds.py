"""The registry of manifest kinds: kind → schema, key, canonical column order, file name.

Detection and names live here without importing Pandera, so ``omm --help`` stays fast; the
schema module of a kind is imported only when :func:`get_kind` is called.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
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
    rules: dict[str, Any]  # name → schemas.fields.Rule
    unique: tuple[str, ...]  # Config.unique, checked by Pandera itself
    set_key: tuple[str, ...]
    sort: tuple[str, ...]  # the order rows are written in: the key, unless the schema says otherwise
    derived: dict[str, Any]  # helper columns the rules read (name → Polars expression)
    model: Any

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
def get_kind(name: str) -> Kind:
    """The kind called ``name``; raises :class:`KindError` naming the known kinds."""
    if name not in _REGISTRY:
        raise KindError(f"unknown manifest kind {name!r}", f"use one of: {', '.join(KIND_NAMES)}")
    module, model_name, file = _REGISTRY[name]
    model = getattr(importlib.import_module(module), model_name)
    schema = model.to_schema()
    meta = model.Config.metadata
    return Kind(
        name=name,
        file=file,
        key=tuple(meta["key"]),
        columns=tuple(_column(n, c) for n, c in schema.columns.items()),
        rules=dict(meta.get("rules", {})),
        unique=tuple(getattr(model.Config, "unique", None) or ()),
        set_key=tuple(meta.get("set_key", ())),
        sort=tuple(meta.get("sort", meta["key"])),
        derived=dict(meta.get("derived", {})),
        model=model,
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
