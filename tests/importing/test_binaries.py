"""Binary ingestion of ``omm import``: hashing, staging, dedup, and one ErrorCode per kind of bad path."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import polars as pl
import pytest
from PIL import Image

from toolkit.errors import WorkspaceError
from toolkit.importing.binaries import ERROR_CODES, OUTPUT_SCHEMA, FetchLimits, blob_path, ingest


class Env:
    """A media directory, a tenant root and a scratch area, with ``run`` calling :func:`ingest`."""

    def __init__(self, tmp_path: Path) -> None:
        self.media = tmp_path / "media"
        self.tenant = tmp_path / "tenant"
        self.scratch_dir = tmp_path / "scratch"
        self.outside = tmp_path / "outside"
        for d in (self.media, self.tenant, self.scratch_dir, self.outside):
            d.mkdir()
        self._n = 0

    def scratch(self) -> Path:
        self._n += 1
        return self.scratch_dir / f"s{self._n:04d}"

    def write(self, rel: str, data: bytes) -> Path:
        path = self.media / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def run(self, rows: list[tuple[str, str]], *, media_dir: Path | None | bool = True,
            scratch: Callable[[], Path] | None = None, **kw: object) -> pl.DataFrame:
        frame = pl.DataFrame(rows, schema={"MediaImportPath": pl.String, "MediaType": pl.String}, orient="row")
        out = ingest(frame, media_dir=self.media if media_dir is True else media_dir or None,
                     tenant_root=self.tenant, scratch=scratch or self.scratch, **kw)  # type: ignore[arg-type]
        assert out.schema == pl.Schema(OUTPUT_SCHEMA)
        assert out["MediaImportPath"].to_list() == [r[0] for r in rows]
        # Exactly the scratch files the output names exist: failed and redundant rows leave none.
        named = {Path(p).name for p in out["ScratchFile"].drop_nulls()}
        assert {p.name for p in self.scratch_dir.iterdir()} == named
        return out

    def error(self, source: str, media_type: str = "File", **kw: object) -> tuple[str, str]:
        row = self.run([(source, media_type)], **kw).row(0, named=True)
        assert row["MediaChecksum"] is None and row["BlobPath"] is None and row["ScratchFile"] is None
        assert row["ErrorCode"] in ERROR_CODES and "\n" not in row["ErrorMessage"]
        return row["ErrorCode"], row["ErrorMessage"]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


def image_bytes(fmt: str, size: tuple[int, int] = (7, 5)) -> bytes:
    # Noise, so that the compressed stream is long enough to cut in half meaningfully.
    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


# -- success -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_image_is_hashed_measured_and_staged(env: Env, fmt: str) -> None:
    data = image_bytes(fmt, (7, 5))
    env.write(f"img/a.{fmt.lower()}", data)
    row = env.run([(f"img/a.{fmt.lower()}", "Image")]).row(0, named=True)
    sha = hashlib.sha256(data).hexdigest()
    assert row["ErrorCode"] is None and row["ErrorMessage"] is None
    assert (row["MediaChecksum"], row["ImageWidth"], row["ImageHeight"], row["ByteSize"]) == (sha, "7", "5", len(data))
    assert row["BlobPath"] == f"cms/blobs/{sha[:2]}/{sha}" == blob_path(sha)
    assert Path(row["ScratchFile"]).read_bytes() == data


def test_backslashes_and_colon_names_are_local_paths(env: Env) -> None:
    env.write("docs/cover:v2.pdf", b"pdf")
    out = env.run([("docs\\cover:v2.pdf", "File"), ("./docs/cover:v2.pdf", "File")])
    assert out["ErrorCode"].to_list() == [None, None]


def test_video_with_non_image_bytes_has_no_size(env: Env) -> None:
    data = b"\x00\x00\x00\x18ftypmp42 not really"
    env.write("clip.mp4", data)
    row = env.run([("clip.mp4", "Video")]).row(0, named=True)
    assert row["ErrorCode"] is None and row["ImageWidth"] is None and row["ImageHeight"] is None
    assert row["ByteSize"] == len(data)


def test_same_content_is_staged_once(env: Env) -> None:
    data = image_bytes("PNG")
    env.write("a.png", data)
    env.write("copy/b.png", data)
    out = env.run([("a.png", "Image"), ("copy/b.png", "Image")])
    assert out["BlobPath"].n_unique() == 1
    assert out["ScratchFile"].null_count() == 1 and out["ScratchFile"][0] is not None


def test_blob_already_in_tenant_is_not_staged(env: Env) -> None:
    data = b"already there"
    sha = hashlib.sha256(data).hexdigest()
    (env.tenant / blob_path(sha)).parent.mkdir(parents=True)
    (env.tenant / blob_path(sha)).write_bytes(data)
    env.write("x.bin", data)
    row = env.run([("x.bin", "File")]).row(0, named=True)
    assert row["ErrorCode"] is None and row["MediaChecksum"] == sha and row["ScratchFile"] is None


def test_symlink_inside_media_dir_is_fine(env: Env) -> None:
    env.write("real/a.txt", b"a")
    (env.media / "alias").symlink_to(env.media / "real")
    assert env.run([("alias/a.txt", "File")])["ErrorCode"][0] is None


def test_order_progress_and_mixed_results(env: Env) -> None:
    rows = []
    for i in range(12):
        env.write(f"f{i}.bin", os.urandom(1000 * (12 - i)))  # the first ones are the slowest
        rows.append((f"f{i}.bin", "File"))
    rows.insert(5, ("missing.bin", "File"))
    calls: list[tuple[int, int]] = []
    out = env.run(rows, limits=FetchLimits(workers=4), on_progress=lambda d, t: calls.append((d, t)))
    assert out["ErrorCode"].to_list() == [None] * 5 + ["FileNotFound"] + [None] * 7
    assert out["ByteSize"][0] == 12000 and out["ByteSize"][12] == 1000
    assert calls == [(i, 13) for i in range(1, 14)]


def test_empty_input(env: Env) -> None:
    assert env.run([]).height == 0


def test_staging_failure_raises_and_leaves_no_scratch(env: Env) -> None:
    for i in range(3):
        env.write(f"f{i}", f"content {i}".encode())
    calls = iter([env.scratch_dir / "s1", env.scratch_dir / "missing-dir" / "s2", env.scratch_dir / "s3"])
    frame = pl.DataFrame({"MediaImportPath": ["f0", "f1", "f2"], "MediaType": ["File"] * 3})
    with pytest.raises(WorkspaceError, match="staging file"):
        ingest(frame, media_dir=env.media, tenant_root=env.tenant, scratch=lambda: next(calls),
               limits=FetchLimits(workers=1))
    assert list(env.scratch_dir.iterdir()) == []


def test_interrupt_removes_scratch_files(env: Env) -> None:
    for i in range(6):
        env.write(f"f{i}", f"content {i}".encode())
    frame = pl.DataFrame({"MediaImportPath": [f"f{i}" for i in range(6)], "MediaType": ["File"] * 6})

    def interrupt(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(frame, media_dir=env.media, tenant_root=env.tenant, scratch=env.scratch, on_progress=interrupt)
    assert list(env.scratch_dir.iterdir()) == []


# -- path checks -------------------------------------------------------------------------------------

def test_no_media_dir(env: Env) -> None:
    code, message = env.error("a.png", media_dir=None)
    assert code == "NoMediaDir" and message.startswith("a.png: ") and "--media-dir" in message


@pytest.mark.parametrize("source", ["/etc/passwd", "\\x.png", "\\\\server\\share\\x.png", "C:\\x.png", "C:/x.png",
                                    "c:x.png", "~/x.png", "~", "~bob/x.png", "//host/share/x.png"])
def test_absolute_paths(env: Env, source: str) -> None:
    assert env.error(source)[0] == "AbsolutePath"


@pytest.mark.parametrize("source", ["images/../../etc/passwd", "..\\x.png", "a/../b.png", "a\\..\\..\\b", ".."])
def test_path_traversal(env: Env, source: str) -> None:
    code, message = env.error(source)
    assert code == "PathTraversal"
    assert message == f"{source}: path leaves the media directory; give a path relative to --media-dir without '..'"


def test_symlink_to_file_outside(env: Env) -> None:
    (env.outside / "secret.png").write_bytes(image_bytes("PNG"))
    (env.media / "innocent.png").symlink_to(env.outside / "secret.png")
    assert env.error("innocent.png", "Image")[0] == "SymlinkEscape"


def test_symlink_dir_escape(env: Env) -> None:
    (env.outside / "secret.txt").write_bytes(b"s")
    (env.media / "sub").mkdir()
    (env.media / "sub" / "up").symlink_to("../../outside")
    assert env.error("sub/up/secret.txt")[0] == "SymlinkEscape"
    assert env.error("sub/up/not-there.txt")[0] == "SymlinkEscape"  # refused before looking for the file


def test_link_leaving_and_coming_back_is_refused(env: Env) -> None:
    env.write("real.txt", b"r")
    (env.outside / "back").symlink_to(env.media / "real.txt")
    (env.media / "out").symlink_to(env.outside)
    assert env.error("out/back")[0] == "SymlinkEscape"


@pytest.mark.parametrize("source", ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://host/x.png",
                                    "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "smb2://h/x"])
def test_unsupported_schemes(env: Env, source: str) -> None:
    code, message = env.error(source, media_dir=None)
    assert code == "UnsupportedScheme" and "http(s)" in message


def test_missing_file(env: Env) -> None:
    assert env.error("nope.png", "Image")[0] == "FileNotFound"
    env.write("file.txt", b"x")
    assert env.error("file.txt/below")[0] == "FileNotFound"


def test_directory(env: Env) -> None:
    (env.media / "dir").mkdir()
    code, message = env.error("dir")
    assert code == "NotAFile" and "directory" in message


def test_fifo_is_never_opened(env: Env) -> None:
    os.mkfifo(env.media / "pipe")  # opening it for reading without a writer would block forever
    assert env.error("pipe")[0] == "NotAFile"


def test_too_large(env: Env) -> None:
    env.write("big.bin", b"x" * 11)
    env.write("fits.bin", b"y" * 10)
    out = env.run([("big.bin", "File"), ("fits.bin", "File")], limits=FetchLimits(max_bytes=10))
    assert out["ErrorCode"].to_list() == ["FileTooLarge", None]


def test_empty_file(env: Env) -> None:
    env.write("empty.png", b"")
    assert env.error("empty.png", "Image")[0] == "EmptyFile"


def test_unreadable_file(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    env.write("locked.bin", b"x")
    real_open = os.open

    def deny(path: str, flags: int, *args: object, **kw: object) -> int:
        if str(path).startswith(str(env.media.resolve())):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    code, message = env.error("locked.bin")
    assert code == "UnreadableFile" and "Permission denied" in message


def test_symlink_loop_is_unreadable(env: Env) -> None:
    (env.media / "a").symlink_to("b")
    (env.media / "b").symlink_to("a")
    assert env.error("a")[0] == "UnreadableFile"


# -- image checks ------------------------------------------------------------------------------------

def test_truncated_png(env: Env) -> None:
    data = image_bytes("PNG", (64, 64))
    env.write("cut.png", data[: len(data) // 2])
    code, message = env.error("cut.png", "Image")
    assert code == "InvalidImage" and message.startswith("cut.png: ")


def test_non_image_declared_image(env: Env) -> None:
    env.write("notes.png", b"just some text, not an image")
    code, message = env.error("notes.png", "Image")
    assert code == "InvalidImage" and "MediaType to File" in message


@pytest.mark.parametrize("size", [(11, 11), (20, 20)])  # over the cap (a warning in Pillow), over twice it (an error)
def test_decompression_bomb(env: Env, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    env.write("bomb.png", image_bytes("PNG", size))
    assert env.error("bomb.png", "Image")[0] == "InvalidImage"


def test_every_code_is_documented() -> None:
    assert set(ERROR_CODES) == {"NoMediaDir", "AbsolutePath", "PathTraversal", "SymlinkEscape", "UnsupportedScheme",
                                "FileNotFound", "NotAFile", "FileTooLarge", "EmptyFile", "InvalidImage",
                                "DownloadFailed", "UnreadableFile"}
    assert all(text.endswith(".") and "\n" not in text for text in ERROR_CODES.values())


# -- http(s) -----------------------------------------------------------------------------------------

PNG = image_bytes("PNG", (3, 2))


class Server:
    def __init__(self, base: str, release: threading.Event) -> None:
        self.base = base
        self.release = release

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            routes: dict[str, Callable[[], None]] = {
                "/ok.png": lambda: self.reply(200, PNG),
                "/big": lambda: self.reply(200, b"z" * 100),
                "/big-unannounced": lambda: self.reply(200, b"z" * 100, length=False),
                "/empty": lambda: self.reply(200, b""),
                "/slow": lambda: (release.wait(5), self.reply(200, b"late")),
                "/to-file": lambda: self.redirect("file:///etc/passwd"),
                "/to-ftp": lambda: self.redirect("ftp://example.invalid/x.png"),
                "/to-ok": lambda: self.redirect("/ok.png"),
                "/with space.png": lambda: self.reply(200, PNG),
            }
            routes.get(unquote(self.path), lambda: self.reply(404, b"not found"))()

        def reply(self, status: int, body: bytes, length: bool = True) -> None:
            self.send_response(status)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", release)
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()


def test_download_ok(env: Env, server: Server) -> None:
    out = env.run([(server.url("/ok.png"), "Image"), (server.url("/to-ok"), "Image"),
                   (server.url("/with space.png"), "Image")], media_dir=None)
    sha = hashlib.sha256(PNG).hexdigest()
    assert out["ErrorCode"].to_list() == [None] * 3
    assert out["MediaChecksum"].to_list() == [sha] * 3
    assert out.row(0, named=True)["ImageWidth"] == "3" and out.row(0, named=True)["ImageHeight"] == "2"
    assert Path(out["ScratchFile"][0]).read_bytes() == PNG and out["ScratchFile"].null_count() == 2


def test_download_404(env: Env, server: Server) -> None:
    code, message = env.error(server.url("/missing.png"), "Image")
    assert code == "DownloadFailed" and "404" in message and message.startswith(server.url("/missing.png"))


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_download_too_large(env: Env, server: Server, path: str) -> None:
    assert env.error(server.url(path), limits=FetchLimits(max_bytes=50))[0] == "FileTooLarge"


def test_download_empty(env: Env, server: Server) -> None:
    assert env.error(server.url("/empty"))[0] == "EmptyFile"


def test_download_timeout(env: Env, server: Server) -> None:
    code, message = env.error(server.url("/slow"), limits=FetchLimits(timeout=0.3))
    assert code == "DownloadFailed" and "0.3 s" in message


@pytest.mark.parametrize("path", ["/to-file", "/to-ftp"])
def test_redirect_to_another_scheme(env: Env, server: Server, path: str) -> None:
    assert env.error(server.url(path))[0] == "DownloadFailed"


def test_connection_refused(env: Env) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert env.error(f"http://127.0.0.1:{port}/x.png")[0] == "DownloadFailed"


def test_credentials_are_not_echoed(env: Env, server: Server) -> None:
    url = server.url("/ok.png").replace("http://", "http://user:hunter2@")
    code, message = env.error(url)
    assert code == "DownloadFailed" and "hunter2" not in message and message.startswith(server.url("/ok.png"))

