"""Import of a products, categories or channels manifest: validated whole, then upserted by key.

Unlike asset and assignment manifests, a catalog manifest is all or nothing: one invalid row
refuses the file (these are inputs from an ERP, and half a catalog is worse than none). Rows are
upserted by the kind's key — rows the manifest does not name are kept — or, with ``replace``, the
file is swapped for the manifest. The result manifest says per row whether it created, updated or
left unchanged the stored row.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.errors import InputError
from toolkit.findings import Finding
from toolkit.importing.rows import RESULT_COLUMNS
from toolkit.kinds import Kind, default_file
from toolkit.tsv import Manifest, manifest_bytes, read_manifest
from toolkit.workspace import Tenant

CATALOG_KINDS = ("products", "categories", "channels")
# Rules a manifest row can meet through what the tenant already has (a variant's master, a category's
# parent, a variant's dimensions in columns the manifest leaves out): the file alone cannot judge them.
CONTEXT_RULES = frozenset({"variant_has_master", "parent_exists", "variant_has_dimension"})
_FINDING = {"file": pl.String, "line": pl.Int64, "column": pl.String, "rule": pl.String, "value": pl.String,
            "message": pl.String}


@dataclass(frozen=True)
class CatalogImport:
    path: str            # the tenant file, relative
    data: bytes          # its new content
    result: pl.DataFrame  # the result manifest


def _refuse(manifest: Manifest, findings: list[Finding]) -> None:
    if not findings:
        return
    f = findings[0]
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    raise InputError(f"{f.file}: line {f.line}: {f.column} {f.value!r}: {f.message}{more}; nothing was imported",
                     f"a {manifest.kind.name} manifest is imported whole, with the rows of the tenant it keeps: "
                     f"fix it and import it again (omm validate {manifest.path} lists the problems of the file "
                     "alone)", rule=f.rule, column=f.column)


def _stored(t: Tenant, manifest: Manifest) -> tuple[str, pl.DataFrame]:
    rel = default_file(manifest.kind.name)
    assert rel is not None
    path = t.path(rel)
    frame = read_manifest(path, manifest.kind.name).frame if path.is_file() else pl.DataFrame(
        schema={c: pl.String for c in manifest.frame.columns})
    return rel, frame


def upserted(stored: pl.DataFrame, incoming: pl.DataFrame, key: list[str], *, replace: bool) -> pl.DataFrame:
    """The file after the import: the manifest's rows first, then the stored rows it does not name.
    A column the manifest leaves out keeps its stored values (upsert says what changes, not what is
    erased); ``replace`` swaps the whole file."""
    if replace:
        return incoming
    absent = [c for c in stored.columns if c not in incoming.columns]
    named = incoming.join(stored.select(*key, *absent), on=key, how="left") if absent else incoming
    kept = stored.join(incoming.select(key), on=key, how="anti")
    return pl.concat([named, kept], how="diagonal_relaxed")


def _findings(kind: Kind, frame: pl.DataFrame, path: str) -> pl.DataFrame:
    """The findings of ``frame`` validated as a whole file, one row each; ``__i`` is the frame's row."""
    from toolkit.validation import validate_manifest

    found = validate_manifest(Manifest(path, kind, frame, tuple(frame.columns), None, "utf-8", ()))
    return pl.DataFrame([f.__dict__ for f in found], schema=_FINDING).with_columns(__i=pl.col("line") - 2)


def _merged_findings(t: Tenant, manifest: Manifest) -> list[Finding]:
    """The findings of the file an upsert would leave, placed on the manifest's lines — or, for a
    kept stored row (a variant whose master the manifest makes Standalone), on the stored file's
    line, when the stored file did not have it already (that is not this manifest's fault)."""
    rel, stored = _stored(t, manifest)
    key = list(manifest.kind.key)
    merged = upserted(stored, manifest.frame, key, replace=False)
    n = manifest.frame.height
    # Where each merged row comes from: the manifest's rows first, then the stored rows kept.
    mine = pl.DataFrame({"__i": pl.int_range(0, n, eager=True), "__line": manifest.line_numbers().cast(pl.Int64)})
    kept = (stored.select(key).with_row_index("__s").join(merged.slice(n).select(key).with_row_index("__k"), on=key)
            .select(__i=pl.col("__k").cast(pl.Int64) + n, __line=pl.col("__s").cast(pl.Int64) + 2))
    before = _findings(manifest.kind, stored, rel).select(__line="line", column="column", rule="rule")
    found = _findings(manifest.kind, merged, rel).join(pl.concat([mine, kept]), on="__i", how="inner")
    ours = found.filter(pl.col("__i") < n).with_columns(file=pl.lit(manifest.path), line="__line")
    theirs = found.filter(pl.col("__i") >= n).join(before, on=["__line", "column", "rule"], how="anti").with_columns(
        line="__line", message=pl.format("{} (once {} is imported)", pl.col("message"), pl.lit(manifest.path)))
    return [Finding(**r) for r in pl.concat([ours, theirs]).select(list(_FINDING)).iter_rows(named=True)]


def check_whole(manifest: Manifest, t: Tenant | None = None, *, replace: bool = False) -> None:
    """Refuse a catalog manifest with any finding, naming the first and how many there are.

    Without the tenant, what the file alone decides (not :data:`CONTEXT_RULES`). With it, an upsert
    is judged as the file it would leave (:func:`upserted`): the manifest's header and structure,
    then every rule on the merged rows; ``replace`` judges the manifest as the whole file."""
    from toolkit.validation import validate_manifest

    alone = list(validate_manifest(manifest))
    if t is None:
        alone = [f for f in alone if f.rule not in CONTEXT_RULES]
    elif not replace:
        broken = set(manifest.problems)  # ragged rows, bad quoting or encoding: the file's own lines
        header_and_structure = [f for f in alone if f.line == 1 or f in broken]
        alone = header_and_structure + _merged_findings(t, manifest)
    _refuse(manifest, sorted(alone))


def import_catalog(t: Tenant, manifest: Manifest, *, replace: bool, now: str) -> CatalogImport:
    kind = manifest.kind
    check_whole(manifest, t, replace=replace)
    key = list(kind.key)
    rel, stored = _stored(t, manifest)
    # A result manifest imported again: its result columns describe the last import, not the catalog.
    incoming = manifest.frame.drop([c for c in RESULT_COLUMNS if c in manifest.frame.columns])
    new = upserted(stored, incoming, key, replace=replace)
    compared = [c for c in incoming.columns if c not in key]
    old = stored.with_columns(pl.lit(None, pl.String).alias(c) for c in compared if c not in stored.columns).select(
        *key, *[pl.col(c).alias(f"{c}__was") for c in compared], __was=pl.lit(True))
    joined = incoming.join(old, on=key, how="left")
    same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}__was")) for c in compared]) if compared \
        else pl.lit(True)
    existed = pl.col("__was").fill_null(False)
    result = joined.select(
        *incoming.columns,
        Result=pl.when(existed & same).then(pl.lit("Skipped")).otherwise(pl.lit("Succeeded")),
        ResultTime=pl.lit(now), ErrorCode=pl.lit(None, pl.String),
        ResultDescription=pl.when(~existed).then(pl.lit("created")).when(same).then(pl.lit("unchanged"))
        .otherwise(pl.lit("updated")),
    )
    return CatalogImport(rel, manifest_bytes(new, kind), result)
