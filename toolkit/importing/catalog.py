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
from toolkit.kinds import default_file
from toolkit.tsv import Manifest, manifest_bytes, read_manifest
from toolkit.workspace import Tenant

CATALOG_KINDS = ("products", "categories", "channels")


@dataclass(frozen=True)
class CatalogImport:
    path: str            # the tenant file, relative
    data: bytes          # its new content
    result: pl.DataFrame  # the result manifest


def check_whole(manifest: Manifest) -> None:
    """Refuse a catalog manifest with any finding, naming the first and how many there are."""
    from toolkit.validation import validate_manifest

    findings = validate_manifest(manifest)
    if findings:
        f = findings[0]
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise InputError(f"{f.file}: line {f.line}: {f.column} {f.value!r}: {f.message}{more}; nothing was imported",
                         f"a {manifest.kind.name} manifest is imported whole: fix it (omm validate {f.file} lists "
                         "every problem) and import it again", rule=f.rule, column=f.column)


def import_catalog(t: Tenant, manifest: Manifest, *, replace: bool, now: str) -> CatalogImport:
    kind = manifest.kind
    rel = default_file(kind.name)
    assert rel is not None
    check_whole(manifest)
    key = list(kind.key)
    path = t.path(rel)
    stored = read_manifest(path, kind.name).frame if path.is_file() else pl.DataFrame(
        schema={c: pl.String for c in manifest.frame.columns})
    incoming = manifest.frame
    new = incoming if replace else pl.concat([stored.join(incoming.select(key), on=key, how="anti"), incoming],
                                             how="diagonal_relaxed")
    shared = [c for c in incoming.columns if c in stored.columns and c not in key]
    old = stored.select(*key, *[pl.col(c).alias(f"{c}__was") for c in shared], __was=pl.lit(True))
    joined = incoming.join(old, on=key, how="left")
    same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}__was")) for c in shared]) if shared else pl.lit(True)
    existed = pl.col("__was").fill_null(False)
    result = joined.select(
        *incoming.columns,
        Result=pl.when(existed & same).then(pl.lit("Skipped")).otherwise(pl.lit("Succeeded")),
        ResultTime=pl.lit(now), ErrorCode=pl.lit(None, pl.String),
        ResultDescription=pl.when(~existed).then(pl.lit("created")).when(same).then(pl.lit("unchanged"))
        .otherwise(pl.lit("updated")),
    )
    return CatalogImport(rel, manifest_bytes(new, kind), result)
