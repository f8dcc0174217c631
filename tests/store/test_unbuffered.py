from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from toolkit.store import unbuffered
from toolkit.store.unbuffered import ALIGN, BUFFER, UnbufferedFile, UnbufferedReader

SIZES = [0, 1, ALIGN - 1, ALIGN, ALIGN + 1, BUFFER - 1, BUFFER, BUFFER + 1, 2 * BUFFER + 12345]


def _data(n: int) -> bytes:
    return (bytes((i * 7 + n) % 251 for i in range(min(n, 1 << 16))) * (n // (1 << 16) + 1))[:n]


def _allows_o_direct(directory: Path) -> bool:
    try:
        fd = os.open(directory / "probe", os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o666)
    except (AttributeError, OSError):
        return False
    os.close(fd)
    (directory / "probe").unlink()
    return True


def _write(path: Path, data: bytes, piece: int) -> UnbufferedFile:
    out = UnbufferedFile(path)
    view = memoryview(data)
    for i in range(0, len(data), piece):
        assert out.write(view[i:i + piece]) == len(view[i:i + piece])
    assert out.tell() == len(data)
    out.close()
    return out


@pytest.mark.parametrize("size", SIZES)
def test_the_file_holds_exactly_the_bytes_written_whatever_their_length(tmp_path: Path, size: int) -> None:
    data = _data(size)
    for piece in (1000, BUFFER + 7):  # smaller and larger than the buffer
        path = tmp_path / f"out-{piece}"
        _write(path, data, piece)
        assert path.read_bytes() == data


def test_direct_io_is_used_where_the_file_system_allows_it(tmp_path: Path) -> None:
    out = _write(tmp_path / "out", _data(BUFFER + 1), 1 << 20)
    assert out.direct == _allows_o_direct(tmp_path)
    assert (tmp_path / "out").read_bytes() == _data(BUFFER + 1)


@pytest.fixture
def refused_at_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system that refuses O_DIRECT when a file is opened (as tmpfs did before Linux 6.6)."""
    real = os.open

    def refusing(path: str, flags: int, mode: int = 0o777) -> int:
        if flags & unbuffered._O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(path, flags, mode)

    monkeypatch.setattr(unbuffered, "_O_DIRECT", getattr(os, "O_DIRECT", 0o40000))
    monkeypatch.setattr(os, "open", refusing)


@pytest.mark.usefixtures("refused_at_open")
def test_a_file_system_that_refuses_o_direct_at_open_is_written_through_the_cache(tmp_path: Path) -> None:
    data = _data(ALIGN + 3)
    out = _write(tmp_path / "out", data, 100)
    assert not out.direct and (tmp_path / "out").read_bytes() == data


def test_a_file_system_that_refuses_the_first_direct_write_is_written_through_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not getattr(os, "O_DIRECT", 0):
        pytest.skip("no O_DIRECT on this platform")
    real = os.write
    calls = {"n": 0}

    def refusing_once(fd: int, data: memoryview) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(fd, data)

    monkeypatch.setattr(os, "write", refusing_once)
    data = _data(BUFFER + 5)
    out = _write(tmp_path / "out", data, 1 << 20)
    assert not out.direct and (tmp_path / "out").read_bytes() == data


def test_other_errors_are_raised_and_abandon_leaves_the_caller_to_remove_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: memoryview) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    out = UnbufferedFile(tmp_path / "out")
    monkeypatch.setattr(os, "write", full)
    out.write(bytes(BUFFER))  # written behind, by the helper: its error comes at the next wait
    with pytest.raises(OSError, match="No space left"):
        out.write(bytes(BUFFER))
    with pytest.raises(OSError, match="No space left"):
        out.close()  # the tail's write fails too; close still closes
    out.abandon()
    out.abandon()  # twice is harmless
    assert (tmp_path / "out").exists()


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "out").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        UnbufferedFile(tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == b"keep"


@pytest.fixture
def big(tmp_path: Path) -> bytes:
    data = _data(2 * BUFFER + 5000)
    (tmp_path / "big").write_bytes(data)
    return data


@pytest.mark.parametrize(("offset", "length"), [(0, 0), (5, 0), (0, 1), (1, ALIGN), (ALIGN - 1, 2), (ALIGN, BUFFER),
                                                (12345, BUFFER + 999), (0, 2 * BUFFER + 5000),
                                                (2 * BUFFER + 4999, 1), (BUFFER - 3, BUFFER + 6)])
def test_a_range_reads_exactly_its_bytes(tmp_path: Path, big: bytes, offset: int, length: int) -> None:
    with UnbufferedReader(tmp_path / "big") as src:
        got = b"".join(bytes(p) for p in src.pieces(offset, length))
        again = b"".join(bytes(p) for p in src.pieces(0, 10))  # ranges in any order
    assert got == big[offset:offset + length] and again == big[:10]
    assert src.direct == _allows_o_direct(tmp_path) or not src.direct


def test_a_range_past_the_end_raises(tmp_path: Path, big: bytes) -> None:
    with UnbufferedReader(tmp_path / "big") as src, pytest.raises(OSError, match="the file ended at byte"):
        for _ in src.pieces(len(big) - 10, 20):
            pass


@pytest.mark.usefixtures("refused_at_open")
def test_a_reader_on_a_file_system_that_refuses_o_direct_reads_through_the_cache(tmp_path: Path, big: bytes) -> None:
    with UnbufferedReader(tmp_path / "big") as src:
        assert b"".join(bytes(p) for p in src.pieces(3, 5000)) == big[3:5003] and not src.direct


def test_a_reader_refused_at_its_first_read_reads_through_the_cache(
        tmp_path: Path, big: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    if not _allows_o_direct(tmp_path):
        pytest.skip("this file system does not do direct I/O")
    real = os.preadv
    calls = {"n": 0}

    def refusing_once(fd: int, buffers: list[object], offset: int) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(fd, buffers, offset)

    monkeypatch.setattr(os, "preadv", refusing_once)
    with UnbufferedReader(tmp_path / "big") as src:
        assert b"".join(bytes(p) for p in src.pieces(0, 100)) == big[:100] and not src.direct
