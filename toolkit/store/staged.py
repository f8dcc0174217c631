"""A staged file as it is streamed: hashed and measured as the bytes go by (sync writes gigabytes,
never read back just to be hashed), its writeback to disk started early when it goes through the
page cache, so the fsync before commit finds little left."""

from __future__ import annotations

import io
from typing import BinaryIO

from toolkit.store.digests import FAST, hasher, tagged
from toolkit.store.paths import start_writeback
from toolkit.store.unbuffered import UnbufferedFile

# A staged file written through the page cache asks the kernel to start writing it to disk every
# this many bytes.
WRITEBACK_BYTES = 64 << 20


class DigestingWriter(io.RawIOBase):
    """A staged file being written: its digest and size are taken as the bytes go by, so a large
    output (sync writes gigabytes) is never read back just to be hashed."""

    def __init__(self, fh: BinaryIO | UnbufferedFile, fd: int | None = None, algorithm: str = FAST) -> None:
        super().__init__()
        self._fh = fh
        self._fd = fd  # set for a file written through the page cache: its writeback is started early
        self._algorithm = algorithm
        self._hash = hasher(algorithm)
        self.size = 0
        self._written_back = 0  # bytes whose writeback to disk has been started

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        self._hash.update(view)
        self._fh.write(view)  # writes all of it, or raises
        self.size += view.nbytes
        if self._fd is not None and self.size - self._written_back >= WRITEBACK_BYTES:
            self._fh.flush()
            start_writeback(self._fd, self._written_back, self.size - self._written_back)
            self._written_back = self.size
        return view.nbytes

    def tell(self) -> int:
        return self._fh.tell()

    def flush(self) -> None:
        if self._fd is not None:
            self._fh.flush()

    def digest(self) -> str:
        return tagged(self._algorithm, self._hash.hexdigest())
