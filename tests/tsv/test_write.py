"""toolkit.tsv.write.atomic_write: file modes (mkstemp alone would make every manifest private)."""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.tsv.write import _UMASK, atomic_write


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    p = tmp_path / "m.tsv"
    atomic_write(p, b"a\n")
    assert p.stat().st_mode & 0o777 == 0o666 & ~_UMASK


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    p = tmp_path / "m.tsv"
    p.write_bytes(b"old\n")
    os.chmod(p, 0o640)
    atomic_write(p, b"new\n")
    assert (p.read_bytes(), p.stat().st_mode & 0o777) == (b"new\n", 0o640)
    assert [f.name for f in tmp_path.iterdir()] == ["m.tsv"]
