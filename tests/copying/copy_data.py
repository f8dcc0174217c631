"""Small hand-made tenants for the copy tests: a workspace with ``src`` and ``dst``, rows given as dicts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from toolkit.tenants import init_tenant
from toolkit.tsv import manifest_bytes, write_manifest
from toolkit.workspace import Tenant, tenant

ASSET_COLUMNS = ("InternalMediaId", "MediaChannel", "MediaLocale", "MediaType", "MediaVersion", "ImageAltText",
                 "MediaDisplayName", "MediaLastModifiedOn", "MediaPublishedURL", "MediaChecksum", "MediaState",
                 "CheckedOutBy")
SET_COLUMNS = ("InternalMediaId", "MediaLocale", "MediaType", "EntityType", "EntityKeyValue", "EntityLocale",
               "CatalogNumber", "EntityChannel", "EntityAssignmentCurrentPublishState", "MediaGroup",
               "MediaDisplayOrder", "EntityLastModifiedOn", "EntityVersion", "CheckedOutBy", "PublishGroup")
CHANNELS = {"src": [("OUN00001", "en-us", "en-us,fr-fr"), ("OUN00002", "en-us", "en-us")],
            "dst": [("OUN00001", "en-us", "en-us,fr-fr"), ("OUN00009", "en-us", "en-us")]}
BASE_URL = {"src": "https://cms.example.com/media", "dst": "https://cms.example.com/prod"}
T0 = "2025-03-01T10:00:00Z"


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def blob(n: int) -> bytes:
    return f"binary {n}\n".encode()


def checksum(n: int) -> str:
    return hashlib.sha256(blob(n)).hexdigest()


def asset(n: int, *, locale: str = "system_neutral", state: str = "Published", modified: str = T0,
          alt: str | None = None, channel: str = "", version: str = "1", tenant_id: str = "src",
          checked_out: str = "") -> dict[str, str]:
    """Asset ``uid(n)`` (display name "Asset n (locale)", binary ``blob(n)``) as ``tenant_id`` stores it."""
    url = f"{BASE_URL[tenant_id]}/{uid(n)}/{locale}/{version}" if state == "Published" else ""
    return {"InternalMediaId": uid(n), "MediaChannel": channel, "MediaLocale": locale, "MediaType": "Image",
            "MediaVersion": version, "ImageAltText": alt or f"alt {n}", "MediaDisplayName": f"Asset {n} ({locale})",
            "MediaLastModifiedOn": modified, "MediaPublishedURL": url, "MediaChecksum": checksum(n),
            "MediaState": state, "CheckedOutBy": checked_out}


def set_rows(product: str, media: list[int], *, channel: str = "", locale: str = "system_neutral",
             state: str = "Published", modified: str = T0, version: str = "1", media_locale: str = "system_neutral",
             entity_type: str = "Product|Master", checked_out: str = "", group: str = "") -> list[dict[str, str]]:
    """The rows of one assignment set of ``product``: a Primary item per asset, in order."""
    return [{"InternalMediaId": uid(m), "MediaLocale": media_locale, "MediaType": "Image", "EntityType": entity_type,
             "EntityKeyValue": product, "EntityLocale": locale, "CatalogNumber": "", "EntityChannel": channel,
             "EntityAssignmentCurrentPublishState": state, "MediaGroup": "Primary", "MediaDisplayOrder": str(i),
             "EntityLastModifiedOn": modified, "EntityVersion": version, "CheckedOutBy": checked_out,
             "PublishGroup": group}
            for i, m in enumerate(media, 1)]


def frame(rows: list[dict[str, str]], columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], schema={c: pl.String for c in columns})


def media_bytes(rows: list[dict[str, str]]) -> bytes:
    """The canonical cms/media.tsv holding ``rows``."""
    return manifest_bytes(frame(rows, ASSET_COLUMNS).with_columns(pl.col(pl.String).replace("", None)), "assets")


def sets_bytes(rows: list[dict[str, str]]) -> bytes:
    return manifest_bytes(frame(rows, SET_COLUMNS).with_columns(pl.col(pl.String).replace("", None)), "assignments")


def _tenant(ws: Path, tenant_id: str) -> Tenant:
    init_tenant(ws, tenant_id)
    t = tenant(ws, tenant_id)
    channels = pl.DataFrame([{"ChannelId": c, "ChannelName": c, "ChannelType": "Online", "DefaultLocale": d,
                              "Locales": ls} for c, d, ls in CHANNELS[tenant_id]])
    write_manifest(channels, t.path("channels.tsv"), "channels")
    products = pl.DataFrame({"ProductNumber": ["P1", "P2", "P3"], "ProductName": ["One", "Two", "Three"],
                             "ProductType": ["Standalone"] * 3})
    write_manifest(products, t.path("hq/products.tsv"), "products")
    settings = pl.DataFrame({"Name": ["CmsBaseUrl"], "Value": [BASE_URL[tenant_id]]})
    write_manifest(settings, t.path("settings.tsv"), "settings")
    return t


def fill(t: Tenant, media: list[dict[str, str]], sets: list[dict[str, str]], blobs: list[int] = ()) -> None:  # type: ignore[assignment]
    """Write ``t``'s cms/media.tsv and cms/assignments.tsv (and the binaries ``blob(n)`` of ``blobs``)."""
    t.path("cms/media.tsv").write_bytes(media_bytes(media))
    t.path("cms/assignments.tsv").write_bytes(sets_bytes(sets))
    for n in blobs:
        path = t.path(f"cms/blobs/{checksum(n)[:2]}/{checksum(n)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob(n))


def workspace(root: Path) -> tuple[Path, Tenant, Tenant]:
    """A workspace with tenants ``src`` and ``dst`` (channels of CHANNELS, products P1-P3, empty CMS)."""
    ws = root / "ws"
    return ws, _tenant(ws, "src"), _tenant(ws, "dst")


def files(t: Tenant, *, jobs: bool = True) -> dict[str, bytes]:
    """Every file of the tenant (the store's .omm/ aside; jobs/ too unless ``jobs``)."""
    skip = {".omm"} | (set() if jobs else {"jobs"})
    return {p.relative_to(t.root).as_posix(): p.read_bytes() for p in sorted(t.root.rglob("*"))
            if p.is_file() and p.relative_to(t.root).parts[0] not in skip}
