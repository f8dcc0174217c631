"""``omm jobs retry``: an import re-run from its saved input, for the rows that did not succeed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import REPO
from toolkit.errors import UsageError
from toolkit.importing.job import ImportOptions, import_manifest
from toolkit.importing.result import ImportResult
from toolkit.importing.retry import retry
from toolkit.jobs import read_jobs
from toolkit.tsv import read_manifest
from toolkit.workspace import Tenant, tenant

ASSETS = REPO / "fixtures/manifests/import-assets.tsv"
ASSIGNMENTS = REPO / "fixtures/manifests/import-assignments.tsv"
MISSING = "images/belt-detail.png"  # the second row of import-assets.tsv


class Env:
    """A workspace and a media directory, both copies of the fixtures."""

    def __init__(self, tmp_path: Path) -> None:
        self.ws = tmp_path / "ws"
        self.media = tmp_path / "media"
        shutil.copytree(REPO / "fixtures/workspace", self.ws)
        shutil.copytree(REPO / "fixtures/media", self.media)
        self.t: Tenant = tenant(self.ws, "contoso-dev")
        self.aside = tmp_path / "aside.png"

    def hide(self) -> None:
        (self.media / MISSING).rename(self.aside)

    def restore(self) -> None:
        self.aside.rename(self.media / MISSING)

    def import_assets(self) -> ImportResult:
        return import_manifest(self.t, ASSETS, ImportOptions(user="bob", media_dir=str(self.media)))

    def result(self, res: ImportResult) -> pl.DataFrame:
        assert res.result is not None
        return read_manifest(self.t.path(res.result)).frame

    def media_rows(self) -> pl.DataFrame:
        return read_manifest(self.t.path("cms/media.tsv"), "assets").frame

    def job(self, job_id: str) -> dict[str, object]:
        return next(j.to_dict() for j in read_jobs(self.t) if j.job_id == job_id)

    def interrupt(self, job_id: str) -> None:
        """Make ``job_id`` look like a job whose process died: InProgress, no result manifest."""
        log = self.t.path("jobs/jobs.tsv")
        frame = read_manifest(log, "jobs").frame.with_columns(
            pl.when(pl.col("JobId") == job_id).then(pl.lit("InProgress")).otherwise(pl.col("Status")).alias("Status"))
        from toolkit.tsv import manifest_bytes

        log.write_bytes(manifest_bytes(frame, "jobs"))
        self.t.path(f"jobs/{job_id}/result.tsv").unlink()
        assert self.job(job_id)["Status"] == "Interrupted"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


def test_retry_imports_only_the_failed_row(env: Env) -> None:
    env.hide()
    first = env.import_assets()
    assert (first.status, first.rows.succeeded, first.rows.failed) == ("CompletedWithErrors", 3, 1)
    assert env.result(first)["ErrorCode"].to_list() == [None, "FileNotFound", None, None]
    env.restore()
    again = retry(env.ws, first.job)
    assert again.job != first.job
    assert (again.status, again.rows.total, again.rows.succeeded) == ("Succeeded", 1, 1)
    assert env.job(again.job)["Name"] == f"retry of {first.job}"
    out = env.result(again)
    assert out["MediaDisplayName"].to_list() == ["Belt buckle detail"]
    assert out["InternalMediaId"][0] is not None
    media = env.media_rows()
    new = ["Belt brown front", "Belt buckle detail", "T-shirt red back", "Category banner tops"]
    names = media.filter(pl.col("MediaDisplayName").is_in(new))
    assert names.height == 4 and names["MediaDisplayName"].n_unique() == 4  # nothing duplicated
    assert media.filter(pl.col("MediaDisplayName") == "Belt buckle detail")["InternalMediaId"][0] == \
        out["InternalMediaId"][0]
    # The first job keeps its own record; retrying it again creates nothing either.
    assert env.job(first.job)["Status"] == "CompletedWithErrors"
    media_bytes = env.t.path("cms/media.tsv").read_bytes()
    twice = retry(env.ws, first.job)
    assert twice.rows.succeeded == 0
    assert env.t.path("cms/media.tsv").read_bytes() == media_bytes


def test_retry_of_a_succeeded_job_is_a_usage_error(env: Env) -> None:
    first = env.import_assets()
    assert first.status == "Succeeded"
    jobs = env.t.path("jobs/jobs.tsv").read_bytes()
    with pytest.raises(UsageError, match="Succeeded"):
        retry(env.ws, first.job)
    assert env.t.path("jobs/jobs.tsv").read_bytes() == jobs


def test_retry_of_an_unknown_job_is_a_usage_error(env: Env) -> None:
    with pytest.raises(UsageError, match="no job"):
        retry(env.ws, "20250101T000000.000000Z-000000")


def test_retry_of_an_interrupted_job_reimports_its_whole_input(env: Env) -> None:
    first = import_manifest(env.t, ASSIGNMENTS, ImportOptions(user="bob"))
    assert (first.status, first.rows.succeeded) == ("Succeeded", 6)
    env.interrupt(first.job)
    store = env.t.path("cms/assignments.tsv").read_bytes()
    again = retry(env.ws, first.job, "contoso-dev")
    assert (again.status, again.rows.total, again.rows.skipped) == ("Succeeded", 6, 6)
    assert env.t.path("cms/assignments.tsv").read_bytes() == store  # the sets already hold these rows
    assert env.job(first.job)["Status"] == "Interrupted"
    assert env.job(again.job)["Name"] == f"retry of {first.job}"


def test_retry_of_an_interrupted_asset_import_creates_nothing_twice(env: Env) -> None:
    first = env.import_assets()
    env.interrupt(first.job)
    media = env.t.path("cms/media.tsv").read_bytes()
    again = retry(env.ws, first.job)
    assert again.rows.total == 4 and again.rows.succeeded == 0
    assert env.t.path("cms/media.tsv").read_bytes() == media
    saved = env.t.path(f"jobs/{again.job}/input.tsv").read_bytes()
    assert saved == env.t.path(f"jobs/{first.job}/input.tsv").read_bytes() == ASSETS.read_bytes()


def test_cli_retry_exits_3_when_rows_fail_again(env: Env, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    env.hide()
    first = env.import_assets()
    code, out, err = run_cli(["--workspace", str(env.ws), "jobs", "retry", first.job, "--format", "json"])
    assert code == 3, err
    doc = json.loads(out)
    assert doc["status"] == "Failed"
    assert doc["rows"] == {"total": 1, "succeeded": 0, "failed": 1, "skipped": 0}
    assert doc["job"] != first.job and doc["result"].endswith("result.tsv")
    env.restore()
    code, out, err = run_cli(["--workspace", str(env.ws), "jobs", "retry", doc["job"], "--tenant", "contoso-dev",
                              "--format", "json"])
    assert code == 0, err
    assert json.loads(out)["rows"]["succeeded"] == 1
    code, out, err = run_cli(["--workspace", str(env.ws), "jobs", "retry", first.job.replace("Z", "X")])
    assert code == 2 and "no job" in err


@pytest.mark.parametrize("how", ["file name", "--kind"])
def test_retry_imports_the_kind_the_job_imported(env: Env, tmp_path: Path, how: str) -> None:
    # An extension column ProductNumber makes the header look like default_images: the kind came
    # from the file's name (media.tsv is the assets file) or from --kind.
    text = ASSETS.read_text(encoding="utf-8").splitlines()
    path = tmp_path / ("media.tsv" if how == "file name" else "tagged.tsv")
    path.write_text("\n".join([text[0] + "\tProductNumber", *(line + "\t1001" for line in text[1:])]) + "\n",
                    encoding="utf-8")
    env.hide()
    kind = "assets" if how == "--kind" else None
    first = import_manifest(env.t, path, ImportOptions(user="bob", media_dir=str(env.media), kind=kind))
    assert (first.kind, first.rows.failed) == ("assets", 1)
    env.restore()
    again = retry(env.ws, first.job)
    assert (again.kind, again.status, again.rows.total) == ("assets", "Succeeded", 1)
    assert env.result(again)["ProductNumber"].to_list() == ["1001"]
    env.interrupt(again.job)  # and a retry of the retry, from its whole input
    assert retry(env.ws, again.job).kind == "assets"
