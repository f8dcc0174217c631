"""``omm migrate legacy`` (SPEC §6): a legacy, file-name based media library → assets and
assignment sets, ready for ``omm import``.

Pipeline (each step a module, all Polars expressions and joins, no loop over the paths):
:mod:`~toolkit.migration.sources` reads the paths, :mod:`~toolkit.migration.grammar` parses the
names, :mod:`~toolkit.migration.match` finds products, variants' masters, categories and locales
in the tenant, :mod:`~toolkit.migration.build` applies the set rules and builds the rows,
:mod:`~toolkit.migration.variants` decides which variants each picture serves and collapses
variant sets into dimension-matrix cells, :mod:`~toolkit.migration.names` names the assets.

Every path ends in exactly one place: a row of ``assets.tsv`` (and the sets of
``assignments.tsv`` that use it) or a row of ``unmatched.tsv`` with one of :data:`REASONS`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from toolkit.errors import UsageError
from toolkit.migration.options import LegacyGrammar, parse_dimension_order, parse_sequence
from toolkit.migration.result import SET_TYPES, MatrixCollapse, MigrationResult
from toolkit.workspace import Tenant

__all__ = ["REASONS", "LegacyGrammar", "MatrixCollapse", "MigrationResult", "migrate_legacy",
           "parse_dimension_order", "parse_sequence"]

DEFAULT_GRAMMAR = LegacyGrammar()
# Reason codes of unmatched.tsv, in the order they are checked (a path gets the first that applies).
REASONS = {
    "duplicate_path": "the path is listed more than once; it is migrated once",
    "absolute_path": "an absolute path; list paths relative to the media directory",
    "no_pattern": "the name matches none of the legacy patterns",
    "dimension_count": "a variant name with more or fewer values than --dimension-order has",
    "no_dimension_values": "a variant name whose values are all empty",
    "sequence_out_of_range": "the image number _000_NNN is outside --sequence",
    "unknown_locale": "the {LanguageId} folder names a locale no channel serves",
    "unknown_product": "the product number is not in hq/products.tsv",
    "not_a_master": "a variant or configuration name on a product that is not a master",
    "unknown_category": "no category of hq/categories.tsv has that name",
    "ambiguous_category": "several categories have that name",
    "category_not_image": "a category set holds one image, and the file is not one",
    "no_category_channel": "category sets need a channel: --category-channel",
    "locale_not_in_channel": "no --category-channel serves the file's locale",
    "duplicate_order": "another file already fills this set's image number (or this category's image)",
    "no_variant": "no variant of the master has the dimension values of the name",
    "overridden": "every variant the name serves takes the pictures of a more specific name",
}


def _check_output(output: Path, t: Tenant) -> Path:
    if output.resolve().is_relative_to(t.root.resolve()):
        raise UsageError(f"refusing to write the migration into tenant {t.id!r} itself ({output})",
                         "give an output directory outside tenants/, then omm import its manifests")
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output} is a file", "give a directory for assets.tsv, assignments.tsv and unmatched.tsv")
    return output


def _counts(sets: pl.DataFrame) -> tuple[tuple[str, int], ...]:
    unique = sets.select("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale").unique()
    found = dict(unique.group_by("EntityType").len().iter_rows())
    return tuple((t, int(found.get(t, 0))) for t in SET_TYPES)


def _collapses(collapsed: pl.DataFrame) -> tuple[MatrixCollapse, ...]:
    return tuple(MatrixCollapse(r["Entity"], tuple(r["Dims"].split("|")), tuple(r["Cells"]), int(r["MatrixSets"]),
                                int(r["VariantSets"])) for r in collapsed.iter_rows(named=True))


def migrate_legacy(workspace: str | os.PathLike[str] | None, tenant_id: str, output: str | os.PathLike[str], *,
                   listing: str | os.PathLike[str] | None = None, media_dir: str | os.PathLike[str] | None = None,
                   category_channels: Iterable[str] = (), grammar: LegacyGrammar = DEFAULT_GRAMMAR) -> MigrationResult:
    """Migrate the legacy paths of ``listing`` (or the files under ``media_dir``) for tenant
    ``tenant_id``; writes ``assets.tsv``, ``assignments.tsv`` and ``unmatched.tsv`` to ``output``."""
    from toolkit.migration import build, sources
    from toolkit.migration.grammar import parse
    from toolkit.migration.match import match
    from toolkit.migration.tenant_data import canonical_channels, load
    from toolkit.tsv import atomic_write, write_manifest
    from toolkit.workspace import resolve_workspace, tenant

    if (listing is None) == (media_dir is None):
        raise UsageError("give the legacy files as --listing FILE or as --media-dir DIR", "give exactly one of them")
    t = tenant(resolve_workspace(workspace), tenant_id)
    out = _check_output(Path(output), t)
    data = load(t)
    channels = canonical_channels(tuple(category_channels), data, t.id)
    paths = sources.read_listing(listing) if listing is not None else sources.walk(media_dir)  # type: ignore[arg-type]
    files = build.duplicate_orders(build.category_rules(match(parse(paths, grammar), data), data, channels))
    files, vp = build.variant_rules(files, data)
    used = files.filter(build.OK)
    asset_rows = build.assets(used, data)
    sets = build.assignments(used, asset_rows, vp, data, channels)
    left = build.unmatched(files)
    out.mkdir(parents=True, exist_ok=True)
    write_manifest(asset_rows.drop("Path"), out / "assets.tsv", "assets")
    write_manifest(sets, out / "assignments.tsv", "assignments")
    atomic_write(out / "unmatched.tsv", build.unmatched_bytes(left))
    reasons = tuple(sorted((str(r), int(n)) for r, n in left.group_by("Reason").len().iter_rows()))
    return MigrationResult(t.id, str(output), None if listing is None else str(listing),
                           None if media_dir is None else str(media_dir), grammar, channels, paths.height,
                           asset_rows.height, _counts(sets), sets.height, _collapses(vp.collapsed), reasons)
