from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import xxhash

from toolkit.store.digests import FAST, SHA256, file_digest, hasher, recorded, same_content, tagged

DATA = b"media\tbytes\n" * 100_000  # more than one read chunk


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "f.bin"
    p.write_bytes(DATA)
    return p


def test_a_file_digest_names_its_algorithm_and_matches_the_reference(path: Path) -> None:
    assert file_digest(path) == (f"xxh3-128:{xxhash.xxh3_128_hexdigest(DATA)}", len(DATA))
    assert file_digest(path, SHA256) == (f"sha256:{hashlib.sha256(DATA).hexdigest()}", len(DATA))


def test_an_incremental_hasher_equals_the_whole_file_digest(path: Path) -> None:
    h = hasher(FAST)
    for i in range(0, len(DATA), 7777):
        h.update(memoryview(DATA)[i:i + 7777])
    assert tagged(FAST, h.hexdigest()) == file_digest(path)[0]


def test_same_content_checks_size_then_digest_in_the_digest_s_own_algorithm(path: Path, tmp_path: Path) -> None:
    for algorithm in (FAST, SHA256):
        digest, size = file_digest(path, algorithm)
        assert same_content(path, digest, size)
        assert not same_content(path, digest, size + 1)
        assert not same_content(path, tagged(algorithm, "0" * 32), size)
    assert not same_content(path, "md4:00", len(DATA))  # an algorithm this version does not know
    assert not same_content(tmp_path / "absent", file_digest(path)[0], len(DATA))
    assert not same_content(tmp_path, file_digest(path)[0], len(DATA))  # a directory


def test_recorded_digests_of_older_records_are_sha256_and_unknown_algorithms_are_refused() -> None:
    bare = hashlib.sha256(b"x").hexdigest()
    assert recorded(bare) == f"sha256:{bare}"
    assert recorded("xxh3-128:ab") == "xxh3-128:ab"
    with pytest.raises(ValueError, match="unknown digest algorithm in 'md4:00'"):
        recorded("md4:00")
    with pytest.raises(ValueError, match="unknown digest algorithm 'md4'"):
        hasher("md4")
