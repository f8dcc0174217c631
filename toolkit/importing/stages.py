"""The work of an import job, by manifest kind: decide every row, stage what changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from toolkit.importing.result import result_frame
from toolkit.importing.rows import Input, prepare
from toolkit.importing.tenant_data import TenantData, read_tenant
from toolkit.store.lock import utc_now
from toolkit.tsv import Manifest, manifest_bytes, read_manifest

if TYPE_CHECKING:
    from toolkit.importing.job import ImportOptions
    from toolkit.jobs import Job

Progress = Callable[[str, int, int], None]
_STEPS = 3  # rows checked, rows decided (binaries read meanwhile), changes staged


def _step(on_progress: Progress | None, manifest: Manifest, done: int) -> None:
    """Report the rows' progress by stage: the work on them is whole-frame, not row by row."""
    if on_progress is not None:
        rows = manifest.frame.height
        on_progress("rows", rows * done // _STEPS, rows)


def _user(opts: ImportOptions) -> str:
    from toolkit.checkout import check_user, default_user

    return check_user(opts.user if opts.user is not None else default_user())


def _input(manifest: Manifest, data: TenantData, skip: frozenset[str], context: tuple[str, ...]) -> Input:
    """The manifest's rows and each failed row's first failure: schema rules, then integrity
    against the tenant's ``context`` manifests (channels, catalog, assets)."""
    from toolkit.integrity import tenant_findings
    from toolkit.validation import validate_manifest

    against = {k: m for k, m in data.manifests.items() if k in context}
    findings = [*validate_manifest(manifest), *tenant_findings({**against, manifest.kind.name: manifest})]
    return prepare(manifest, findings, skip=skip)


def append_history(job: Job, rel: str, kind: str, rows: pl.DataFrame) -> None:
    """Append ``rows`` to the history manifest ``rel`` (append-only: existing rows stay as they are)."""
    if rows.height == 0:
        return
    path = job.tenant.path(rel)
    old = read_manifest(path, kind).frame if path.is_file() else None
    frame = rows if old is None else pl.concat([old, rows], how="diagonal_relaxed")
    job.txn.write_bytes(rel, manifest_bytes(frame, kind, sort=False))


def assets(job: Job, manifest: Manifest, opts: ImportOptions, media_dir: Path | None,
           on_progress: Progress | None) -> pl.DataFrame:
    from toolkit.importing import binaries
    from toolkit.importing.asset_import import DEFERRED_RULES, import_assets
    from toolkit.importing.asset_store import HISTORY, Options

    data = read_tenant(job.tenant)
    now = utc_now()
    inp = _input(manifest, data, DEFERRED_RULES, ("channels",))
    _step(on_progress, manifest, 1)
    options = Options(_user(opts), opts.checkout, now, job.id, data.cms_base_url)

    def ingest(sources: pl.DataFrame) -> pl.DataFrame:
        return binaries.ingest(sources, media_dir=media_dir, tenant_root=job.tenant.root,
                               scratch=job.txn.scratch_path, limits=opts.limits,
                               on_progress=(lambda d, n: on_progress("binaries", d, n)) if on_progress else None)

    done = import_assets(inp, data, options, ingest)
    _step(on_progress, manifest, 2)
    job.txn.write_bytes("cms/media.tsv", manifest_bytes(done.applied.store, "assets"))
    append_history(job, HISTORY, "assets", done.applied.history)
    for blob, scratch in done.blobs.iter_rows():  # one per new distinct binary, not per row
        job.txn.write_file(blob, Path(scratch), move=True, synced=True)  # ingest fsynced it
    _step(on_progress, manifest, 3)
    return result_frame(inp, done.applied.outcomes, done.failures, now)


def assignments(job: Job, manifest: Manifest, opts: ImportOptions, media_dir: Path | None,
                on_progress: Progress | None) -> pl.DataFrame:
    from toolkit.importing.set_import import import_sets
    from toolkit.importing.set_store import HISTORY, MEDIA_HISTORY, SetOptions

    data = read_tenant(job.tenant)
    now = utc_now()
    inp = _input(manifest, data, frozenset(), ("channels", "products", "categories", "assets",
                                                     "publish_groups"))
    _step(on_progress, manifest, 1)
    options = SetOptions(_user(opts), opts.checkout, opts.publish_dependencies, now, job.id, data.cms_base_url)
    done = import_sets(inp, data, options)
    _step(on_progress, manifest, 2)
    job.txn.write_bytes("cms/assignments.tsv", manifest_bytes(done.store, "assignments"))
    append_history(job, HISTORY, "assignments", done.history)
    if done.media is not None:
        job.txn.write_bytes("cms/media.tsv", manifest_bytes(done.media, "assets"))
        append_history(job, MEDIA_HISTORY, "assets", done.media_history)
    _step(on_progress, manifest, 3)
    return result_frame(inp, done.outcomes, done.failures, now)


def catalog(job: Job, manifest: Manifest, opts: ImportOptions, media_dir: Path | None,
            on_progress: Progress | None) -> pl.DataFrame:
    from toolkit.importing.catalog import import_catalog

    done = import_catalog(job.tenant, manifest, replace=opts.replace, now=utc_now())
    job.txn.write_bytes(done.path, done.data)
    return done.result


STAGES = {"assets": assets, "assignments": assignments, "products": catalog, "categories": catalog,
          "channels": catalog}
