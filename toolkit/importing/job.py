"""``import_manifest``: one import as one job (SPEC §6 ``omm import``, §7).

Before the job: the manifest is read (an unreadable file or unknown kind is a usage error and
no job is recorded), the media directory checked and, for assignments, the OmnichannelContent
flag. Then, under the tenant's writer lock (:func:`toolkit.jobs.run_job`): the input and the
options are saved with the InProgress row (so an interrupted job can be retried), the tenant is
read, every row decided, and the store files, history, blobs, result manifest and the final job
row are committed together — all or nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.importing.binaries import FetchLimits
from toolkit.importing.result import ImportResult, RowCounts, counts
from toolkit.jobs import Job, run_job
from toolkit.tsv import Manifest, manifest_bytes, read_manifest_bytes, reading
from toolkit.workspace import Tenant

KINDS = ("assets", "assignments", "products", "categories", "channels")
# on_progress(phase, done, total): phase "rows" (the manifest's rows, by stage) or "binaries" (distinct files read)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """Everything that decides what an import does (saved as ``jobs/<id>/options.json`` for retry)."""

    media_dir: str | None = None
    user: str | None = None
    checkout: bool = False
    publish_dependencies: bool = False
    replace: bool = False
    kind: str | None = None
    name: str = ""
    limits: FetchLimits = field(default_factory=FetchLimits)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, indent=1).encode() + b"\n"

    @classmethod
    def from_json(cls, data: bytes) -> ImportOptions:
        raw = json.loads(data)
        raw["limits"] = FetchLimits(**raw.get("limits", {}))
        return cls(**raw)


def _media_dir(given: str | None) -> Path | None:
    if given is None:
        return None
    p = Path(given)
    if not p.is_dir():
        raise UsageError(f"--media-dir {given}: no such directory", "give the directory MediaImportPath values are "
                         "relative to")
    return Path(os.path.realpath(p))


def read_checked(t: Tenant, raw: bytes, name: str, opts: ImportOptions) -> Manifest:
    """The manifest, checked before any job: kind, the OmnichannelContent flag, a catalog whole."""
    manifest = read_manifest_bytes(raw, name, opts.kind, strict=False)
    if manifest.kind.name not in KINDS:
        raise UsageError(f"{name} is a {manifest.kind.name} manifest, which omm import does not take",
                         f"import one of: {', '.join(KINDS)} (use --kind if detection is wrong)")
    if manifest.kind.name == "assignments":
        from toolkit.checkout import check_omnichannel

        check_omnichannel(t)
    if manifest.kind.name in ("products", "categories", "channels"):
        from toolkit.importing.catalog import check_whole

        check_whole(manifest, t, replace=opts.replace)  # refused before any job: the tenant stays byte-identical
    return manifest


def _read(path: str | Path) -> bytes:
    p = Path(path)
    with reading(p, missing="check the path of the manifest"):
        return p.read_bytes()


def import_manifest(t: Tenant, path: str | Path, opts: ImportOptions = ImportOptions(), *, wait: float = 0,
                    on_progress: Progress | None = None) -> ImportResult:
    """Import the manifest at ``path`` into tenant ``t`` as one job; see the module doc."""
    return import_bytes(t, _read(path), Path(path).name, opts, wait=wait, on_progress=on_progress)


def import_bytes(t: Tenant, raw: bytes, name: str, opts: ImportOptions = ImportOptions(), *, wait: float = 0,
                 on_progress: Progress | None = None) -> ImportResult:
    """Import manifest bytes (``name`` for messages and kind detection) into tenant ``t``."""
    manifest = read_checked(t, raw, name, opts)
    media_dir = _media_dir(opts.media_dir)
    # Saved resolved, so that `omm jobs retry` run from another directory finds the same files.
    saved = replace(opts, media_dir=str(media_dir) if media_dir else None)
    with run_job(t, "Import", name=opts.name or name, user=opts.user, wait=wait, command="omm import",
                 inputs={"input.tsv": raw, "options.json": saved.to_json()}) as job:
        rows, codes = _run(job, manifest, opts, media_dir, on_progress)
    assert job.outcome is not None
    return ImportResult(job.id, t.id, manifest.kind.name, job.outcome.status, rows, job.outcome.result, codes)


def _run(job: Job, manifest: Manifest, opts: ImportOptions, media_dir: Path | None,
         on_progress: Progress | None) -> tuple[RowCounts, tuple[tuple[str, int], ...]]:
    from toolkit.importing.stages import STAGES

    result = STAGES[manifest.kind.name](job, manifest, opts, media_dir, on_progress)
    rc, codes = counts(result)
    path = job.stage_bytes("result.tsv", manifest_bytes(result, manifest.kind, sort=False))
    job.finish(total=rc.total, succeeded=rc.succeeded, failed=rc.failed, skipped=rc.skipped, result_path=path,
               description=f"{manifest.kind.name}: {rc.succeeded} succeeded, {rc.failed} failed, "
                           f"{rc.skipped} skipped")
    return rc, codes
