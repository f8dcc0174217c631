"""``omm checkout|checkin|discard``: whole outputs, exit codes, JSON equal to ``to_dict()``, the job log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import WORKSPACE
from toolkit.jobs import read_jobs
from toolkit.validation import validate
from toolkit.workspace import tenant

C110 = "Category\tC110\tOUN00001/system_neutral\n"
JEANS = ("Product|DimensionMatrix\t93039|Color:Black\tOmnichannel/system_neutral\n"
         "Product|DimensionMatrix\t93039|Color:Blue\tOmnichannel/system_neutral\n"
         "Product|Master\t93039\tOmnichannel/system_neutral\n"
         "Product|Master\t93039\tOUN00001/en-us\n"
         "Product|Master\t93039\tOUN00003/fr-fr\n"
         "Product|Master|Swatch\t93039|Color|Black\tOmnichannel/system_neutral\n"
         "Product|Master|Swatch\t93039|Color|Blue\tOmnichannel/system_neutral\n"
         "Product|Variant\t93039-006\tOmnichannel/system_neutral\n")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tmp_path / "ws"


def omm(run_cli, ws: Path, action: str, entity: str, *args: str) -> tuple[int, str, str]:
    return run_cli(["--workspace", ws, action, entity, "--tenant", "contoso-dev", *args])


def snapshot(ws: Path) -> dict[str, bytes]:
    root = ws / "tenants" / "contoso-dev"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def last_job(ws: Path) -> str:
    return read_jobs(tenant(ws, "contoso-dev"))[-1].job_id


def assert_valid(ws: Path) -> None:
    assert validate([ws / "tenants" / "contoso-dev"]).findings == ()


def test_checkout_checkin_discard_text(run_cli, ws: Path) -> None:
    code, out, err = omm(run_cli, ws, "checkout", "93039", "--user", "bob")
    assert (code, out, err) == (0, JEANS, f"tenant contoso-dev: checked out 93039 for bob: 8 sets, 18 draft rows "
                                          f"(job {last_job(ws)})\n")
    assert_valid(ws)
    assert omm(run_cli, ws, "checkout", "93039", "--user", "bob") == (
        0, JEANS, "93039: all 8 sets are already checked out by bob; nothing changed\n")
    code, out, err = omm(run_cli, ws, "checkin", "93039", "--user", "bob")
    assert (code, out, err) == (0, JEANS, f"tenant contoso-dev: checked in 93039 for bob: 8 sets, 18 draft rows "
                                          f"(job {last_job(ws)})\n")
    assert_valid(ws)
    assert omm(run_cli, ws, "checkin", "93039", "--user", "bob") == (
        0, "", "93039: no draft is checked out by bob; nothing to check in\n")
    assert omm(run_cli, ws, "discard", "93039", "--user", "bob") == (
        0, "", "93039: no draft is checked out by bob; nothing to discard\n")
    omm(run_cli, ws, "checkout", "93039", "--user", "bob")
    code, out, err = omm(run_cli, ws, "discard", "93039", "--user", "bob")
    assert (code, out, err) == (0, JEANS, f"tenant contoso-dev: discarded the drafts of 93039 for bob: 8 sets, "
                                          f"18 draft rows (job {last_job(ws)})\n")
    assert_valid(ws)
    assert (ws / "tenants/contoso-dev/cms/assignments.tsv").read_bytes() == \
        (WORKSPACE / "tenants/contoso-dev/cms/assignments.tsv").read_bytes()


def test_json_equals_to_dict_and_the_job_log_shows_the_job(run_cli, ws: Path) -> None:
    code, out, err = omm(run_cli, ws, "checkout", "category:C110", "--user", "bob", "--format", "json")
    job = last_job(ws)
    assert (code, err) == (0, f"tenant contoso-dev: checked out category:C110 for bob: 1 set, 1 draft row (job {job})\n")
    assert json.loads(out) == {
        "tenant": "contoso-dev", "entity": "category:C110", "action": "checkout", "user": "bob",
        "sets": [{"EntityType": "Category", "EntityKeyValue": "C110", "EntityChannel": "OUN00001",
                  "EntityLocale": "system_neutral", "CatalogNumber": ""}],
        "rows": 1, "job": job}
    code, out, _ = run_cli(["--workspace", ws, "jobs", "show", job, "--tenant", "contoso-dev", "--format", "json"])
    shown = json.loads(out)
    assert (code, shown["JobType"], shown["Status"], shown["CreatedBy"], shown["Name"], shown["Description"]) == (
        0, "Checkout", "Succeeded", "bob", "category:C110", "checkout category:C110 by bob: 1 set, 1 draft row")
    code, out, _ = omm(run_cli, ws, "checkin", "category:C110", "--user", "bob", "--format", "json")
    assert json.loads(out)["job"] == last_job(ws) != job
    code, out, _ = omm(run_cli, ws, "checkin", "category:C110", "--user", "bob", "--format", "json")
    assert (code, json.loads(out)) == (0, {"tenant": "contoso-dev", "entity": "category:C110", "action": "checkin",
                                           "user": "bob", "sets": [], "rows": 0, "job": None})


@pytest.mark.parametrize("action", ["checkout", "checkin", "discard"])
def test_another_user_is_refused_and_the_tenant_is_byte_identical(run_cli, ws: Path, action: str) -> None:
    before = snapshot(ws)
    verb = {"checkout": "checked out", "checkin": "checked in", "discard": "discarded"}[action]
    assert omm(run_cli, ws, action, "81120", "--user", "bob") == (
        2, "", f"omm: error: 81120 in tenant contoso-dev: Product|Master 81120 (Omnichannel/system_neutral) is "
               f"checked out by alice, not bob; nothing was {verb} (alice can release it with: omm checkin 81120 "
               "--tenant contoso-dev --user alice)\n")
    assert snapshot(ws) == before


def test_unknown_entities(run_cli, ws: Path) -> None:
    before = snapshot(ws)
    assert omm(run_cli, ws, "checkout", "4242", "--user", "bob") == (
        2, "", "omm: error: unknown product 4242 in tenant 'contoso-dev' (name products listed in hq/products.tsv)\n")
    assert omm(run_cli, ws, "checkout", "category:C999", "--user", "bob") == (
        2, "", "omm: error: unknown category C999 in tenant 'contoso-dev' (name a CategoryID listed in "
               "hq/categories.tsv)\n")
    assert omm(run_cli, ws, "checkout", "1001", "--user", "bob") == (
        0, "", "1001 has no assignment sets in tenant contoso-dev; nothing to check out (import a manifest to "
               "create its drafts)\n")
    assert snapshot(ws) == before


def test_omnichannel_content_off_refuses(run_cli, ws: Path) -> None:
    assert run_cli(["--workspace", ws, "settings", "--tenant", "contoso-dev", "OmnichannelContent", "false"])[0] == 0
    before = snapshot(ws)
    for action in ("checkout", "checkin", "discard"):
        assert omm(run_cli, ws, action, "93039", "--user", "bob") == (
            2, "", "omm: error: tenant contoso-dev: OmnichannelContent is off, so assignment authoring (import of "
                   "assignments, checkout, checkin, discard, publish) is refused (turn it on with: omm settings --tenant contoso-dev "
                   "OmnichannelContent true)\n")
    assert snapshot(ws) == before
    assert run_cli(["--workspace", ws, "settings", "--tenant", "contoso-dev", "OmnichannelContent", "true"])[0] == 0
    assert omm(run_cli, ws, "checkout", "93039", "--user", "bob")[0] == 0


def test_quiet_and_unknown_tenant(run_cli, ws: Path) -> None:
    assert run_cli(["--workspace", ws, "-q", "checkout", "category:C120", "--tenant", "contoso-dev",
                    "--user", "bob"]) == (0, "Category\tC120\tOUN00001/system_neutral\n", "")
    code, out, err = run_cli(["--workspace", ws, "checkout", "93039", "--tenant", "nope", "--user", "bob"])
    assert (code, out) == (2, "") and "no tenant 'nope'" in err
