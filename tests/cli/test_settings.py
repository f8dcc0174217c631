"""``omm settings``: show all, show one, set one (checked, warned, locked), JSON equal to ``to_dict()``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.store import tenant_lock
from toolkit.tenants import init_tenant, read_settings
from toolkit.workspace import tenant


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    init_tenant(tmp_path, "shop")
    return tmp_path


def settings(run_cli, ws: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["--workspace", ws, "settings", "--tenant", "shop", *args])


def test_show_all_text_and_json(run_cli, ws: Path) -> None:
    assert settings(run_cli, ws) == (0, "CmsBaseUrl          https://cms.example.com/media\n"
                                        "CsuMediaLocations   true\nOmnichannelContent  true\n", "")
    code, out, _ = settings(run_cli, ws, "--format", "json")
    assert json.loads(out) == read_settings(tenant(ws, "shop")).to_dict() == {
        "tenant": "shop", "settings": {"CmsBaseUrl": "https://cms.example.com/media", "CsuMediaLocations": "true",
                                       "OmnichannelContent": "true"}}


def test_show_one(run_cli, ws: Path) -> None:
    assert settings(run_cli, ws, "CmsBaseUrl") == (0, "https://cms.example.com/media\n", "")
    code, out, _ = settings(run_cli, ws, "OmnichannelContent", "--format", "json")
    assert json.loads(out) == {"tenant": "shop", "name": "OmnichannelContent", "value": "true", "default": False}
    code, out, err = settings(run_cli, ws, "Nope")
    assert (code, out) == (2, "") and "has no setting 'Nope'" in err


def test_set_a_flag(run_cli, ws: Path) -> None:
    assert settings(run_cli, ws, "OmnichannelContent", "off") == (
        0, "", "tenant shop: OmnichannelContent 'true' → 'false'\n")
    assert settings(run_cli, ws, "OmnichannelContent") == (0, "false\n", "")
    assert settings(run_cli, ws, "OmnichannelContent", "no") == (
        0, "", "OmnichannelContent is already 'false' in tenant shop; nothing changed\n")


def test_set_json(run_cli, ws: Path) -> None:
    code, out, err = settings(run_cli, ws, "CmsBaseUrl", "https://cms.contoso.com/media", "--format", "json")
    assert code == 0 and json.loads(out) == {"tenant": "shop", "name": "CmsBaseUrl", "old": "https://cms.example.com/media",
                                             "value": "https://cms.contoso.com/media", "changed": True, "known": True}


def test_unknown_name_is_set_with_a_warning(run_cli, ws: Path) -> None:
    code, out, err = settings(run_cli, ws, "DefaultLocale", "en-us")
    assert (code, out) == (0, "")
    assert err.startswith("warning: DefaultLocale is not a setting omm knows")
    assert read_settings(tenant(ws, "shop")).get("DefaultLocale") == "en-us"
    assert run_cli(["--quiet", "--workspace", ws, "settings", "--tenant", "shop", "X", "1"]) == (0, "", "")


@pytest.mark.parametrize(("name", "value"), [("CsuMediaLocations", "maybe"), ("CmsBaseUrl", "file:///etc/passwd"),
                                             ("bad name", "x")])
def test_bad_values_exit_2_and_change_nothing(run_cli, ws: Path, name: str, value: str) -> None:
    before = (ws / "tenants/shop/settings.tsv").read_bytes()
    code, out, err = settings(run_cli, ws, name, value)
    assert (code, out) == (2, "") and err.startswith("omm: error: ")
    assert (ws / "tenants/shop/settings.tsv").read_bytes() == before


def test_busy_tenant(run_cli, ws: Path) -> None:
    t = tenant(ws, "shop")
    with tenant_lock(t.root, t.id, command="omm import") as holder:
        code, out, err = settings(run_cli, ws, "OmnichannelContent", "false")
        assert (code, out) == (2, "")
        assert err == (f"omm: error: tenant shop is being changed by `omm import` (pid {holder.pid}, user {holder.user}, "
                       f"since {holder.started}); wait for it or pass --wait SECONDS\n")
        code, _, err = settings(run_cli, ws, "OmnichannelContent", "false", "--wait", "0.1")
        assert code == 2 and "still held after waiting 0.1 s" in err
        assert settings(run_cli, ws, "OmnichannelContent") == (0, "true\n", "")  # reading needs no lock


def test_unknown_tenant(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli(["--workspace", tmp_path, "settings", "--tenant", "ghost"])
    assert (code, out) == (2, "") and "no tenant 'ghost'" in err and "omm tenant init ghost" in err
