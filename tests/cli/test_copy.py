"""``omm copy``: whole outputs (text and JSON), the confirmation, exit codes, the job log."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import FIXTURES, REPO, WORKSPACE, _Main
from toolkit.jobs import read_jobs
from toolkit.validation import validate
from toolkit.workspace import tenant

MAPS = FIXTURES / "manifests"
PLAN = """\
copy contoso-dev → contoso-prod (--on-conflict latest, --versions all)
                 create  replace  keep  drop
assets               22        0     0     0
assignment sets      16        0     0     1
channels: OUN00001 → OUN10001, OUN00002 → (removed), OUN00003 → OUN10002
locales: de-de → (removed), en-us → en-us, fr-fr → fr-fr
binaries: 23 to copy, 0 already in contoso-prod
dropped:
  Category C130 (OUN00002/system_neutral): channel OUN00002 removed
"""
PLAN_JSON = {"assets": {"create": 22, "replace": 0, "keep": 0, "drop": 0},
             "assignment_sets": {"create": 16, "replace": 0, "keep": 0, "drop": 1},
             "channels": {"OUN00001": "OUN10001", "OUN00002": None, "OUN00003": "OUN10002"},
             "locales": {"de-de": None, "en-us": "en-us", "fr-fr": "fr-fr"}}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tmp_path / "ws"


def omm(ws: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """``omm --workspace WS copy --from contoso-dev --to contoso-prod … ARGS`` with the fixture maps."""
    full = ["--workspace", str(ws), "copy", "--from", "contoso-dev", "--to", "contoso-prod", "--on-conflict", "latest",
            "--versions", "all", "--channel-map", str(MAPS / "channel-map-dev-to-prod.tsv"), "--locale-map",
            str(MAPS / "locale-map-dev-to-prod.tsv"), *args]
    with contextlib.chdir(REPO):
        result = CliRunner().invoke(_Main(), full, input=stdin, env={"OMM_WORKSPACE": None},  # type: ignore[arg-type]
                                    catch_exceptions=False, prog_name="omm")
    return result.exit_code, result.stdout, result.stderr


def last_job(ws: Path) -> str:
    return read_jobs(tenant(ws, "contoso-prod"))[-1].job_id


def summary(ws: Path) -> str:
    job = last_job(ws)
    return (f"copied contoso-dev → contoso-prod: job {job} Succeeded — 54 of 55 rows written, 1 skipped, "
            f"23 binaries copied; plan: tenants/contoso-prod/jobs/{job}/plan.tsv\n")


def test_plan_prints_and_saves_the_plan_and_copies_nothing(ws: Path) -> None:
    code, out, err = omm(ws, "--plan")
    job = last_job(ws)
    assert (code, out, err) == (0, PLAN, f"plan saved: tenants/contoso-prod/jobs/{job}/plan.tsv (job {job}); nothing "
                                         "was copied; run the same command without --plan to copy\n")
    code, out, err = omm(ws, "--plan", "--format", "json")
    assert (code, json.loads(out)) == (0, PLAN_JSON)
    assert [j.status for j in read_jobs(tenant(ws, "contoso-prod"))] == ["Succeeded", "Succeeded"]
    assert tenant(ws, "contoso-prod").path("cms/media.tsv").read_bytes() == \
        (WORKSPACE / "tenants/contoso-prod/cms/media.tsv").read_bytes()


def test_yes_copies_as_one_job_then_a_second_copy_finds_nothing_to_do(ws: Path) -> None:
    code, out, err = omm(ws, "--yes")
    assert (code, out, err) == (0, PLAN, summary(ws))
    assert validate([ws / "tenants" / "contoso-prod"]).findings == ()
    code, out, err = omm(ws, "--yes", "--format", "json")
    assert code == 0 and json.loads(out) == {"job": None, "status": "Succeeded",
                                             "rows": {"total": 55, "succeeded": 0, "failed": 0, "skipped": 55},
                                             "result": None}
    assert err.endswith("nothing to copy from contoso-dev to contoso-prod: every asset and set is kept or dropped "
                        "(no job was run)\n")


def test_json_prints_the_job_and_shows_the_plan_on_stderr(ws: Path) -> None:
    code, out, err = omm(ws, "--yes", "--format", "json")
    job = last_job(ws)
    assert (code, json.loads(out)) == (0, {"job": job, "status": "Succeeded",
                                           "rows": {"total": 55, "succeeded": 54, "failed": 0, "skipped": 1},
                                           "result": f"jobs/{job}/plan.tsv"})
    assert err == PLAN + summary(ws)


def test_the_plan_is_confirmed_before_anything_is_copied(ws: Path) -> None:
    code, out, err = omm(ws, stdin="n\n")
    assert (code, out, err) == (1, PLAN, "copy into contoso-prod? [y/N]: n\nnot confirmed; nothing was copied\n")
    assert read_jobs(tenant(ws, "contoso-prod")) == ()
    code, out, err = omm(ws, stdin="y\n")
    assert (code, out, err) == (0, PLAN, "copy into contoso-prod? [y/N]: y\n" + summary(ws))


def test_without_an_answer_nothing_is_copied(ws: Path) -> None:
    code, out, err = omm(ws, stdin="")
    assert (code, out, err) == (2, PLAN, "copy into contoso-prod? [y/N]: \nomm: error: the copy was not confirmed (no "
                                         "answer: standard input is not a terminal); nothing was copied (pass --yes to "
                                         "copy from a script, or --plan to only see the plan)\n")
    assert read_jobs(tenant(ws, "contoso-prod")) == ()


def test_unmapped_values_stop_the_copy_before_it_starts(ws: Path) -> None:
    code, out, err = omm(ws, "--map-channel", "OUN00002=OUN10002", "--map-locale", "de-de=de-at", "--yes")
    assert (code, out) == (2, "")
    assert err == ("omm: error: cannot copy contoso-dev to contoso-prod: channel OUN00002 is mapped twice "
                   f"({MAPS / 'channel-map-dev-to-prod.tsv'} line 3 and --map-channel OUN00002=OUN10002); locale "
                   f"de-de is mapped twice ({MAPS / 'locale-map-dev-to-prod.tsv'} line 2 and --map-locale de-de=de-at);"
                   " nothing was copied (map each source value once with --map-channel/--map-locale "
                   "SOURCE=DESTINATION or --channel-map/--locale-map FILE (SOURCE= leaves it out); targets must be "
                   "in contoso-prod's channels.tsv)\n")
    assert read_jobs(tenant(ws, "contoso-prod")) == ()


def test_usage_errors(ws: Path) -> None:
    assert omm(ws, "--plan", "--yes") == (2, "", "omm: error: --plan and --yes contradict each other (--plan only "
                                                 "looks; --yes copies without asking)\n")
    code, _, err = omm(ws, "--on-conflict", "newest")
    assert code == 2 and "Invalid value for '--on-conflict': 'newest' is not one of 'keep', 'replace', 'latest'" in err
    with contextlib.chdir(REPO):
        result = CliRunner().invoke(_Main(), ["--workspace", str(ws), "copy", "--from", "contoso-dev", "--to",
                                              "contoso-dev", "--on-conflict", "keep", "--versions", "all"])
    assert (result.exit_code, result.stderr) == (2, "omm: error: --from and --to are both contoso-dev (copy between "
                                                    "two different tenants)\n")
