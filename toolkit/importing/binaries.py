"""Binary ingestion of ``omm import`` (SPEC §6, §7): read each MediaImportPath once, hash and stage it.

:func:`ingest` streams each distinct local file (relative to ``--media-dir``, ``/`` or ``\\`` as
separator) or http(s) download into a scratch file of the caller's transaction while hashing it, so
the stored bytes are exactly the hashed bytes; images are decoded fully for their width and height.
A problem with one path is data, not an exception: an ErrorCode from :data:`ERROR_CODES` and a
one-line ErrorMessage, with no scratch file left. Only a failing staging area (disk full, no
permission) raises, after removing every scratch file this call made. Finding and opening the
sources safely is :mod:`toolkit.importing.sources`.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import polars as pl
from PIL import Image, UnidentifiedImageError

from toolkit.importing.sources import (
    USERINFO,
    Context,
    Failure,
    FetchLimits,
    Staging,
    download,
    http_opener,
    is_url,
    read_local,
)

BLOB_DIR = "cms/blobs"

ERROR_CODES: dict[str, str] = {
    "NoMediaDir": "MediaImportPath is a local path but no --media-dir was given.",
    "AbsolutePath": "MediaImportPath is absolute (/x, \\x, C:\\x, ~/x, //host/share) instead of relative to --media-dir.",
    "PathTraversal": "MediaImportPath has a '..' component that could leave --media-dir.",
    "SymlinkEscape": "A symbolic link along MediaImportPath points outside --media-dir.",
    "UnsupportedScheme": "MediaImportPath is a URL whose scheme is not http or https (file:, ftp:, data:, …).",
    "FileNotFound": "No file exists at MediaImportPath inside --media-dir.",
    "NotAFile": "MediaImportPath names a directory, FIFO, socket or device rather than a regular file.",
    "FileTooLarge": "The file or download is larger than the size limit.",
    "EmptyFile": "The file or download holds zero bytes.",
    "InvalidImage": "MediaType is Image but the content is not a complete image Pillow can decode (or is a decompression bomb).",
    "DownloadFailed": "The http(s) download failed: an error status, a timeout, a refused connection or a redirect to another scheme.",
    "UnreadableFile": "The local file exists but cannot be read (permission denied or another I/O error).",
}

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "MediaImportPath": pl.String(), "MediaType": pl.String(), "MediaChecksum": pl.String(),
    "ImageWidth": pl.String(), "ImageHeight": pl.String(), "ByteSize": pl.Int64(), "BlobPath": pl.String(),
    "ScratchFile": pl.String(), "ErrorCode": pl.String(), "ErrorMessage": pl.String(),
}

# Raster formats a web gallery shows. Others are refused on purpose: Pillow's EPS plugin runs
# Ghostscript on the file, which untrusted downloads must never reach.
_WEB_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "WEBP", "BMP", "TIFF", "ICO", "AVIF")
# One instance for every call's default: FetchLimits is frozen (ruff cannot see that across modules).
_DEFAULT_LIMITS = FetchLimits()


def blob_path(sha256: str) -> str:
    """Tenant-relative place of the blob with this lowercase hex SHA-256."""
    return f"{BLOB_DIR}/{sha256[:2]}/{sha256}"


@dataclass(frozen=True)
class _Item:
    source: str
    media_type: str | None
    sha: str | None = None
    width: str | None = None
    height: str | None = None
    size: int | None = None
    scratch: str | None = None
    code: str | None = None
    message: str | None = None

    def row(self) -> tuple[object, ...]:
        blob = blob_path(self.sha) if self.sha else None
        return (self.source, self.media_type, self.sha, self.width, self.height, self.size, blob, self.scratch,
                self.code, self.message)


# -- content ---------------------------------------------------------------------------------------

@cache
def _image_formats() -> tuple[str, ...]:
    Image.init()
    return tuple(name for name in _WEB_FORMATS if name in Image.OPEN)


def _image_size(path: Path) -> tuple[str, str]:
    """Width and height of a fully decoded image; InvalidImage otherwise."""
    advice = "give a complete PNG, JPEG, GIF, WebP, BMP or TIFF file, or set MediaType to File"
    try:
        with Image.open(path, formats=_image_formats()) as image:
            width, height = image.size
            # Our own bomb check too: it holds even if someone turned Pillow's warning off.
            cap = Image.MAX_IMAGE_PIXELS
            if cap is not None and width * height > cap:
                raise Failure("InvalidImage", f"the image is {width}x{height} pixels, a possible decompression "
                                              f"bomb (the limit is {cap:,} pixels); {advice}")
            image.load()
    except Failure:
        raise
    except UnidentifiedImageError as exc:
        raise Failure("InvalidImage", f"not an image in a supported format; {advice}") from exc
    except Exception as exc:  # Pillow reports corrupt data as OSError, SyntaxError, struct.error, ValueError…
        raise Failure("InvalidImage", f"the image cannot be decoded ({exc or type(exc).__name__}); {advice}") from exc
    return str(width), str(height)


def _message(source: str, detail: str) -> str:
    """One line '<path or URL>: <detail>', never echoing a URL's password or token (the result
    manifest is shared, and urllib's own error texts may quote the netloc)."""
    # A data: URL or a garbled cell can be huge; the message names it, it need not repeat it whole.
    text = f"{source if len(source) <= 200 else source[:200] + '…'}: {detail}"
    match = USERINFO.match(source)
    if match:
        userinfo = match.group(2)
        secret = userinfo.split(":", 1)[1] if ":" in userinfo else userinfo
        text = text.replace(match.group(0), match.group(1), 1)
        text = text.replace(secret, "***") if secret else text
    return re.sub(r"[\r\n\t]+", " ", text)


def _ingest_one(ctx: Context, source: str, media_type: str | None) -> _Item:
    staging = Staging(ctx.scratch)
    try:
        if is_url(source):
            sha, size = download(ctx, source, staging)
        else:
            sha, size = read_local(ctx, source, staging)
        width: str | None = None
        height: str | None = None
        if (media_type or "").casefold() == "image" and staging.path is not None:
            width, height = _image_size(staging.path)
    except Failure as failure:
        staging.discard()
        return _Item(source, media_type, code=failure.code, message=_message(source, failure.message))
    except BaseException:
        staging.discard()
        raise
    return _Item(source, media_type, sha, width, height, size, str(staging.path))


# -- the run ---------------------------------------------------------------------------------------

def _run(ctx: Context, pairs: list[tuple[str, str | None]],
         on_progress: Callable[[int, int], None] | None) -> list[_Item]:
    """Every pair through a thread pool, results in input order; on any exception the scratch files
    already made are removed before it propagates."""
    results: list[_Item | None] = [None] * len(pairs)
    pool = ThreadPoolExecutor(max_workers=max(1, ctx.limits.workers), thread_name_prefix="omm-ingest")
    futures: dict[Future[_Item], int] = {pool.submit(_ingest_one, ctx, *pair): i for i, pair in enumerate(pairs)}
    try:
        for done, future in enumerate(as_completed(futures), 1):
            results[futures[future]] = future.result()
            if on_progress is not None:  # called from the caller's thread, so a progress bar needs no lock
                on_progress(done, len(pairs))
    except BaseException:
        ctx.stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        _discard(f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None)
        raise
    pool.shutdown()
    return [item for item in results if item is not None]


def _discard(items: Iterable[_Item]) -> None:
    for item in items:
        if item.scratch:
            Path(item.scratch).unlink(missing_ok=True)


def _dedup(items: list[_Item], tenant_root: Path) -> list[_Item]:
    """Keep a scratch file only for the first row of each SHA-256 whose blob the tenant lacks."""
    seen: set[str] = set()
    out: list[_Item] = []
    for item in items:
        if item.sha is not None and (item.sha in seen or (tenant_root / blob_path(item.sha)).is_file()):
            _discard([item])
            item = replace(item, scratch=None)
        if item.sha is not None:
            seen.add(item.sha)
        out.append(item)
    return out


def ingest(sources: pl.DataFrame, *, media_dir: Path | None, tenant_root: Path,
           scratch: Callable[[], Path], limits: FetchLimits = _DEFAULT_LIMITS,
           on_progress: Callable[[int, int], None] | None = None) -> pl.DataFrame:
    """Read, check, hash and stage every (MediaImportPath, MediaType) of ``sources``.

    Returns one row per input row, in input order, with the columns of :data:`OUTPUT_SCHEMA`.
    ``scratch()`` must return a fresh path on the tenant's file system; it is called under a lock.
    Raises :class:`toolkit.errors.WorkspaceError` only when a scratch file cannot be written.
    """
    pairs = list(sources.select("MediaImportPath", "MediaType").iter_rows())
    lock = threading.Lock()

    def next_scratch() -> Path:
        with lock:
            return scratch()

    ctx = Context(Path(os.path.realpath(media_dir)) if media_dir is not None else None, next_scratch, limits,
                  http_opener(), threading.Event())
    with warnings.catch_warnings():
        # The warnings filter is process-wide, so set here it also governs the worker threads:
        # a decompression bomb becomes an exception, and Pillow's notes on odd files stay silent.
        warnings.filterwarnings("ignore", module=r"PIL(\.|$)")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        items = _run(ctx, pairs, on_progress)
    return pl.DataFrame([item.row() for item in _dedup(items, tenant_root)], schema=OUTPUT_SCHEMA, orient="row")
