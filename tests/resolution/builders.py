"""Small tenants for resolution tests, written from a compact description of their sets.

A set is ``(entity, place, items)`` (+ state, catalog): entity ``"M"`` (a master or standalone
product), ``"V1"`` (a variant), ``"M|Color:Black"`` (a matrix cell), ``"C1"`` (a category),
``"M|Color|Black"`` (a swatch); place ``"OUN00001/en-us"``, ``"OUN00001/N"``, ``"/en-us"``,
``"/N"`` (empty channel = Omnichannel, N = Neutral); items ``"vid a +pdf"`` — Primary items in
display order 1, 2, …, ``+`` for Additional ("Size chart" purpose). A media name starting with
``vid`` is a Video, with ``pdf`` a File, anything else an Image.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from toolkit.tsv import manifest_bytes
from toolkit.workspace import Tenant

NEUTRAL = "system_neutral"
CHANNELS = [("OUN00001", "en-us,fr-fr"), ("OUN00002", "en-us")]
# ProductNumber, ProductType, MasterProductNumber, Color, Size, Style
PRODUCTS = [("M", "Master", None, None, None, None), ("V1", "Variant", "M", "Black", "32", "Slim"),
            ("V2", "Variant", "M", "Blue", "34", "Slim"), ("V3", "Variant", "M", "Black", "34", "Regular"),
            ("S", "Standalone", None, None, None, None)]
CATEGORIES = ["C1"]
BASE_URL = "https://cms.test/media"


@dataclass(frozen=True)
class S:
    entity: str
    place: str
    items: str = ""
    state: str = "Published"
    catalog: str | None = None


def media_id(name: str) -> str:
    return f"00000000-0000-4000-8000-{int.from_bytes(name.encode(), 'big') % 10**12:012d}"


def media_type(name: str) -> str:
    return "Video" if name.startswith("vid") else "File" if name.startswith("pdf") else "Image"


def entity_type(entity: str) -> tuple[str, str]:
    if entity.count("|") >= 2 and ":" not in entity:
        return "Product|Master|Swatch", "EntityId|SwatchType|SwatchId"
    if "|" in entity:
        return "Product|DimensionMatrix", "EntityId|DimensionMatrix"
    if entity.startswith("C"):
        return "Category", "CategoryID"
    if entity.startswith("V"):
        return "Product|Variant", "EntityId"
    return "Product|Master", "EntityId"


def _place(place: str) -> tuple[str | None, str]:
    channel, locale = place.split("/")
    return channel or None, NEUTRAL if locale == "N" else locale


def set_rows(s: S) -> list[dict[str, str | None]]:
    etype, ekey = entity_type(s.entity)
    channel, locale = _place(s.place)
    base = {"EntityType": etype, "EntityKey": ekey, "EntityKeyValue": s.entity, "EntityChannel": channel,
            "EntityLocale": locale, "CatalogNumber": s.catalog, "EntityAssignmentCurrentPublishState": s.state,
            "EntityVersion": "2" if s.state == "Draft" else "1"}
    if etype == "Product|Master|Swatch":
        return [{**base, "MediaGroup": "Primary", "MediaDisplayOrder": "1", "SwatchGroup": "Color",
                 "SwatchDimension": s.entity.split("|")[2], "SwatchValue": "#000000"}]
    rows, orders = [], {"Primary": 0, "Additional": 0}
    for word in s.items.split():
        group = "Additional" if word.startswith("+") else "Primary"
        name = word.lstrip("+")
        orders[group] += 1
        rows.append({**base, "InternalMediaId": media_id(name), "MediaLocale": NEUTRAL, "MediaType": media_type(name),
                     "MediaDisplayName": name, "MediaGroup": group, "MediaDisplayOrder": str(orders[group]),
                     "MediaPurpose": "Size chart" if group == "Additional" else None,
                     "ImageAltText": f"alt {name}" if media_type(name) == "Image" else None})
    return rows


def _media(names: set[str]) -> pl.DataFrame:
    rows = [{"InternalMediaId": media_id(n), "MediaChannel": None, "MediaLocale": NEUTRAL, "MediaType": media_type(n),
             "MediaVersion": "1", "MediaDisplayName": n, "ImageAltText": f"alt {n}" if media_type(n) == "Image" else None,
             "MediaTitle": n if media_type(n) == "Video" else None, "MediaState": "Published", "MediaPublished": "true",
             "MediaPublishedURL": f"{BASE_URL}/{media_id(n)}/{NEUTRAL}/1"} for n in sorted(names)]
    return pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}) if rows else pl.DataFrame(
        schema={"InternalMediaId": pl.String, "MediaLocale": pl.String, "MediaState": pl.String})


def _write(root: Path, rel: str, frame: pl.DataFrame, kind: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(manifest_bytes(frame, kind))


def write_tenant(root: Path, sets: list[S], *, products: list[tuple] = PRODUCTS,  # type: ignore[type-arg]
                 channels: list[tuple[str, str]] = CHANNELS, tenant_id: str = "t") -> Tenant:
    """A tenant directory ``root/tenants/<tenant_id>`` holding ``sets`` (module doc)."""
    t = root / "tenants" / tenant_id
    rows = [r for s in sets for r in set_rows(s)]
    columns = sorted({k for r in rows for k in r})
    assignments = pl.DataFrame([{c: r.get(c) for c in columns} for r in rows], schema={c: pl.String for c in columns})
    names = {w.lstrip("+") for s in sets for w in s.items.split()}
    _write(t, "cms/assignments.tsv", assignments, "assignments")
    _write(t, "cms/media.tsv", _media(names), "assets")
    _write(t, "hq/products.tsv", pl.DataFrame(products, orient="row", schema={c: pl.String for c in (
        "ProductNumber", "ProductType", "MasterProductNumber", "Color", "Size", "Style")}), "products")
    _write(t, "hq/categories.tsv", pl.DataFrame({"CategoryID": CATEGORIES, "CategoryName": CATEGORIES}), "categories")
    _write(t, "channels.tsv", pl.DataFrame(channels, orient="row", schema={"ChannelId": pl.String, "Locales": pl.String})
           .with_columns(ChannelName=pl.col("ChannelId"), ChannelType=pl.lit("Online"),
                         DefaultLocale=pl.col("Locales").str.split(",").list.first()), "channels")
    _write(t, "settings.tsv", pl.DataFrame({"Name": ["CmsBaseUrl", "CsuMediaLocations", "OmnichannelContent"],
                                            "Value": [BASE_URL, "true", "true"]}), "settings")
    (t / "jobs").mkdir(parents=True, exist_ok=True)
    return Tenant(tenant_id, t)
