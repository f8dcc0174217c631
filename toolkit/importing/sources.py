"""Where an imported binary comes from: a file inside the media directory or an http(s) URL.

:func:`is_url` tells the two apart (refusing every other URL scheme); :func:`read_local` opens a
file so that nothing outside ``--media-dir`` is read — no absolute path, no ``..``, no symbolic link
leading out, no FIFO or device — and :func:`download` fetches over http(s) only, redirects included.
Both stream the bytes into a scratch file while hashing them. A problem with the source raises
:class:`Failure`, which :mod:`toolkit.importing.binaries` turns into the row's ErrorCode and message.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from toolkit.errors import OmmError, WorkspaceError
from toolkit.store.digests import CHUNK

_HTTP = frozenset({"http", "https"})
# Schemes refused even without '//' (data:, javascript: and mailto: never have it).
_KNOWN_SCHEMES = frozenset({"file", "ftp", "ftps", "sftp", "data", "javascript", "vbscript", "mailto", "blob",
                            "about", "jar", "smb", "ssh", "gopher", "ws", "wss", "s3", "gs", "ldap", "dict", "tel"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)([^/@]*)@")
# O_NONBLOCK: opening a FIFO that slipped in after the stat check must not hang a worker.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class FetchLimits:
    """Bounds on what one binary may cost."""

    max_bytes: int = 512 * 1024 * 1024  # larger files/downloads -> FileTooLarge
    timeout: float = 30.0  # seconds per HTTP request (connect + each read)
    workers: int = 4  # thread pool size for reading/hashing/downloading


class Failure(OmmError):
    """One path's problem; never leaves :func:`toolkit.importing.binaries.ingest`, it becomes the
    row's ErrorCode and ErrorMessage."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class _Cancelled(Exception):
    """Stops a worker at its next chunk once the caller's thread has failed (e.g. on Ctrl-C)."""


@dataclass(frozen=True)
class Context:
    media_dir: Path | None  # already the real path
    scratch: Callable[[], Path]  # serialized: the caller's allocator need not be thread-safe
    limits: FetchLimits
    opener: urllib.request.OpenerDirector
    stop: threading.Event


class Staging:
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

def is_url(source: str) -> bool:
    """True for an http(s) URL, False for a local path; raises UnsupportedScheme for any other URL."""
    match = _SCHEME.match(source)
    if match is None or len(match.group(1)) == 1:  # 'C:' is a drive letter, judged as a path
        return False
    scheme = match.group(1).lower()
    if scheme in _HTTP:
        return True
    if source[match.end():].startswith("//") or scheme in _KNOWN_SCHEMES:
        raise Failure("UnsupportedScheme", f"{scheme}: URLs are not supported; "
                                           "use an http(s) URL or a path relative to --media-dir")
    return False  # 'cover:v2.png' is a legal file name


def _relative_parts(source: str, media_dir: Path | None) -> list[str]:
    if media_dir is None:
        raise Failure("NoMediaDir", "a local path needs a media directory; "
                                    "give --media-dir DIR or use an http(s) URL")
    first = _SEPARATORS.split(source, maxsplit=1)
    home = source.startswith("~") and (len(first) > 1 or source == "~")  # '~/x', '~bob/x'; not '~draft.png'
    if source.startswith(("/", "\\")) or _DRIVE.match(source) or home:
        raise Failure("AbsolutePath", "the path is absolute; give a path relative to --media-dir")
    parts = _SEPARATORS.split(source)
    if ".." in parts:
        raise Failure("PathTraversal", "path leaves the media directory; "
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
            raise Failure("FileNotFound", "no such file (the path holds a NUL character); check the path") from exc
        if not Path(current).is_relative_to(base):
            raise Failure("SymlinkEscape", "a symbolic link takes the path outside the media directory; "
                                           "copy the file into --media-dir instead of linking to it")
    return current


def _check_file(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO, socket or device)"
        raise Failure("NotAFile", f"the path is {what}; name a file")
    if info.st_size > limit:
        raise Failure("FileTooLarge", f"the file has {info.st_size:,} bytes, more than the limit of {limit:,}; "
                                      "make it smaller or raise the size limit")
    if info.st_size == 0:
        raise Failure("EmptyFile", "the file is empty (0 bytes); give a file with content")


def _open_local(real: str, limit: int) -> int:
    """A read-only descriptor of the regular file ``real``, checked before and after opening."""
    try:
        info = os.stat(real)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise Failure("FileNotFound", "no such file in the media directory; check the path and --media-dir") from exc
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


def _unreadable(exc: OSError) -> Failure:
    return Failure("UnreadableFile", f"cannot read the file ({exc.strerror or exc}); "
                                     "check its permissions and that the disk is readable")


def read_local(ctx: Context, source: str, staging: Staging) -> tuple[str, int]:
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


def http_opener() -> urllib.request.OpenerDirector:
    # Built by hand so that no file:, ftp: or data: handler exists at all.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _HttpOnlyRedirects(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def download(ctx: Context, url: str, staging: Staging) -> tuple[str, int]:
    limit = ctx.limits.max_bytes
    advice = "check the URL and that the server is reachable, then import again"
    # urllib would take 'user:pw@host' for a host name, and a login we sent would follow redirects anywhere.
    if USERINFO.match(url):
        raise Failure("DownloadFailed", "the URL holds credentials, which omm does not send; "
                                        "use a URL that needs no login, or download the file into --media-dir")
    try:
        # Spaces and non-ASCII characters are common in manifests; send them percent-encoded.
        request = urllib.request.Request(quote(url, safe=":/?#[]@!$&'()*+,;=%~"), headers={"User-Agent": "omm"})
        with ctx.opener.open(request, timeout=ctx.limits.timeout) as response:
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > limit:
                raise Failure("FileTooLarge", f"the server announces {int(declared):,} bytes, more than the limit "
                                              f"of {limit:,}; make it smaller or raise the size limit")
            return _stream(response.read, staging, ctx)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise Failure("DownloadFailed", f"download failed: HTTP {exc.code} {exc.reason}; {advice}") from exc
    except (OSError, HTTPException, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        why = f"no answer within {ctx.limits.timeout:g} s" if isinstance(reason, TimeoutError) else str(reason)
        raise Failure("DownloadFailed", f"download failed ({why or type(exc).__name__}); {advice}") from exc


# -- streaming -------------------------------------------------------------------------------------

def _stream(read: Callable[[int], bytes], staging: Staging, ctx: Context) -> tuple[str, int]:
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
                raise Failure("FileTooLarge", f"the content is larger than the limit of {limit:,} bytes; "
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
        raise Failure("EmptyFile", "the content is empty (0 bytes); give a file with content")
    return digest.hexdigest(), size
