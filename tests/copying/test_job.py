"""``toolkit.copying.job`` on the fixture tenants: contoso-dev → contoso-prod with the two map files.

The copy validates clean, gives the same tenant under every policy when prod is empty, is
idempotent (a second copy runs no job and changes no byte), saves a plan-only job with ``--plan``,
refuses a confirmed plan the destination outgrew, and after it a diff of the two tenants' cms
manifests (the source mapped) shows only what the conflict policy kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from tests.copying.copy_data import files
from tests.helpers import FIXTURES, GOLDEN, WORKSPACE
from toolkit.copying import CopyOptions, CopyPlan, plan_copy, run_copy, save_plan
from toolkit.delta import diff
from toolkit.errors import InputError, UsageError
from toolkit.jobs import read_jobs
from toolkit.tsv import manifest_bytes, read_manifest, write_manifest
from toolkit.validation import validate
from toolkit.workspace import Tenant, tenant

MAPS = FIXTURES / "manifests"


def opts(policy: str = "latest", versions: str = "published") -> CopyOptions:
    return CopyOptions("contoso-dev", "contoso-prod", policy, versions,
                       channel_maps=(str(MAPS / "channel-map-dev-to-prod.tsv"),),
                       locale_maps=(str(MAPS / "locale-map-dev-to-prod.tsv"),))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(WORKSPACE, tmp_path / "ws")
    return tmp_path / "ws"


def prod(ws: Path) -> Tenant:
    return tenant(ws, "contoso-prod")


@pytest.mark.parametrize("versions", ["published", "all"])
def test_into_the_empty_prod_every_policy_gives_the_same_valid_tenant(ws: Path, tmp_path: Path, versions: str) -> None:
    results = {}
    for policy in ("keep", "replace", "latest"):
        copy = tmp_path / policy
        shutil.copytree(ws, copy)
        result = run_copy(copy, opts(policy, versions))
        assert result.plan.to_dict() == {
            "assets": {"create": 21 if versions == "published" else 22, "replace": 0, "keep": 0, "drop": 0},
            "assignment_sets": {"create": 16, "replace": 0, "keep": 0, "drop": 1},
            "channels": {"OUN00001": "OUN10001", "OUN00002": None, "OUN00003": "OUN10002"},
            "locales": {"de-de": None, "en-us": "en-us", "fr-fr": "fr-fr"}}
        assert validate([copy / "tenants" / "contoso-prod"]).findings == ()
        results[policy] = files(prod(copy), jobs=False)
    assert results["keep"] == results["replace"] == results["latest"]
    blobs = [p for p in results["keep"] if p.startswith("cms/blobs/")]
    assert len(blobs) == (21 if versions == "published" else 23)  # the draft-only asset and the retouched draft


def test_copying_twice_changes_no_byte(ws: Path) -> None:
    first = run_copy(ws, opts("replace", "all"))
    assert first.job is not None
    before = files(prod(ws))
    second = run_copy(ws, opts("replace", "all"))
    assert second.to_dict() == {"job": None, "status": "Succeeded",
                                "rows": {"total": 55, "succeeded": 0, "failed": 0, "skipped": 55}, "result": None}
    assert second.plan.to_dict()["assets"] == {"create": 0, "replace": 0, "keep": 22, "drop": 0}
    assert files(prod(ws)) == before
    assert [j.status for j in read_jobs(prod(ws))] == ["Succeeded"]


def test_the_job_is_recorded_in_the_destination_with_its_plan(ws: Path, golden) -> None:  # type: ignore[no-untyped-def]
    result = run_copy(ws, opts("latest", "all"))
    (job,) = read_jobs(prod(ws))
    assert job.to_dict() | {"CreatedOn": "", "StartedOn": "", "FinishedOn": "", "CreatedBy": ""} == {
        "JobId": result.job, "JobType": "Copy", "Tenant": "contoso-prod", "Status": "Succeeded", "CreatedOn": "",
        "StartedOn": "", "FinishedOn": "", "CreatedBy": "", "Name": "contoso-dev → contoso-prod",
        "Description": "copied contoso-dev → contoso-prod (--on-conflict latest, --versions all): assets 22 created, "
                       "0 replaced, 0 kept, 0 dropped; assignment sets 16 created, 0 replaced, 0 kept, 1 dropped",
        "RowsTotal": "55", "RowsSucceeded": "54", "RowsFailed": "0", "RowsSkipped": "1",
        "ResultPath": f"jobs/{result.job}/plan.tsv"}
    golden(GOLDEN / "copy" / "plan-dev-to-prod.tsv", prod(ws).path(f"jobs/{result.job}/plan.tsv").read_bytes())
    assert (result.binaries_copied, result.binaries_missing) == (23, 0)
    assert not list(dev_jobs(ws))  # the source is only read


def dev_jobs(ws: Path) -> list[object]:
    return list(read_jobs(tenant(ws, "contoso-dev")))


def test_plan_only_saves_a_plan_job_and_changes_nothing_else(ws: Path) -> None:
    before = files(prod(ws), jobs=False)
    result = save_plan(ws, opts("latest", "all"))
    assert files(prod(ws), jobs=False) == before
    (job,) = read_jobs(prod(ws))
    assert (job.job_type, job.status, job.name, job.rows_total, job.result_path) == (
        "Copy", "Succeeded", "plan: contoso-dev → contoso-prod", None, f"jobs/{result.job}/plan.tsv")
    assert job.description.startswith("plan only, nothing copied: contoso-dev → contoso-prod")
    saved = prod(ws).path(f"jobs/{result.job}")
    assert sorted(p.name for p in saved.iterdir()) == ["options.json", "plan.tsv"]
    assert saved.joinpath("plan.tsv").read_bytes() == run_copy(ws, opts("latest", "all")).plan.table.pipe(
        lambda t: t.write_csv(separator="\t", line_terminator="\n", null_value="").encode())


def test_a_confirmed_plan_is_refused_when_the_destination_changed(ws: Path) -> None:
    plan = plan_copy(ws, opts("latest"))
    media = prod(ws).path("cms/media.tsv")
    dev_row = read_manifest(tenant(ws, "contoso-dev").path("cms/media.tsv")).frame.filter(
        pl.col("MediaState") == "Published").head(1)
    write_manifest(dev_row.with_columns(ImageAltText=pl.lit("made in prod meanwhile")), media, "assets")
    before = files(prod(ws), jobs=False)
    with pytest.raises(UsageError, match="tenant contoso-prod changed since the plan was made; nothing was copied"):
        run_copy(ws, opts("latest"), plan, exact=True)
    assert files(prod(ws), jobs=False) == before
    assert [j.status for j in read_jobs(prod(ws))] == ["Failed"]
    again = run_copy(ws, opts("latest"), plan)  # without exact: planned again under the lock
    assert again.plan.assets.to_dict() == {"create": 20, "replace": 0, "keep": 1, "drop": 0}


def test_a_damaged_source_binary_fails_the_job_and_changes_nothing(ws: Path) -> None:
    blob = next(tenant(ws, "contoso-dev").path("cms/blobs").rglob("*/*"))
    blob.write_bytes(b"not the image")
    before = files(prod(ws), jobs=False)
    with pytest.raises(InputError, match=f"the binary cms/blobs/{blob.parent.name}/{blob.name} of tenant "
                                         "contoso-dev is damaged"):
        run_copy(ws, opts())
    assert files(prod(ws), jobs=False) == before
    assert [j.status for j in read_jobs(prod(ws))] == ["Failed"]


def test_binaries_missing_in_the_source_are_counted_not_copied(ws: Path) -> None:
    shutil.rmtree(tenant(ws, "contoso-dev").path("cms/blobs"))
    result = run_copy(ws, opts())
    assert (result.plan.binaries.missing, result.binaries_copied, result.binaries_missing) == (21, 0, 21)
    assert validate([prod(ws).root]).findings == ()


def mapped_source(tmp: Path, plan: CopyPlan) -> Path:
    """The source after mapping (the rows the copy considered), as cms manifests in ``tmp``."""
    (tmp / "cms").mkdir(parents=True)
    (tmp / "cms/media.tsv").write_bytes(manifest_bytes(plan.media.source, "assets"))
    (tmp / "cms/assignments.tsv").write_bytes(manifest_bytes(plan.sets.source, "assignments"))
    return tmp


def changed_keys(old: Path, new: Path, columns: tuple[str, ...]) -> list[tuple[str | None, ...]]:
    d = diff(old, new)
    frames = [d.added, d.removed, d.before]  # type: ignore[union-attr]
    return sorted({tuple(r) for f in frames for r in f.select(columns).iter_rows()}, key=str)


def edit(t: Tenant, rel: str, where: pl.Expr, **values: str) -> None:
    path = t.path(rel)
    frame = read_manifest(path).frame
    frame = frame.with_columns(pl.when(where).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in values.items())
    write_manifest(frame, path)


def test_after_the_copy_the_tenants_differ_only_where_the_policy_kept_the_destination(ws: Path,
                                                                                     tmp_path: Path) -> None:
    run_copy(ws, opts("replace"))
    dev, later = tenant(ws, "contoso-dev"), "2025-05-01T00:00:00Z"
    ident = pl.col("InternalMediaId")
    edit(prod(ws), "cms/media.tsv", ident == "79945b97-9ec9-4968-8dd5-ddba69e05d72", ImageAltText="prod",
         MediaLastModifiedOn=later)
    edit(dev, "cms/media.tsv", ident == "a79e970a-a157-4459-91c6-6bacd6e39b5a", ImageAltText="dev",
         MediaLastModifiedOn=later)
    edit(dev, "cms/media.tsv", ident == "6735a82a-88af-43f0-9e60-f625530ee6dc", ImageAltText="dev, older")
    edit(prod(ws), "cms/assignments.tsv", pl.col("EntityKeyValue") == "70050", EntityLastModifiedOn=later,
         EntityVersion="9")
    edit(dev, "cms/assignments.tsv", pl.col("EntityKeyValue") == "1000", EntityLastModifiedOn=later,
         EntityVersion="9")
    result = run_copy(ws, opts("latest"))
    assert result.plan.assets.to_dict() == {"create": 0, "replace": 1, "keep": 20, "drop": 0}
    assert result.plan.assignment_sets.to_dict() == {"create": 0, "replace": 1, "keep": 15, "drop": 1}
    source = mapped_source(tmp_path / "mapped", result.plan)
    assert changed_keys(source / "cms/media.tsv", prod(ws).path("cms/media.tsv"), ("InternalMediaId",)) == [
        ("6735a82a-88af-43f0-9e60-f625530ee6dc",), ("79945b97-9ec9-4968-8dd5-ddba69e05d72",)]
    assert changed_keys(source / "cms/assignments.tsv", prod(ws).path("cms/assignments.tsv"),
                        ("EntityKeyValue",)) == [("70050",)]
    kept = result.plan.table.filter(pl.col("Action") == "keep", pl.col("Reason") != "identical")
    assert kept.select("InternalMediaId", "EntityKeyValue").rows() == [
        ("6735a82a-88af-43f0-9e60-f625530ee6dc", None), ("79945b97-9ec9-4968-8dd5-ddba69e05d72", None),
        (None, "70050")]
    assert validate([prod(ws).root]).findings == ()
