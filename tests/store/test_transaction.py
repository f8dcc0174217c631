"""Transactions in one process: staging, plan, commit, discard, path safety, recovery rules."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import polars as pl
import pytest
import xxhash

from toolkit.errors import InputError, UnsafePathError, WorkspaceError
from toolkit.store import Change, Recovery, Transaction, journal, recover, staged, tenant_writer
from toolkit.store.journal import JOURNAL, TXN_DIR
from toolkit.workspace import Tenant


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "t"
    (r / "cms").mkdir(parents=True)
    (r / "cms/media.tsv").write_bytes(b"old media\n")
    (r / "settings.tsv").write_bytes(b"old settings\n")
    (r / "keep.tsv").write_bytes(b"untouched\n")
    return r


def txn_area(root: Path) -> list[str]:
    area = root / ".omm" / TXN_DIR
    return sorted(p.name for p in area.iterdir()) if area.is_dir() else []


def test_commit_writes_creates_and_deletes_together(root: Path) -> None:
    with tenant_writer(Tenant("t", root), command="test") as txn:
        txn.write_bytes("cms/media.tsv", b"new media\n")
        txn.write_bytes("hq/products.tsv", b"new products\n")
        txn.delete("settings.tsv")
        assert (root / "cms/media.tsv").read_bytes() == b"old media\n"  # nothing visible before commit
    assert (root / "cms/media.tsv").read_bytes() == b"new media\n"
    assert (root / "hq/products.tsv").read_bytes() == b"new products\n"
    assert not (root / "settings.tsv").exists()
    assert (root / "keep.tsv").read_bytes() == b"untouched\n"
    assert txn.result is not None and [c.to_dict() for c in txn.result.changes] == [
        {"path": "cms/media.tsv", "change": "replace", "size": 10},
        {"path": "hq/products.tsv", "change": "create", "size": 13},
        {"path": "settings.tsv", "change": "delete", "size": None}]
    assert txn_area(root) == []


def test_an_exception_discards_everything(root: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        with tenant_writer(Tenant("t", root)) as txn:
            txn.write_bytes("cms/media.tsv", b"new\n")
            txn.delete("keep.tsv")
            raise KeyboardInterrupt
    assert (root / "cms/media.tsv").read_bytes() == b"old media\n" and (root / "keep.tsv").exists()
    assert txn_area(root) == []


def test_dry_run_plans_and_changes_nothing(root: Path) -> None:
    with tenant_writer(Tenant("t", root), dry_run=True) as txn:
        txn.write_bytes("cms/media.tsv", b"new\n")
        txn.write_bytes("keep.tsv", b"untouched\n")  # same bytes: not a change
        txn.delete("missing.tsv")  # nothing to delete: not a change
        plan = txn.plan()
    assert plan == (Change("cms/media.tsv", "replace", 4),)
    assert [op.path for op in txn.operations] == ["cms/media.tsv", "keep.tsv", "missing.tsv"]
    assert (root / "cms/media.tsv").read_bytes() == b"old media\n" and txn.result is None
    assert txn_area(root) == []


def test_identical_content_commits_nothing(root: Path) -> None:
    before = (root / "keep.tsv").stat().st_mtime_ns
    with tenant_writer(Tenant("t", root)) as txn:
        txn.write_bytes("keep.tsv", b"untouched\n")
    assert txn.result is not None and not txn.result.changed
    assert (root / "keep.tsv").stat().st_mtime_ns == before


def test_last_write_of_a_path_wins_and_delete_cancels_a_write(root: Path) -> None:
    with tenant_writer(Tenant("t", root)) as txn:
        txn.write_bytes("a.tsv", b"one")
        txn.write_bytes("a.tsv", b"two")
        txn.write_bytes("b.tsv", b"staged, then deleted")
        txn.delete("b.tsv")
        assert len(txn.operations) == 2 and len(list(txn.dir.iterdir())) == 1  # the dropped staged files are gone
    assert (root / "a.tsv").read_bytes() == b"two" and not (root / "b.tsv").exists()


def test_streaming_writes_copy_move_and_open(root: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 << 20))
    with tenant_writer(Tenant("t", root)) as txn:
        txn.write_file("cms/blobs/aa/copy", big)
        scratch = txn.scratch_path(".bin")
        scratch.write_bytes(b"made in place")
        txn.write_file("cms/blobs/bb/moved", scratch, move=True)
        with txn.open_write("jobs/j1/result.tsv") as fh:
            fh.write(b"streamed\n")
        assert txn.staged_path("jobs/j1/result.tsv").read_bytes() == b"streamed\n"
        assert not scratch.exists()
    assert (root / "cms/blobs/aa/copy").read_bytes() == big.read_bytes() and big.exists()
    assert (root / "cms/blobs/bb/moved").read_bytes() == b"made in place"
    assert (root / "jobs/j1/result.tsv").read_bytes() == b"streamed\n"


@pytest.mark.parametrize("cached", [True, False])
def test_a_streamed_file_is_recorded_with_the_digest_of_its_bytes(root: Path, cached: bool) -> None:
    # Hashed as written (never read back): Polars' writer, bytes, bytearrays and views all count;
    # the same through the page cache or past it (toolkit.store.unbuffered).
    frame = pl.DataFrame({"a": [f"v{i}" for i in range(50_000)], "b": [None, "x"] * 25_000})
    txn = Transaction(root)
    with txn.open_write("hq/out.tsv", cached=cached) as fh:
        fh.write(b"a\tb\n")
        frame.write_csv(fh, separator="\t", include_header=False)
        fh.write(bytearray(b"tail"))
        fh.write(memoryview(b"!\n"))
        told = fh.tell()
    data = txn.staged_path("hq/out.tsv").read_bytes()
    assert told == len(data)
    (op,) = txn.operations
    assert (op.digest, op.size) == ("xxh3-128:" + xxhash.xxh3_128_hexdigest(data), len(data))
    assert data.endswith(b"tail!\n") and data.count(b"\n") == 50_002
    txn.commit()
    assert (root / "hq/out.tsv").read_bytes() == data


def test_a_large_streamed_file_starts_its_writeback_as_it_goes(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every WRITEBACK_BYTES the written range is handed to the kernel, contiguous and in order,
    # and the real call (sync_file_range on Linux, nothing elsewhere) is harmless.
    monkeypatch.setattr(staged, "WRITEBACK_BYTES", 1000)
    ranges: list[tuple[int, int]] = []
    real = staged.start_writeback
    monkeypatch.setattr(staged, "start_writeback",
                        lambda fd, offset, length: ranges.append((offset, length)) or real(fd, offset, length))
    txn = Transaction(root)
    with txn.open_write("hq/big.tsv") as fh:
        for _ in range(7):
            fh.write(b"x" * 600)
    assert ranges == [(0, 1200), (1200, 1200), (2400, 1200)]
    txn.commit()
    assert (root / "hq/big.tsv").read_bytes() == b"x" * 4200


@pytest.mark.parametrize("cached", [True, False])
def test_a_stream_that_fails_leaves_no_staged_file(root: Path, cached: bool) -> None:
    txn = Transaction(root)
    with pytest.raises(RuntimeError, match="encoder failed"), txn.open_write("hq/out.tsv", cached=cached) as fh:
        fh.write(b"x" * 10_000)
        raise RuntimeError("encoder failed")
    assert txn.operations == () and list(txn.dir.iterdir()) == []
    txn.commit()
    assert not (root / "hq/out.tsv").exists()


def test_holds_answers_from_what_it_was_told_else_hashes_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.store import digests as digest_module

    calls: list[str] = []
    real = digest_module.file_digest
    monkeypatch.setattr(digest_module, "file_digest", lambda p, a=digest_module.FAST: calls.append(p.name) or real(p, a))
    new = b"old media\n"
    digest = "xxh3-128:" + xxhash.xxh3_128_hexdigest(new)
    txn = Transaction(root)
    assert txn.holds("cms/media.tsv", digest, len(new)) and calls == ["media.tsv"]
    assert not txn.holds("cms/media.tsv", digest, len(new) + 1)  # another size: no hash needed
    txn.write_bytes("cms/media.tsv", new)
    assert txn.commit().changes == () and calls == ["media.tsv"]  # commit used the remembered answer
    told, settings = Transaction(root), b"old settings\n"
    told.know("settings.tsv", "sha256:" + hashlib.sha256(settings).hexdigest(), len(settings))
    assert told.holds("settings.tsv", "sha256:" + hashlib.sha256(settings).hexdigest(), len(settings))
    assert calls == ["media.tsv"]
    # A digest of another algorithm cannot be compared with what it was told: the file is hashed.
    assert told.holds("settings.tsv", "xxh3-128:" + xxhash.xxh3_128_hexdigest(settings), len(settings))
    assert calls == ["media.tsv", "settings.tsv"]


def test_a_replaced_file_keeps_its_permissions(root: Path) -> None:
    os.chmod(root / "settings.tsv", 0o640)
    with tenant_writer(Tenant("t", root)) as txn:
        txn.write_bytes("settings.tsv", b"new\n")
    assert (root / "settings.tsv").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("rel", ["/etc/passwd", "../outside.tsv", "cms/../../outside.tsv", "", ".", "a\\b.tsv",
                                 "C:/x.tsv", ".omm/lock", "./.omm/txn/x", "a\x00b"])
def test_unsafe_paths_are_refused(root: Path, rel: str) -> None:
    txn = Transaction(root)
    with pytest.raises(UnsafePathError) as caught:
        txn.write_bytes(rel, b"x")
    assert caught.value.rule == "unsafe_path" and caught.value.exit_code == 2
    with pytest.raises(UnsafePathError):
        txn.delete(rel)
    assert txn.operations == () and txn_area(root) == []


def test_a_symlink_out_of_the_tenant_is_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (root / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePathError, match="symbolic link"):
        Transaction(root).write_bytes("link/evil.tsv", b"x")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_path_that_could_only_fail_while_applying_is_refused_before(root: Path) -> None:
    txn = Transaction(root)
    with pytest.raises(InputError, match="is a directory"):
        txn.write_bytes("cms", b"x")
    with pytest.raises(InputError, match="keep.tsv is a file"):
        txn.write_bytes("keep.tsv/child", b"x")


def test_a_transaction_commits_once(root: Path) -> None:
    txn = Transaction(root)
    txn.write_bytes("a.tsv", b"a")
    txn.commit()
    with pytest.raises(RuntimeError, match="already committed"):
        txn.write_bytes("b.tsv", b"b")


# -- recovery ----------------------------------------------------------------------------------------

def _committed_but_not_applied(root: Path) -> Transaction:
    """A transaction stopped right after its commit point (what a kill -9 there leaves)."""
    txn = Transaction(root, command="test")
    txn.write_bytes("cms/media.tsv", b"new media\n")
    txn.delete("settings.tsv")
    journal.publish(txn.dir, txn.id, txn.command, list(txn.operations))
    return txn


def test_recover_is_a_no_op_when_nothing_is_pending(root: Path) -> None:
    assert recover(root) == Recovery()


def test_recover_rolls_a_committed_journal_forward(root: Path) -> None:
    txn = _committed_but_not_applied(root)
    journal = json.loads((txn.dir / JOURNAL).read_text())
    assert journal["format"] == "omm-journal/2" and [o["action"] for o in journal["operations"]] == ["write", "delete"]
    assert recover(root) == Recovery(rolled_forward=(txn.id,))
    assert (root / "cms/media.tsv").read_bytes() == b"new media\n" and not (root / "settings.tsv").exists()
    assert txn_area(root) == []


def test_recover_rolls_forward_a_journal_of_the_previous_format(root: Path) -> None:
    # omm-journal/1 recorded a bare SHA-256 hex under "sha256": a crash before an upgrade still completes.
    txn = _committed_but_not_applied(root)
    journal = json.loads((txn.dir / JOURNAL).read_text())
    for op in journal["operations"]:
        digest = op.pop("digest")
        op["sha256"] = digest and hashlib.sha256(b"new media\n").hexdigest()
    (txn.dir / JOURNAL).write_text(json.dumps({**journal, "format": "omm-journal/1"}))
    assert recover(root) == Recovery(rolled_forward=(txn.id,))
    assert (root / "cms/media.tsv").read_bytes() == b"new media\n" and not (root / "settings.tsv").exists()


def test_recover_refuses_a_journal_whose_digest_it_does_not_know(root: Path) -> None:
    txn = _committed_but_not_applied(root)
    journal = json.loads((txn.dir / JOURNAL).read_text())
    journal["operations"][0]["digest"] = "md4:00"
    (txn.dir / JOURNAL).write_text(json.dumps(journal))
    with pytest.raises(WorkspaceError, match="unknown digest algorithm in 'md4:00'"):
        recover(root)
    assert (root / "cms/media.tsv").read_bytes() == b"old media\n"


def test_recover_rolls_staging_without_a_journal_back(root: Path) -> None:
    txn = Transaction(root)
    txn.write_bytes("cms/media.tsv", b"never committed\n")
    assert recover(root) == Recovery(rolled_back=(txn.id,))
    assert (root / "cms/media.tsv").read_bytes() == b"old media\n" and txn_area(root) == []


def test_recover_refuses_a_damaged_staged_file(root: Path) -> None:
    txn = _committed_but_not_applied(root)
    staged = txn.staged_path("cms/media.tsv")
    assert staged is not None
    staged.write_bytes(b"bit rot\n")
    with pytest.raises(WorkspaceError, match="staged copy of cms/media.tsv is damaged"):
        recover(root)
    assert (root / "cms/media.tsv").read_bytes() == b"old media\n"


def test_recover_refuses_a_target_that_is_neither_old_nor_new(root: Path) -> None:
    txn = _committed_but_not_applied(root)
    staged = txn.staged_path("cms/media.tsv")
    assert staged is not None
    staged.unlink()  # as if applied …
    with pytest.raises(WorkspaceError, match="neither its old nor its new content"):
        recover(root)  # … but the target does not hold the journal's digest


@pytest.mark.parametrize("body", ["{broken", '{"format": "other/9", "operations": []}',
                                  '{"format": "omm-journal/1", "operations": [{"action": "write", "path": "../x"}]}'])
def test_recover_refuses_a_journal_it_cannot_trust(root: Path, body: str) -> None:
    area = root / ".omm" / TXN_DIR / "00000000000000000001-1-abcd"
    area.mkdir(parents=True)
    (area / JOURNAL).write_text(body)
    with pytest.raises((WorkspaceError, UnsafePathError)):
        recover(root)


def test_ctrl_c_after_the_commit_point_finishes_the_commit(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    real = journal._crash_point
    calls = {"n": 0}

    def interrupt_once(step: str) -> None:
        if step == "applied:1" and calls["n"] == 0:
            calls["n"] += 1
            raise KeyboardInterrupt
        real(step)

    monkeypatch.setattr(journal, "_crash_point", interrupt_once)
    txn = Transaction(root)
    txn.write_bytes("cms/media.tsv", b"new\n")
    txn.write_bytes("settings.tsv", b"new settings\n")
    with pytest.raises(KeyboardInterrupt):
        txn.commit()
    assert (root / "cms/media.tsv").read_bytes() == b"new\n" and (root / "settings.tsv").read_bytes() == b"new settings\n"
    assert txn.result is not None and txn.result.changed and txn_area(root) == []


def test_an_interrupted_discard_never_leaves_a_journal(root: Path) -> None:
    txn = _committed_but_not_applied(root)
    txn.discard()  # e.g. Ctrl-C right after the rename: the change is dropped whole
    assert recover(root) == Recovery() and (root / "cms/media.tsv").read_bytes() == b"old media\n"
