"""Workspaces and tenants: where things live (SPEC §2) and the rules for tenant ids."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UsageError, WorkspaceError
from toolkit.kinds import KIND_NAMES, default_file

TENANT_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")
# kind → path inside a tenant, for the manifests a tenant has at fixed places (from the kind registry)
TENANT_MANIFESTS: tuple[tuple[str, str], ...] = tuple((k, f) for k in KIND_NAMES if (f := default_file(k)))
REQUIRED_MANIFESTS = ("channels.tsv", "settings.tsv", "cms/media.tsv", "cms/assignments.tsv",
                      "hq/products.tsv", "hq/categories.tsv")
# What ``omm tenant init`` creates (SPEC §2): the input and store manifests, header only, and the
# directories for blobs and history. Sync outputs (hq/media_assignments.tsv, csu/, search/) are
# made by sync, so that their absence means "never synced".
INIT_KINDS = ("channels", "settings", "assets", "assignments", "publish_groups", "products", "categories", "jobs")
INIT_DIRS = ("cms/blobs", "cms/history")
TENANTS_DIR = "tenants"


def resolve_workspace(given: str | os.PathLike[str] | None = None) -> Path:
    """``--workspace``, else ``$OMM_WORKSPACE``, else the current directory."""
    return Path(given or os.environ.get("OMM_WORKSPACE") or Path.cwd()).resolve()


def check_tenant_id(tenant: str) -> str:
    if not TENANT_ID.match(tenant):
        raise UsageError(f"invalid tenant id {tenant!r}",
                         "use 1-64 characters of A-Z a-z 0-9 . _ - not starting with a dot")
    return tenant


@dataclass(frozen=True)
class Tenant:
    """A tenant directory ``tenants/<id>/`` of a workspace."""

    id: str
    root: Path

    def path(self, relative: str) -> Path:
        return self.root / relative

    def manifests(self) -> list[tuple[str, Path]]:
        """(kind, path) of every manifest the tenant holds, CSU outputs included."""
        found = [(k, self.root / rel) for k, rel in TENANT_MANIFESTS if (self.root / rel).is_file()]
        csu = self.root / "csu"
        if csu.is_dir():
            found += [("flattened", p) for p in sorted(csu.glob("*/media_assignments.tsv"))]
        return found


def tenant(workspace: Path, tenant_id: str) -> Tenant:
    """The tenant ``tenant_id`` of a workspace, settled (see :func:`tenant_at`)."""
    root = workspace / "tenants" / check_tenant_id(tenant_id)
    if not root.is_dir():
        raise WorkspaceError(f"no tenant {tenant_id!r} in {workspace}", "create it with: omm tenant init " + tenant_id)
    return _settled(Tenant(tenant_id, root))


def _settled(t: Tenant) -> Tenant:
    # Every command opens its tenants here: a commit a killed writer left half applied is
    # completed before anything is read (toolkit.store.writer.settle).
    from toolkit.store.writer import settle

    settle(t.root)
    return t


def tenant_ids(workspace: Path) -> list[str]:
    """The ids of the tenants of a workspace, sorted. Directories whose name is not a tenant id
    (a dot directory such as an unfinished ``omm tenant init``) are not tenants."""
    root = workspace / TENANTS_DIR
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if d.is_dir() and TENANT_ID.match(d.name))


def looks_like_tenant(path: Path) -> bool:
    return (path / "channels.tsv").is_file() or (path / "cms").is_dir()


def tenant_at(path: Path) -> Tenant:
    """The tenant whose directory is ``path``, settled: no half-applied commit is left to read."""
    return _settled(Tenant(path.resolve().name, path))
