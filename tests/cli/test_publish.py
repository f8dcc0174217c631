"""``omm publish``: whole outputs (exit code, stdout, stderr), JSON equal to ``to_dict()``, --plan,
--no-sync and the ``_after_publish`` hook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.publishing.data import URL, WHITE_BACK, copy_workspace, draft, last_job, release, snapshot
from toolkit.workspace import Tenant, tenant

JEANS = ("publish\tProduct|DimensionMatrix\t93039|Color:Black\tOmnichannel/system_neutral\tversion 1\n"
         "publish\tProduct|DimensionMatrix\t93039|Color:Blue\tOmnichannel/system_neutral\tversion 1\n"
         "publish\tProduct|Master\t93039\tOmnichannel/system_neutral\tversion 2\n"
         "publish\tProduct|Master\t93039\tOUN00001/en-us\tversion 1\n"
         "publish\tProduct|Master\t93039\tOUN00003/fr-fr\tversion 1\n"
         "publish\tProduct|Master|Swatch\t93039|Color|Black\tOmnichannel/system_neutral\tversion 1\n"
         "publish\tProduct|Master|Swatch\t93039|Color|Blue\tOmnichannel/system_neutral\tversion 1\n"
         "publish\tProduct|Variant\t93039-006\tOmnichannel/system_neutral\tversion 1\n")
ALICE = "skip\tProduct|Master\t81120\tOmnichannel/system_neutral\tversion 3\tCheckedOut: checked out by alice\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path)


@pytest.fixture
def t(ws: Path) -> Tenant:
    return tenant(ws, "contoso-dev")


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """The calls of the after-publish hook (where the lead wires sync)."""
    from toolkit.cli import publishing

    calls: list[tuple[str, float]] = []
    monkeypatch.setattr(publishing, "_after_publish", lambda t, wait: calls.append((t.id, wait)))
    return calls


def omm(run_cli, ws: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["--workspace", ws, "publish", "--tenant", "contoso-dev", *args])


def test_publish_a_product(run_cli, ws: Path, t: Tenant, synced: list[tuple[str, float]]) -> None:
    draft(t, "93039")
    code, out, err = omm(run_cli, ws, "--product", "93039", "--user", "bob", "--wait", "5")
    job = last_job(t)
    assert (code, out, err) == (0, JEANS, f"tenant contoso-dev (93039): published 8 sets (18 rows) (job {job} "
                                          f"Succeeded)\nresult manifest: tenants/contoso-dev/jobs/{job}/result.tsv\n")
    assert synced == [("contoso-dev", 5.0)]
    before = snapshot(t)
    assert omm(run_cli, ws, "--product", "93039") == (0, "", "tenant contoso-dev: nothing to publish: 93039 has no "
                                                              "drafts\n")
    assert snapshot(t) == before
    assert synced == [("contoso-dev", 5.0)]  # no job, no sync


def test_all_lists_what_it_skips(run_cli, ws: Path, t: Tenant, synced: list[tuple[str, float]]) -> None:
    draft(t, "category:C110")
    code, out, err = omm(run_cli, ws, "--all", "--no-sync")
    job = last_job(t)
    assert (code, out) == (0, "publish\tCategory\tC110\tOUN00001/system_neutral\tversion 1\n" + ALICE)
    assert err == (f"tenant contoso-dev (all drafts): published 1 set (1 row), skipped 1 set (checked out, or "
                   f"scheduled in a group) (job {job} Succeeded)\nresult manifest: tenants/contoso-dev/jobs/{job}/"
                   "result.tsv\n")
    assert synced == []
    assert omm(run_cli, ws, "--all") == (0, ALICE, "tenant contoso-dev: nothing to publish: every draft is skipped (1 "
                                                   "set): Product|Master 81120 (Omnichannel/system_neutral): checked "
                                                   "out by alice\n")


def test_dependencies_json_and_plan(run_cli, ws: Path, t: Tenant, synced: list[tuple[str, float]]) -> None:
    release(t)
    before = snapshot(t)
    assert omm(run_cli, ws, "--product", "81120") == (
        2, "", f"omm: error: 81120 in tenant contoso-dev: 1 set uses unpublished media {WHITE_BACK} (Product|Master "
               "81120 (Omnichannel/system_neutral)); nothing was published (add --publish-dependencies to publish "
               "those assets in the same job)\n")
    url = f"{URL}/{WHITE_BACK}/system_neutral/1"
    lines = (f"publish\tProduct|Master\t81120\tOmnichannel/system_neutral\tversion 3\n"
             f"media\t{WHITE_BACK}\tsystem_neutral\tversion 1\t{url}\n")
    assert omm(run_cli, ws, "--product", "81120", "--publish-dependencies", "--plan") == (
        0, lines, "plan for tenant contoso-dev (81120): would publish 1 set (3 rows) and 1 asset row; nothing changed "
                  "(run without --plan to publish)\n")
    assert snapshot(t) == before and synced == []
    code, out, err = omm(run_cli, ws, "--product", "81120", "--publish-dependencies", "--format", "json", "--user", "al")
    job = last_job(t)
    assert (code, err.splitlines()[0]) == (0, f"tenant contoso-dev (81120): published 1 set (3 rows) and 1 asset row "
                                              f"(job {job} Succeeded)")
    assert json.loads(out) == {
        "job": job, "status": "Succeeded", "rows": {"total": 3, "succeeded": 3, "failed": 0, "skipped": 0},
        "result": f"jobs/{job}/result.tsv", "tenant": "contoso-dev", "selection": "81120", "planned": False,
        "published": [{"EntityType": "Product|Master", "EntityKeyValue": "81120", "EntityChannel": "",
                       "EntityLocale": "system_neutral", "CatalogNumber": "", "EntityVersion": "3", "rows": 3,
                       "PublishGroup": "spring-2025"}],
        "skipped": [], "failed": [],
        "media": [{"InternalMediaId": WHITE_BACK, "MediaLocale": "system_neutral", "MediaVersion": "1",
                   "MediaPublishedURL": url}],
        "groups": []}
    assert synced == [("contoso-dev", 0.0)]


def test_refusals(run_cli, ws: Path, t: Tenant) -> None:
    from toolkit.tenants import set_setting

    assert omm(run_cli, ws, "--product", "81120") == (
        2, "", "omm: error: 81120 in tenant contoso-dev: nothing can be published: 1 draft set is skipped: "
               "Product|Master 81120 (Omnichannel/system_neutral): checked out by alice (check the drafts in first "
               "(omm checkin ENTITY --tenant contoso-dev --user USER))\n")
    assert omm(run_cli, ws) == (2, "", "omm: error: choose what to publish: --product/--category, --group or --all (one "
                                       "of the three) (e.g. omm publish --tenant contoso-dev --product 93039)\n")
    assert omm(run_cli, ws, "--group", "nope") == (
        2, "", "omm: error: no publish group 'nope' in tenant contoso-dev (create it with: omm group create nope "
               "--tenant contoso-dev (omm group list shows the groups))\n")
    set_setting(t, "OmnichannelContent", "false")
    assert omm(run_cli, ws, "--all", "--plan") == (
        2, "", "omm: error: tenant contoso-dev: OmnichannelContent is off, so assignment authoring (publish) is refused "
               "(turn it on with: omm settings --tenant contoso-dev OmnichannelContent true)\n")
