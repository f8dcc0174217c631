"""What an import reads of its tenant (under the writer lock): the store and the catalog."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.errors import WorkspaceError
from toolkit.kinds import default_file, get_kind
from toolkit.tsv import Manifest, read_manifest
from toolkit.workspace import Tenant

CONTEXT_KINDS = ("channels", "products", "categories", "assets", "assignments", "publish_groups")


@dataclass(frozen=True)
class TenantData:
    """The tenant's manifests by kind (missing optional ones are absent) and its settings."""

    tenant: Tenant
    manifests: dict[str, Manifest]
    cms_base_url: str | None

    def frame(self, kind: str) -> pl.DataFrame:
        """The manifest of ``kind`` with every schema column present (empty when the file is missing)."""
        k = get_kind(kind)
        m = self.manifests.get(kind)
        frame = m.frame if m is not None else pl.DataFrame(schema={c: pl.String for c in k.column_names})
        missing = [c for c in k.column_names if c not in frame.columns]
        return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing) if missing else frame


def read_tenant(t: Tenant, kinds: tuple[str, ...] = CONTEXT_KINDS) -> TenantData:
    from toolkit.tenants import read_settings

    manifests: dict[str, Manifest] = {}
    for kind in kinds:
        rel = default_file(kind)
        assert rel is not None
        path = t.path(rel)
        if path.is_file():
            manifests[kind] = read_manifest(path, kind)
        elif kind in ("assets", "assignments", "channels"):
            raise WorkspaceError(f"tenant {t.id!r} has no {rel}", f"recreate it with omm tenant init {t.id} "
                                 "in a new workspace, or restore the file")
    base = read_settings(t).get("CmsBaseUrl")
    return TenantData(t, manifests, base.rstrip("/") if base else None)
