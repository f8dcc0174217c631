"""Renderers of ``omm export`` results: the one-line summary and the JSON contract."""

from __future__ import annotations

from toolkit.export import ExportResult
from toolkit.render.common import to_json

FORMATS = ("text", "json")


def json(result: ExportResult) -> str:
    return to_json(result.to_dict())


def _filters(result: ExportResult) -> list[str]:
    f = result.filters
    parts = [f"products {', '.join(f.products)}"] if f.products else []
    if f.locale is not None:
        parts.append("locale system_neutral" if f.locale == "system_neutral" else f"locale {f.locale} + system_neutral")
    if f.state != "all":
        parts.append(f"state {f.state}")
    if result.encoding != "utf-8":
        parts.append(result.encoding)
    if result.excel_safe:
        parts.append(f"excel-safe: {result.cells_guarded} cell{'' if result.cells_guarded == 1 else 's'} guarded")
    return parts


def summary(result: ExportResult) -> str:
    """``exported 18 of 32 assignment rows of contoso-dev → out.tsv (products 93039)``"""
    where = "stdout" if result.output == "-" else result.output
    parts = _filters(result)
    detail = f" ({'; '.join(parts)})" if parts else ""
    noun = result.kind.removesuffix("s")
    return (f"exported {result.rows} of {result.total_rows} {noun} row{'' if result.total_rows == 1 else 's'} "
            f"of {result.tenant} → {where}{detail}")
