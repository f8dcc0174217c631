"""``omm export`` (SPEC §6, §7): a tenant's assets or assignments, filtered, as a canonical manifest.

The export is the tenant's own manifest (``cms/media.tsv`` or ``cms/assignments.tsv``) read with
the one TSV reader and written with the one canonical writer, so every column survives (unknown
ones included) and two exports of the same data are the same bytes. The filters are Polars
expressions over the whole frame:

- products: the sets that belong to the products — the product's own set, its variants' sets
  (``hq/products.tsv``), its dimension-matrix cells and its swatches; for assets, every asset those
  sets name (``InternalMediaId``, or ``SwatchValue`` when it is a swatch image), in every locale
  and state, before the locale and state filters apply to the asset rows;
- locale: the rows of that locale *and* the Neutral ones, since Neutral content is what a locale
  inherits and an editor of ``de-de`` needs to see it;
- state: Published or Draft rows (an empty or absent state counts as Published); ``all`` (the
  default) keeps both, so export → edit → import round-trips.

``--excel-safe`` prefixes with ``'`` every cell (and column name) a spreadsheet would run as a
formula: starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — except a plain
number such as ``-5`` or ``+1.5``, which a spreadsheet reads as that number, not as a formula.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from schemas.patterns import LOCALE_OR_NEUTRAL, NEUTRAL
from toolkit.errors import InputError, UsageError, WorkspaceError
from toolkit.kinds import Kind, get_kind
from toolkit.tokens import canonical_expr
from toolkit.tsv import ENCODINGS, atomic_write, canonical_frame, manifest_bytes, read_manifest
from toolkit.workspace import Tenant, resolve_workspace, tenant

KINDS = ("assets", "assignments")
STATES = ("all", "published", "draft")
LOCALE_COLUMN = {"assets": "MediaLocale", "assignments": "EntityLocale"}
STATE_COLUMN = {"assets": "MediaState", "assignments": "EntityAssignmentCurrentPublishState"}
_STATE_VALUE = {"published": "Published", "draft": "Draft"}
_FORMULA = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)$"
# Sets that belong to the product named by their EntityKeyValue as a whole, and sets whose
# EntityKeyValue starts with the master's number (`93039|Color:Black`, `93039|Color|Black`).
_OWN_SETS = ("Product|Master", "Product|Variant")
_PREFIXED_SETS = ("Product|DimensionMatrix", "Product|Master|Swatch")
CHUNK_ROWS = 100_000  # rows encoded between two progress reports

# on_progress(phase, done, total): "read" counts bytes of the manifests read so far, "write" rows
# encoded so far. The library never prints; the CLI turns these calls into a progress bar.
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ExportFilters:
    products: tuple[str, ...] = ()
    locale: str | None = None  # canonical; None = all locales
    state: str = "all"

    def to_dict(self) -> dict[str, Any]:
        return {"products": list(self.products), "locale": self.locale, "state": self.state}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote. ``content`` holds the bytes when no output file was given."""

    tenant: str
    kind: str
    output: str  # the file written, or "-" for stdout
    rows: int  # rows exported
    total_rows: int  # rows in the tenant's manifest
    filters: ExportFilters
    encoding: str
    excel_safe: bool
    cells_guarded: int  # cells (and column names) --excel-safe prefixed
    content: bytes = field(default=b"", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Exactly what ``omm export --format json`` prints."""
        return {"tenant": self.tenant, "kind": self.kind, "output": self.output, "rows": self.rows,
                "total_rows": self.total_rows, "filters": self.filters.to_dict(), "encoding": self.encoding,
                "excel_safe": self.excel_safe, "cells_guarded": self.cells_guarded}


def split_products(values: Iterable[str]) -> tuple[str, ...]:
    """Product numbers given repeatedly and/or comma separated, unique, sorted (so results are stable)."""
    return tuple(sorted({p.strip() for v in values for p in v.split(",") if p.strip()}))


def canonical_locale(value: str) -> str:
    """``en_US``, ``EN-us``, ``Neutral`` … in canonical spelling (SPEC §3), or a UsageError."""
    column = get_kind("assets").column("MediaLocale")
    expr = canonical_expr(column, {"MediaLocale"}) if column is not None else None
    spelled = pl.DataFrame({"MediaLocale": [value]}).select(expr).item() if expr is not None else value
    # An empty cell reads as Neutral, but an empty --locale is more likely a mistake than a wish.
    valid = isinstance(spelled, str) and pl.select(pl.lit(spelled).str.contains(LOCALE_OR_NEUTRAL)).item()
    if not value.strip() or not valid:
        raise UsageError(f"--locale {value!r} is not a locale", "use a locale such as de-de or en_US")
    return spelled


def check_filters(kind: str, products: Iterable[str], locale: str | None, state: str) -> ExportFilters:
    if kind not in KINDS:
        raise UsageError(f"cannot export {kind!r}", f"export one of: {', '.join(KINDS)}")
    if state not in STATES:
        raise UsageError(f"unknown state {state!r}", f"use one of: {', '.join(STATES)}")
    return ExportFilters(split_products(products), None if locale is None else canonical_locale(locale), state)


class _Reader:
    """Reads a tenant's manifests, reporting progress in bytes over all the files the export reads."""

    def __init__(self, t: Tenant, rels: list[str], on_progress: ProgressCallback | None) -> None:
        self.tenant, self.on_progress, self.done = t, on_progress, 0
        self.total = sum(t.path(r).stat().st_size for r in rels if t.path(r).is_file())

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress("read", self.done, self.total)

    def read(self, rel: str, kind: str, why: str) -> pl.DataFrame:
        path = self.tenant.path(rel)
        if not path.is_file():
            raise WorkspaceError(f"tenant {self.tenant.id!r} has no {rel}", why)
        self._report()  # before too, so a bar can show that a long read is under way
        frame = read_manifest(path, kind).frame
        self.done += path.stat().st_size
        self._report()
        return frame


def _column(frame: pl.DataFrame, name: str, absent: str | None = None) -> pl.Expr:
    """A column, or what its absence means, so filters work on manifests without optional columns."""
    return pl.col(name) if name in frame.columns else pl.lit(absent, pl.String)


def product_set_mask(assignments: pl.DataFrame, catalog: pl.DataFrame, products: tuple[str, ...],
                     tenant_id: str) -> pl.Expr:
    """True for the assignment rows whose set belongs to ``products``; unknown products raise."""
    given = pl.Series("ProductNumber", products, dtype=pl.String)
    known = catalog.get_column("ProductNumber") if "ProductNumber" in catalog.columns else given.clear()
    unknown = given.filter(~given.is_in(known.implode()))
    if unknown.len():
        raise UsageError(f"unknown product{'s' if unknown.len() > 1 else ''} {', '.join(unknown)} "
                         f"in tenant {tenant_id!r}", "name products listed in hq/products.tsv")
    wanted = pl.concat([given, catalog.filter(
        _column(catalog, "MasterProductNumber").is_in(list(products))).get_column("ProductNumber")])
    entity, value = _column(assignments, "EntityType"), _column(assignments, "EntityKeyValue")
    owner = (pl.when(entity.is_in(list(_OWN_SETS))).then(value)
             .when(entity.is_in(list(_PREFIXED_SETS))).then(value.str.split("|").list.first()))
    return owner.is_in(wanted.implode()).fill_null(False)


def referenced_assets(assignments: pl.DataFrame) -> pl.Series:
    """Asset ids the rows name: InternalMediaId, and SwatchValue (a swatch image id; a colour matches no asset)."""
    ids = [c for c in ("InternalMediaId", "SwatchValue") if c in assignments.columns]
    if not ids:
        return pl.Series("InternalMediaId", [], dtype=pl.String)
    return assignments.select(pl.concat_list(ids).alias("id")).get_column("id").explode().drop_nulls().unique()


def row_mask(frame: pl.DataFrame, kind: str, filters: ExportFilters) -> pl.Expr:
    """The locale and state filters as one expression (True where no filter applies)."""
    mask = pl.lit(True)
    if filters.locale is not None:
        locale = _column(frame, LOCALE_COLUMN[kind], NEUTRAL).fill_null(NEUTRAL)
        mask &= locale.is_in(sorted({filters.locale, NEUTRAL}))
    if filters.state != "all":
        state = _column(frame, STATE_COLUMN[kind]).fill_null("Published")
        mask &= state == _STATE_VALUE[filters.state]
    return mask


def select_rows(t: Tenant, kind: str, filters: ExportFilters,
                on_progress: ProgressCallback | None = None) -> tuple[pl.DataFrame, int]:
    """The tenant's rows of ``kind`` that pass ``filters``, and how many rows the manifest holds."""
    own = get_kind(kind).file or ""
    # The catalog names variants; assets reach products only through the assignments that name them.
    extra = ["hq/products.tsv"] + (["cms/assignments.tsv"] if kind == "assets" else []) if filters.products else []
    reader = _Reader(t, [own, *extra], on_progress)
    frame = reader.read(own, kind, f"import {kind} into it with omm import")
    mask = row_mask(frame, kind, filters)
    if filters.products:
        catalog = reader.read("hq/products.tsv", "products", "--products needs the catalog")
        sets = frame if kind == "assignments" else reader.read(
            "cms/assignments.tsv", "assignments", "--products finds assets through the assignments")
        in_sets = product_set_mask(sets, catalog, filters.products, t.id)
        if kind == "assignments":
            mask &= in_sets
        else:
            mask &= _column(frame, "InternalMediaId").is_in(referenced_assets(sets.filter(in_sets)).implode())
    return frame.filter(mask), frame.height


def _hostile(e: pl.Expr) -> pl.Expr:
    return e.str.contains(_FORMULA) & ~e.str.contains(_PLAIN_NUMBER)


def _guarded_name(name: str) -> str:
    return "'" + name if pl.select(_hostile(pl.lit(name))).item() else name


def guard_formulas(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Prefix ``'`` to every cell and column name a spreadsheet would run as a formula (SPEC §7);
    returns the frame and how many cells and names were prefixed."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    if frame.height and text:
        counts = frame.select(pl.sum_horizontal(_hostile(pl.col(c)).sum() for c in text)).item()
        frame = frame.with_columns(pl.when(_hostile(pl.col(c))).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c))
                                   .alias(c) for c in text)
    else:
        counts = 0
    # A hostile header cell is as dangerous as a hostile value; only unknown columns can be one.
    names = {c: _guarded_name(c) for c in frame.columns}
    renamed = {c: n for c, n in names.items() if n != c}
    if len(set(names.values())) != len(names):
        clash = next(n for n in renamed.values() if n in frame.columns)
        raise InputError(f"--excel-safe would name two columns {clash!r}", "rename one of the columns first",
                         column=clash)
    return frame.rename(renamed), int(counts or 0) + len(renamed)


def encode(frame: pl.DataFrame, kind: Kind, encoding: str, on_progress: ProgressCallback | None = None) -> bytes:
    """The canonical bytes of ``frame`` (those of ``manifest_bytes``); with ``on_progress``, large
    frames are encoded in chunks of rows so a progress bar can move."""
    total = frame.height
    if on_progress is None or total <= CHUNK_ROWS:
        out = manifest_bytes(frame, kind, encoding)
        if on_progress is not None:
            on_progress("write", total, total)
        return out
    # Sort once; each chunk is then already in canonical order (the writer's sort is stable, so
    # sorting a sorted chunk again keeps it), and only its header has to go.
    ordered = canonical_frame(frame.with_columns(pl.col(pl.String).replace("", None)), kind)
    header = manifest_bytes(ordered.head(0), kind, encoding)
    parts = [header]
    for start in range(0, total, CHUNK_ROWS):
        chunk = manifest_bytes(ordered.slice(start, CHUNK_ROWS), kind, encoding)
        if not chunk.startswith(header):
            raise RuntimeError("a chunk of the export does not start with the export's header")
        parts.append(chunk[len(header):])
        on_progress("write", min(start + CHUNK_ROWS, total), total)
    return b"".join(parts)


def _check_output(output: Path, t: Tenant) -> None:
    # The tenant's files change only through jobs (lock, journal); an export must never replace them.
    if output.resolve().is_relative_to(t.root.resolve()):
        raise UsageError(f"refusing to export into tenant {t.id!r} itself ({output})",
                         "write the export outside tenants/, edit it, then omm import it")
    if output.is_dir():
        raise UsageError(f"{output} is a directory", "give a file name with -o")


def export(workspace: str | os.PathLike[str] | None, tenant_id: str, kind: str,
           output: str | os.PathLike[str] | None = None, *, products: Iterable[str] = (), locale: str | None = None,
           state: str = "all", encoding: str = "utf-8", excel_safe: bool = False,
           on_progress: ProgressCallback | None = None) -> ExportResult:
    """Export tenant ``tenant_id``'s assets or assignments, filtered, canonically.

    ``output`` None keeps the bytes in ``ExportResult.content`` (the CLI prints them); otherwise the
    file is written atomically. ``locale`` None means all locales.
    """
    filters = check_filters(kind, products, locale, state)
    if encoding not in ENCODINGS:
        raise UsageError(f"unknown encoding {encoding!r}", f"use one of: {', '.join(ENCODINGS)}")
    t = tenant(resolve_workspace(workspace), tenant_id)
    target = None if output is None else Path(output)
    if target is not None:
        _check_output(target, t)
    frame, total = select_rows(t, kind, filters, on_progress)
    guarded = 0
    if excel_safe:
        frame, guarded = guard_formulas(frame)
    data = encode(frame, get_kind(kind), encoding, on_progress)
    if target is not None:
        atomic_write(target, data)
    return ExportResult(t.id, kind, "-" if target is None else str(output), frame.height, total, filters, encoding,
                        excel_safe, guarded, b"" if target is not None else data)
