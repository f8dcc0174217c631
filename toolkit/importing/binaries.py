"""Binary ingestion of ``omm import`` (SPEC §6, §7): read each MediaImportPath once, hash and stage it.

:func:`ingest` streams each distinct local file (relative to ``--media-dir``, ``/`` or ``\\`` as
separator) or http(s) download into a scratch file of the caller's transaction while hashing it, so
the stored bytes are exactly the hashed bytes; images are decoded fully for their width and height.
A problem with one path is data, not an exception: an ErrorCode from :data:`ERROR_CODES` and a
one-line ErrorMessage, with no scratch file left. Only a failing staging area (disk full, no
permission) raises, after removing every scratch file this call made.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import cache
from http.client import HTTPException
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import polars as pl
from PIL import Image, UnidentifiedImageError

from toolkit.errors import OmmError, WorkspaceError
from toolkit.store.digests import CHUNK

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

_HTTP = frozenset({"http", "https"})
# Schemes refused even without '//' (data:, javascript: and mailto: never have it).
_KNOWN_SCHEMES = frozenset({"file", "ftp", "ftps", "sftp", "data", "javascript", "vbscript", "mailto", "blob",
                            "about", "jar", "smb", "ssh", "gopher", "ws", "wss", "s3", "gs", "ldap", "dict", "tel"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)([^/@]*)@")
# Raster formats a web gallery shows. Others are refused on purpose: Pillow's EPS plugin runs
# Ghostscript on the file, which untrusted downloads must never reach.
_WEB_FORMATS = ("PNG", "JPEG", "MPO", "GIF", "WEBP", "BMP", "TIFF", "ICO", "AVIF")
# O_NONBLOCK: opening a FIFO that slipped in after the stat check must not hang a worker.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class FetchLimits:
    """Bounds on what one binary may cost."""

    max_bytes: int = 512 * 1024 * 1024  # larger files/downloads -> FileTooLarge
    timeout: float = 30.0  # seconds per HTTP request (connect + each read)
    workers: int = 4  # thread pool size for reading/hashing/downloading


def blob_path(sha256: str) -> str:
    """Tenant-relative place of the blob with this lowercase hex SHA-256."""
    return f"{BLOB_DIR}/{sha256[:2]}/{sha256}"


class _Failure(OmmError):
    """One path's problem; never leaves this module, it becomes the row's ErrorCode and ErrorMessage."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class _Cancelled(Exception):
    """Stops a worker at its next chunk once the caller's thread has failed (e.g. on Ctrl-C)."""


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


@dataclass(frozen=True)
class _Context:
    media_dir: Path | None  # already the real path
    scratch: Callable[[], Path]  # serialized: the caller's allocator need not be thread-safe
    limits: FetchLimits
    opener: urllib.request.OpenerDirector
    stop: threading.Event


class _Staging:
    """The scratch file of one item: created on first use, removed by :meth:`discard`."""

    def __init__(self, scratch: Callable[[], Path]) -> None:
        self._scratch = scratch
        self.path: Path | None = None

    def create(self) -> BinaryIO:
        path = self._scratch()
        try:
            handle = open(path, "xb")  # closed by _stream
        except OSError as exc:
            raise _staging_error(path, exc) from exc
        self.path = path  # only now is it ours to delete
        return handle

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def _staging_error(path: Path, exc: OSError) -> WorkspaceError:
    return WorkspaceError(f"cannot write the staging file {path}: {exc.strerror or exc}",
                          "free disk space or fix the permissions of the tenant directory, then import again")


# -- string checks ---------------------------------------------------------------------------------

def _is_url(source: str) -> bool:
    """True for an http(s) URL, False for a local path; raises UnsupportedScheme for any other URL."""
    match = _SCHEME.match(source)
    if match is None or len(match.group(1)) == 1:  # 'C:' is a drive letter, judged as a path
        return False
    scheme = match.group(1).lower()
    if scheme in _HTTP:
        return True
    if source[match.end():].startswith("//") or scheme in _KNOWN_SCHEMES:
        raise _Failure("UnsupportedScheme", f"{scheme}: URLs are not supported; "
                                            "use an http(s) URL or a path relative to --media-dir")
    return False  # 'cover:v2.png' is a legal file name


def _relative_parts(source: str, media_dir: Path | None) -> list[str]:
    if media_dir is None:
        raise _Failure("NoMediaDir", "a local path needs a media directory; "
                                     "give --media-dir DIR or use an http(s) URL")
    first = _SEPARATORS.split(source, maxsplit=1)
    home = source.startswith("~") and (len(first) > 1 or source == "~")  # '~/x', '~bob/x'; not '~draft.png'
    if source.startswith(("/", "\\")) or _DRIVE.match(source) or home:
        raise _Failure("AbsolutePath", "the path is absolute; give a path relative to --media-dir")
    parts = _SEPARATORS.split(source)
    if ".." in parts:
        raise _Failure("PathTraversal", "path leaves the media directory; "
                                        "give a path relative to --media-dir without '..'")
    return [part for part in parts if part not in ("", ".")]


# -- local files -----------------------------------------------------------------------------------

def _resolve_inside(base: Path, parts: list[str]) -> str:
    """Real path of ``base/parts``, refusing as soon as any prefix resolves outside ``base`` (so a
    link that leaves and a second link that comes back in is refused too)."""
    current = str(base)
    for part in parts:
        try:
            current = os.path.realpath(os.path.join(current, part))
        except ValueError as exc:  # an embedded NUL: no such file can exist
            raise _Failure("FileNotFound", "no such file (the path holds a NUL character); check the path") from exc
        if not Path(current).is_relative_to(base):
            raise _Failure("SymlinkEscape", "a symbolic link takes the path outside the media directory; "
                                            "copy the file into --media-dir instead of linking to it")
    return current


def _check_file(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO, socket or device)"
        raise _Failure("NotAFile", f"the path is {what}; name a file")
    if info.st_size > limit:
        raise _Failure("FileTooLarge", f"the file has {info.st_size:,} bytes, more than the limit of {limit:,}; "
                                       "make it smaller or raise the size limit")
    if info.st_size == 0:
        raise _Failure("EmptyFile", "the file is empty (0 bytes); give a file with content")


def _open_local(real: str, limit: int) -> int:
    """A read-only descriptor of the regular file ``real``, checked before and after opening."""
    try:
        info = os.stat(real)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _Failure("FileNotFound", "no such file in the media directory; check the path and --media-dir") from exc
    except OSError as exc:
        raise _unreadable(exc) from exc
    _check_file(info, limit)  # before opening: a FIFO is never opened
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        raise _unreadable(exc) from exc
    try:  # the descriptor is what we read, so judge it rather than the name (it may have been swapped)
        _check_file(os.fstat(fd), limit)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _unreadable(exc: OSError) -> _Failure:
    return _Failure("UnreadableFile", f"cannot read the file ({exc.strerror or exc}); "
                                      "check its permissions and that the disk is readable")


def _read_local(ctx: _Context, source: str, staging: _Staging) -> tuple[str, int]:
    parts = _relative_parts(source, ctx.media_dir)
    assert ctx.media_dir is not None  # _relative_parts refused otherwise
    fd = _open_local(_resolve_inside(ctx.media_dir, parts), ctx.limits.max_bytes)
    with open(fd, "rb", buffering=0) as src:
        try:
            return _stream(src.read, staging, ctx)
        except OSError as exc:
            raise _unreadable(exc) from exc


# -- downloads -------------------------------------------------------------------------------------

class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to http(s): urllib's default would also follow one to ftp:."""

    def redirect_request(self, req: urllib.request.Request, fp: BinaryIO, code: int, msg: str,
                         headers: object, newurl: str) -> urllib.request.Request | None:
        scheme = newurl.split(":", 1)[0].lower() if _SCHEME.match(newurl) else ""
        if scheme not in _HTTP:
            raise urllib.error.HTTPError(newurl, code, f"{msg} - redirects to {scheme or 'non-http'}: URLs are not allowed",
                                         headers, fp)  # type: ignore[arg-type]
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand so that no file:, ftp: or data: handler exists at all.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _HttpOnlyRedirects(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _download(ctx: _Context, url: str, staging: _Staging) -> tuple[str, int]:
    limit = ctx.limits.max_bytes
    advice = "check the URL and that the server is reachable, then import again"
    # urllib would take 'user:pw@host' for a host name, and a login we sent would follow redirects anywhere.
    if _USERINFO.match(url):
        raise _Failure("DownloadFailed", "the URL holds credentials, which omm does not send; "
                                         "use a URL that needs no login, or download the file into --media-dir")
    try:
        # Spaces and non-ASCII characters are common in manifests; send them percent-encoded.
        request = urllib.request.Request(quote(url, safe=":/?#[]@!$&'()*+,;=%~"), headers={"User-Agent": "omm"})
        with ctx.opener.open(request, timeout=ctx.limits.timeout) as response:
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > limit:
                raise _Failure("FileTooLarge", f"the server announces {int(declared):,} bytes, more than the limit "
                                               f"of {limit:,}; make it smaller or raise the size limit")
            return _stream(response.read, staging, ctx)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _Failure("DownloadFailed", f"download failed: HTTP {exc.code} {exc.reason}; {advice}") from exc
    except (OSError, HTTPException, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        why = f"no answer within {ctx.limits.timeout:g} s" if isinstance(reason, TimeoutError) else str(reason)
        raise _Failure("DownloadFailed", f"download failed ({why or type(exc).__name__}); {advice}") from exc


# -- content ---------------------------------------------------------------------------------------

def _stream(read: Callable[[int], bytes], staging: _Staging, ctx: _Context) -> tuple[str, int]:
    """Copy ``read`` into a new scratch file while hashing; (sha256 hex, size). Read errors stay
    OSError for the caller to name; write errors become WorkspaceError."""
    limit = ctx.limits.max_bytes
    digest = hashlib.sha256()
    size = 0
    out = staging.create()
    assert staging.path is not None
    try:
        while chunk := read(CHUNK):
            if ctx.stop.is_set():
                raise _Cancelled
            size += len(chunk)
            if size > limit:  # the file grew since stat, or a download without Content-Length
                raise _Failure("FileTooLarge", f"the content is larger than the limit of {limit:,} bytes; "
                                               "make it smaller or raise the size limit")
            digest.update(chunk)
            try:
                out.write(chunk)
            except OSError as exc:
                raise _staging_error(staging.path, exc) from exc
        try:
            out.flush()
            os.fsync(out.fileno())  # here, in the worker threads, rather than one by one at staging
        except OSError as exc:
            raise _staging_error(staging.path, exc) from exc
    finally:
        try:
            out.close()
        except OSError as exc:
            raise _staging_error(staging.path, exc) from exc
    if size == 0:
        raise _Failure("EmptyFile", "the content is empty (0 bytes); give a file with content")
    return digest.hexdigest(), size


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
                raise _Failure("InvalidImage", f"the image is {width}x{height} pixels, a possible decompression "
                                               f"bomb (the limit is {cap:,} pixels); {advice}")
            image.load()
    except _Failure:
        raise
    except UnidentifiedImageError as exc:
        raise _Failure("InvalidImage", f"not an image in a supported format; {advice}") from exc
    except Exception as exc:  # Pillow reports corrupt data as OSError, SyntaxError, struct.error, ValueError…
        raise _Failure("InvalidImage", f"the image cannot be decoded ({exc or type(exc).__name__}); {advice}") from exc
    return str(width), str(height)


def _message(source: str, detail: str) -> str:
    """One line '<path or URL>: <detail>', never echoing a URL's password or token (the result
    manifest is shared, and urllib's own error texts may quote the netloc)."""
    # A data: URL or a garbled cell can be huge; the message names it, it need not repeat it whole.
    text = f"{source if len(source) <= 200 else source[:200] + '…'}: {detail}"
    match = _USERINFO.match(source)
    if match:
        userinfo = match.group(2)
        secret = userinfo.split(":", 1)[1] if ":" in userinfo else userinfo
        text = text.replace(match.group(0), match.group(1), 1)
        text = text.replace(secret, "***") if secret else text
    return re.sub(r"[\r\n\t]+", " ", text)


def _ingest_one(ctx: _Context, source: str, media_type: str | None) -> _Item:
    staging = _Staging(ctx.scratch)
    try:
        if _is_url(source):
            sha, size = _download(ctx, source, staging)
        else:
            sha, size = _read_local(ctx, source, staging)
        width: str | None = None
        height: str | None = None
        if (media_type or "").casefold() == "image" and staging.path is not None:
            width, height = _image_size(staging.path)
    except _Failure as failure:
        staging.discard()
        return _Item(source, media_type, code=failure.code, message=_message(source, failure.message))
    except BaseException:
        staging.discard()
        raise
    return _Item(source, media_type, sha, width, height, size, str(staging.path))


# -- the run ---------------------------------------------------------------------------------------

def _run(ctx: _Context, pairs: list[tuple[str, str | None]],
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
           scratch: Callable[[], Path], limits: FetchLimits = FetchLimits(),
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

    ctx = _Context(Path(os.path.realpath(media_dir)) if media_dir is not None else None, next_scratch, limits,
                   _opener(), threading.Event())
    with warnings.catch_warnings():
        # The warnings filter is process-wide, so set here it also governs the worker threads:
        # a decompression bomb becomes an exception, and Pillow's notes on odd files stay silent.
        warnings.filterwarnings("ignore", module=r"PIL(\.|$)")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        items = _run(ctx, pairs, on_progress)
    return pl.DataFrame([item.row() for item in _dedup(items, tenant_root)], schema=OUTPUT_SCHEMA, orient="row")
