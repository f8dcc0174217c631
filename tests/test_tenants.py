"""Tenants: init (SPEC §2 layout, atomic, valid), list, and settings (checked, locked, journaled)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import WORKSPACE
from toolkit.errors import InputError, TenantBusyError, UsageError, WorkspaceError
from toolkit.kinds import get_kind
from toolkit.store import tenant_lock
from toolkit.tenants import (
    DEFAULT_SETTINGS,
    Settings,
    check_setting,
    get_setting,
    init_tenant,
    list_tenants,
    read_settings,
    set_setting,
)
from toolkit.tsv import manifest_bytes, read_manifest
from toolkit.validation import validate
from toolkit.workspace import INIT_KINDS, tenant

LAYOUT = ["channels.tsv", "cms/assignments.tsv", "cms/blobs/", "cms/history/", "cms/media.tsv",
          "cms/publish_groups.tsv", "hq/categories.tsv", "hq/products.tsv", "jobs/", "jobs/jobs.tsv", "settings.tsv"]


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() + ("/" if p.is_dir() else "") for p in root.rglob("*")
                  if p.relative_to(root).parts[0] != ".omm" and p.name not in ("cms", "hq"))


def test_init_creates_the_layout_with_canonical_header_only_manifests(tmp_path: Path) -> None:
    info = init_tenant(tmp_path, "contoso-dev")
    root = tmp_path / "tenants" / "contoso-dev"
    assert tree(root) == LAYOUT
    assert (info.id, info.path, info.assets, info.assignments) == ("contoso-dev", str(root), 0, 0)
    assert dict(info.flags) == {"OmnichannelContent": True, "CsuMediaLocations": True} and info.problems == ()
    for kind in INIT_KINDS:
        k = get_kind(kind)
        m = read_manifest(root / str(k.file), kind)
        assert m.header == k.column_names  # every column of the kind, in schema order
        assert manifest_bytes(m) == (root / str(k.file)).read_bytes()  # canonical bytes
    assert (root / "settings.tsv").read_text() == ("Name\tValue\nCmsBaseUrl\thttps://cms.example.com/media\n"
                                                    "CsuMediaLocations\ttrue\nOmnichannelContent\ttrue\n")


def test_a_new_tenant_passes_validation(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    report = validate([tmp_path / "tenants" / "t1"])
    assert report.valid, report.findings
    assert validate([tmp_path]).valid  # as part of the workspace, too


def test_default_settings_are_the_schema_defaults() -> None:
    from schemas.settings import DEFAULTS

    assert DEFAULT_SETTINGS == DEFAULTS


def test_init_refuses_an_existing_tenant_and_leaves_it_alone(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    (tmp_path / "tenants/t1/channels.tsv").write_text("mine\n")
    with pytest.raises(WorkspaceError, match="tenant t1 already exists"):
        init_tenant(tmp_path, "t1")
    assert (tmp_path / "tenants/t1/channels.tsv").read_text() == "mine\n"
    assert sorted(p.name for p in (tmp_path / "tenants").iterdir()) == ["t1"]  # no half-built directory left


@pytest.mark.parametrize("bad", [".hidden", "", "a/b", "../x", "x" * 65, "sp ace", "é"])
def test_init_refuses_an_invalid_id(tmp_path: Path, bad: str) -> None:
    with pytest.raises(UsageError, match="invalid tenant id"):
        init_tenant(tmp_path, bad)
    assert not (tmp_path / "tenants").exists()


def test_list_counts_rows_and_reads_flags() -> None:
    infos = {i.id: i for i in list_tenants(WORKSPACE)}
    assert sorted(infos) == ["contoso-dev", "contoso-prod"]
    dev = infos["contoso-dev"]
    assert (dev.assets, dev.assignments) == (23, 32) and len(dev.manifests) == 8
    assert dev.to_dict()["flags"] == {"OmnichannelContent": True, "CsuMediaLocations": True}


def test_list_skips_non_tenants_and_reports_unreadable_manifests(tmp_path: Path) -> None:
    init_tenant(tmp_path, "b")
    init_tenant(tmp_path, "a")
    (tmp_path / "tenants/.init-leftover").mkdir()
    (tmp_path / "tenants/not a tenant").mkdir()
    (tmp_path / "tenants/a/cms/media.tsv").write_bytes(b"InternalMediaId\tMediaLocale\n\"open quote\n")
    (tmp_path / "tenants/a/settings.tsv").write_text("Name\tValue\nOmnichannelContent\tmaybe\n")
    (tmp_path / "tenants/b/cms/assignments.tsv").unlink()
    a, b = list_tenants(tmp_path)
    assert (a.id, a.assets, dict(a.flags)) == ("a", None, {"OmnichannelContent": None, "CsuMediaLocations": True})
    assert [p.split(":")[0] for p in a.problems] == ["cms/media.tsv", "settings.tsv"]
    assert (b.id, b.assignments, "cms/assignments.tsv" in b.manifests) == ("b", None, False)
    assert list_tenants(tmp_path / "nowhere") == ()


@pytest.mark.parametrize(("given", "canonical"), [("true", "true"), ("YES", "true"), ("on", "true"), ("1", "true"),
                                                  ("False", "false"), ("no", "false"), ("OFF", "false"), ("0", "false")])
def test_flags_accept_boolean_spellings_and_write_canonical(given: str, canonical: str) -> None:
    assert check_setting("OmnichannelContent", given) == canonical
    assert check_setting("CsuMediaLocations", given) == canonical


@pytest.mark.parametrize(("name", "value", "message"), [
    ("OmnichannelContent", "maybe", "feature flag"),
    ("CmsBaseUrl", "ftp://cms.example.com", "http"),
    ("CmsBaseUrl", "https://", "http"),
    ("CmsBaseUrl", "https://a b", "http"),
    ("1Name", "x", "invalid setting name"),
    ("Na-me", "x", "invalid setting name"),
    ("Custom", "two\nlines", "control character"),
])
def test_bad_settings_are_refused(name: str, value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_setting(name, value)


def test_set_setting_updates_one_row_and_keeps_everything_else(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    t = tenant(tmp_path, "t1")
    (t.root / "settings.tsv").write_text("Name\tValue\tNote\nCmsBaseUrl\thttps://a.example\tours\nZeta\tz\t\n")
    change = set_setting(t, "OmnichannelContent", "off")
    assert change.to_dict() == {"tenant": "t1", "name": "OmnichannelContent", "old": None, "value": "false",
                                "changed": True, "known": True}
    set_setting(t, "CmsBaseUrl", "https://cms.contoso.com/media")
    assert (t.root / "settings.tsv").read_text() == ("Name\tValue\tNote\nCmsBaseUrl\thttps://cms.contoso.com/media\tours\n"
                                                      "OmnichannelContent\tfalse\t\nZeta\tz\t\n")
    assert read_settings(t).flag("OmnichannelContent") is False


def test_setting_the_same_value_writes_nothing(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    t = tenant(tmp_path, "t1")
    mtime = (t.root / "settings.tsv").stat().st_mtime_ns
    change = set_setting(t, "CsuMediaLocations", "yes")
    assert not change.changed and (t.root / "settings.tsv").stat().st_mtime_ns == mtime


def test_unknown_settings_are_allowed_and_marked(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    t = tenant(tmp_path, "t1")
    assert set_setting(t, "DefaultLocale", "en-us").known is False
    assert get_setting(t, "DefaultLocale").value == "en-us"


def test_get_setting_shows_flag_defaults_and_refuses_unknown_names(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    t = tenant(tmp_path, "t1")
    (t.root / "settings.tsv").write_text("Name\tValue\n")
    assert get_setting(t, "CsuMediaLocations").to_dict() == {"tenant": "t1", "name": "CsuMediaLocations",
                                                             "value": "true", "default": True}
    with pytest.raises(UsageError, match="has no setting 'CmsBaseUrl'"):
        get_setting(t, "CmsBaseUrl")


def test_flag_defaults_on_and_refuses_a_bad_value() -> None:
    assert Settings("t", ()).flag("OmnichannelContent") is True
    with pytest.raises(InputError, match="not true or false"):
        Settings("t", (("CsuMediaLocations", "maybe"),)).flag("CsuMediaLocations")


def test_settings_of_a_tenant_without_settings_file(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    t = tenant(tmp_path, "t1")
    (t.root / "settings.tsv").unlink()
    with pytest.raises(WorkspaceError, match="has no settings.tsv"):
        read_settings(t)
    with pytest.raises(WorkspaceError, match="has no settings.tsv"):
        set_setting(t, "Custom", "x")


def test_set_setting_while_another_writer_holds_the_tenant(tmp_path: Path) -> None:
    init_tenant(tmp_path, "t1")
    t = tenant(tmp_path, "t1")
    with tenant_lock(t.root, t.id, command="omm import"):
        with pytest.raises(TenantBusyError, match="tenant t1 is being changed by `omm import`"):
            set_setting(t, "OmnichannelContent", "false")
    assert read_settings(t).get("OmnichannelContent") == "true"


def test_init_sweeps_builds_abandoned_by_a_killed_init(tmp_path: Path) -> None:
    import os

    tenants = tmp_path / "tenants"
    old, recent = tenants / ".init-old", tenants / ".init-recent"
    for d in (old, recent):
        (d / "cms").mkdir(parents=True)
    os.utime(old, (1, 1))
    init_tenant(tmp_path, "t1")
    assert sorted(p.name for p in tenants.iterdir()) == [".init-recent", "t1"]  # one in progress is left alone
