"""Tenants of a workspace (SPEC §2, §6): create one, list them, show and change their settings.

``init_tenant`` builds the whole tenant in a hidden directory beside the others and makes it
appear with one rename, so a tenant is either absent or complete. ``set_setting`` changes
``settings.tsv`` through :func:`toolkit.store.tenant_writer` (lock + journal), like every job.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from toolkit.errors import InputError, OmmError, UsageError, WorkspaceError
from toolkit.kinds import default_file, get_kind
from toolkit.store import Transaction, tenant_writer
from toolkit.store.paths import fsync_dir
from toolkit.workspace import (
    INIT_DIRS,
    INIT_KINDS,
    TENANT_MANIFESTS,
    TENANTS_DIR,
    Tenant,
    check_tenant_id,
    tenant_ids,
)

if TYPE_CHECKING:
    import polars as pl

FLAGS = ("OmnichannelContent", "CsuMediaLocations")
# What a new tenant gets. CmsBaseUrl is a placeholder in the reserved example.com domain (the same
# default schemas/settings.py documents): publish builds MediaPublishedURL from it, so set the real
# one with `omm settings --tenant T CmsBaseUrl https://…`. Both flags on, as SPEC §6 says.
DEFAULT_SETTINGS: dict[str, str] = {"CmsBaseUrl": "https://cms.example.com/media",
                                    "CsuMediaLocations": "true", "OmnichannelContent": "true"}
KNOWN_SETTINGS = ("CmsBaseUrl", *FLAGS)
BUILD_PREFIX = ".init-"
STALE_BUILD_SECONDS = 3600
_TRUE = frozenset({"true", "yes", "on", "1", "y"})
_FALSE = frozenset({"false", "no", "off", "0", "n"})
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")


@dataclass(frozen=True)
class TenantInfo:
    """One tenant as ``omm tenant list`` shows it; ``to_dict`` is its JSON object."""

    id: str
    path: str
    manifests: tuple[str, ...]  # paths relative to the tenant, of the manifests it holds
    assets: int | None  # rows of cms/media.tsv (None: absent or unreadable)
    assignments: int | None  # rows of cms/assignments.tsv
    flags: tuple[tuple[str, bool | None], ...]  # OmnichannelContent, CsuMediaLocations (None: unreadable)
    problems: tuple[str, ...] = ()  # manifests that could not be read, with why

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "path": self.path, "manifests": list(self.manifests), "assets": self.assets,
                "assignments": self.assignments, "flags": dict(self.flags), "problems": list(self.problems)}


@dataclass(frozen=True)
class Settings:
    """A tenant's settings as ``settings.tsv`` holds them (Name → Value, in file order)."""

    tenant: str
    values: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        return next((v for n, v in self.values if n == name), None)

    def flag(self, name: str) -> bool:
        """A feature flag's value. A flag the file does not set has its default (on: SPEC §6 makes
        new tenants with both on, and a tenant made by hand should not silently lose features)."""
        value = self.get(name)
        if value is None:
            return DEFAULT_SETTINGS[name] == "true"
        parsed = parse_bool(value)
        if parsed is None:
            raise InputError(f"tenant {self.tenant}: setting {name} is {value!r}, not true or false",
                             f"fix it with: omm settings --tenant {self.tenant} {name} true", rule="flag_is_boolean")
        return parsed

    def to_dict(self) -> dict[str, object]:
        return {"tenant": self.tenant, "settings": dict(self.values)}


@dataclass(frozen=True)
class SettingValue:
    """One setting's value; ``default`` when the file does not set it and a known default applies."""

    tenant: str
    name: str
    value: str
    default: bool

    def to_dict(self) -> dict[str, object]:
        return {"tenant": self.tenant, "name": self.name, "value": self.value, "default": self.default}


@dataclass(frozen=True)
class SettingChange:
    """What ``set_setting`` did; ``known`` is False for a name omm does not know (allowed, warned)."""

    tenant: str
    name: str
    old: str | None
    value: str
    known: bool

    @property
    def changed(self) -> bool:
        return self.old != self.value

    def to_dict(self) -> dict[str, object]:
        return {"tenant": self.tenant, "name": self.name, "old": self.old, "value": self.value,
                "changed": self.changed, "known": self.known}


# -- init ------------------------------------------------------------------------------------------

def _empty_manifest(kind: str) -> bytes:
    import polars as pl

    from toolkit.tsv import manifest_bytes

    k = get_kind(kind)
    if kind == "settings":
        names = sorted(DEFAULT_SETTINGS)
        frame = pl.DataFrame({"Name": names, "Value": [DEFAULT_SETTINGS[n] for n in names]})
    else:
        frame = pl.DataFrame(schema={c: pl.String for c in k.column_names})
    return manifest_bytes(frame, k)


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _build(build: Path) -> None:
    for kind in INIT_KINDS:
        _write_durably(build / str(default_file(kind)), _empty_manifest(kind))
    for rel in INIT_DIRS:
        (build / rel).mkdir(parents=True, exist_ok=True)
    for d in sorted({p for p in build.rglob("*") if p.is_dir()} | {build}, reverse=True):
        fsync_dir(d)
    os.chmod(build, 0o777 & ~_umask())  # mkdtemp makes 0700; a tenant is an ordinary directory


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sweep_stale_builds(tenants: Path) -> None:
    # An init killed mid-build leaves its hidden directory; an init takes milliseconds, so one an
    # hour old is abandoned (age, not pid: a workspace may be shared by several hosts).
    cutoff = time.time() - STALE_BUILD_SECONDS
    for d in tenants.glob(BUILD_PREFIX + "*"):
        try:
            if d.is_dir() and not d.is_symlink() and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


def init_tenant(workspace: Path, tenant_id: str) -> TenantInfo:
    """Create ``tenants/<tenant_id>/`` with the layout of SPEC §2: header-only manifests (settings
    with their defaults), ``cms/blobs/`` and ``cms/history/``. Atomic: built in a hidden directory
    inside ``tenants/``, then renamed into place. Refuses an invalid id or an existing tenant."""
    check_tenant_id(tenant_id)
    tenants = workspace / TENANTS_DIR
    final = tenants / tenant_id
    if final.exists() or final.is_symlink():
        raise WorkspaceError(f"tenant {tenant_id} already exists in {workspace}",
                             "choose another name; omm tenant list shows the tenants")
    tenants.mkdir(parents=True, exist_ok=True)
    _sweep_stale_builds(tenants)
    build = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=tenants))  # a dot name is never a tenant id
    try:
        _build(build)
        try:
            os.rename(build, final)  # fails when a tenant of that name appeared meanwhile (not empty)
        except OSError as exc:
            raise WorkspaceError(f"tenant {tenant_id} already exists in {workspace}",
                                 "choose another name; omm tenant list shows the tenants") from exc
        fsync_dir(tenants)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return describe_tenant(Tenant(tenant_id, final))


# -- list ------------------------------------------------------------------------------------------

def _row_count(path: Path, problems: list[str], rel: str) -> int | None:
    from toolkit.tsv import read_manifest

    if not path.is_file():
        return None
    try:
        return read_manifest(path, canonical=()).frame.height  # no canonical spelling: only rows count
    except OmmError as exc:
        problems.append(f"{rel}: {exc}")
        return None


def describe_tenant(t: Tenant) -> TenantInfo:
    """Manifests present, asset and assignment row counts and feature flags of one tenant."""
    problems: list[str] = []
    manifests = tuple(rel for _, rel in TENANT_MANIFESTS if (t.root / rel).is_file())
    manifests += tuple(str(p.relative_to(t.root)) for kind, p in t.manifests() if kind == "flattened"
                       and str(p.relative_to(t.root)) not in manifests)
    assets = _row_count(t.root / "cms/media.tsv", problems, "cms/media.tsv")
    assignments = _row_count(t.root / "cms/assignments.tsv", problems, "cms/assignments.tsv")
    flags: list[tuple[str, bool | None]] = []
    try:
        settings = read_settings(t)
    except OmmError as exc:
        problems.append(f"settings.tsv: {exc}")
        settings = None
    for name in FLAGS:
        try:
            flags.append((name, settings.flag(name) if settings else None))
        except OmmError as exc:
            problems.append(f"settings.tsv: {exc}")
            flags.append((name, None))
    return TenantInfo(t.id, str(t.root), manifests, assets, assignments, tuple(flags), tuple(problems))


def list_tenants(workspace: Path) -> tuple[TenantInfo, ...]:
    """Every tenant of the workspace, sorted by id."""
    return tuple(describe_tenant(Tenant(i, workspace / TENANTS_DIR / i)) for i in tenant_ids(workspace))


# -- settings --------------------------------------------------------------------------------------

def parse_bool(value: str) -> bool | None:
    v = value.strip().lower()
    return True if v in _TRUE else False if v in _FALSE else None


def check_setting(name: str, value: str) -> str:
    """The canonical spelling of ``value`` for setting ``name``; raises :class:`UsageError` for a
    bad name, a flag that is not a boolean, or a CmsBaseUrl that is not an http(s) URL."""
    if not name or not name[0].isalpha() or not set(name) <= _NAME_CHARS:
        raise UsageError(f"invalid setting name {name!r}", "use letters, digits, _ and ., starting with a letter")
    if any(ord(c) < 32 for c in value):
        raise UsageError(f"setting {name}: the value holds a tab, newline or other control character",
                         "give a single-line value")
    if name in FLAGS:
        parsed = parse_bool(value)
        if parsed is None:
            raise UsageError(f"setting {name} is a feature flag, not {value!r}",
                             "give true or false (yes/no, on/off and 1/0 are accepted too)")
        return "true" if parsed else "false"
    if name == "CmsBaseUrl":
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
            raise UsageError(f"CmsBaseUrl must be an http(s) URL, not {value!r}",
                             "for example https://cms.contoso.com/media")
        return value.strip()
    return value


def _settings_path(t: Tenant) -> Path:
    path = t.root / "settings.tsv"
    if not path.is_file():
        raise WorkspaceError(f"tenant {t.id} has no settings.tsv",
                             "restore it from version control, or create the tenant again with omm tenant init")
    return path


def _settings_frame(t: Tenant) -> pl.DataFrame:
    from toolkit.tsv import read_manifest

    return read_manifest(_settings_path(t), kind="settings").frame


def read_settings(t: Tenant) -> Settings:
    frame = _settings_frame(t)
    values = tuple((n, v or "") for n, v in zip(frame.get_column("Name").to_list(),
                                               frame.get_column("Value").to_list(), strict=True) if n)
    return Settings(t.id, values)


def get_setting(t: Tenant, name: str) -> SettingValue:
    """One setting; a known setting the file lacks shows its default, an unknown one is an error."""
    value = read_settings(t).get(name)
    if value is not None:
        return SettingValue(t.id, name, value, False)
    if name in FLAGS:  # only flags have a default that applies when unset (Settings.flag)
        return SettingValue(t.id, name, DEFAULT_SETTINGS[name], True)
    raise UsageError(f"tenant {t.id} has no setting {name!r}", f"set it with: omm settings --tenant {t.id} {name} VALUE")


def stage_setting(txn: Transaction, t: Tenant, name: str, value: str) -> SettingChange:
    """Stage ``settings.tsv`` with ``name`` set to ``value`` (already checked) in ``txn``. Read
    inside the writer lock, so a concurrent change is never overwritten. Unknown columns and other
    rows are kept; nothing is staged when the value is already there."""
    import polars as pl

    from toolkit.tsv import manifest_bytes

    frame = _settings_frame(t)
    names = frame.get_column("Name")
    old = next((v or "" for n, v in zip(names.to_list(), frame.get_column("Value").to_list(), strict=True)
                if n == name), None)
    change = SettingChange(t.id, name, old, value, name in KNOWN_SETTINGS)
    if not change.changed:
        return change
    if old is None:
        frame = pl.concat([frame, pl.DataFrame({"Name": [name], "Value": [value]})], how="diagonal")
    else:
        frame = frame.with_columns(pl.when(names == name).then(pl.lit(value)).otherwise(pl.col("Value")).alias("Value"))
    txn.write_bytes("settings.tsv", manifest_bytes(frame, "settings"))
    return change


def set_setting(t: Tenant, name: str, value: str, *, wait: float = 0,
                command: str = "omm settings") -> SettingChange:
    """Set one setting through the tenant's writer lock and journal (SPEC §7)."""
    canonical = check_setting(name, value)
    with tenant_writer(t, wait=wait, command=command) as txn:
        change = stage_setting(txn, t, name, canonical)
    return change
