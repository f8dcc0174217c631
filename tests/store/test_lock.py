"""The tenant writer lock: one holder, a message naming it, a holder record that goes with the lock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolkit.errors import TenantBusyError
from toolkit.store import LockHolder, read_holder, tenant_lock
from toolkit.store.lock import HOLDER_FILE, STATE_DIR, busy_error


def test_holder_record_is_written_while_held_and_removed_after(tmp_path: Path) -> None:
    with tenant_lock(tmp_path, "t", command="omm import") as me:
        assert me.pid == os.getpid() and me.command == "omm import"
        assert me.started.endswith("Z") and len(me.started) == 20
        assert read_holder(tmp_path) == me
    assert read_holder(tmp_path) is None
    assert not (tmp_path / STATE_DIR / HOLDER_FILE).exists()


def test_second_writer_fails_at_once_naming_the_holder(tmp_path: Path) -> None:
    # flock belongs to the open file, so a second lock in the same process contends like another process.
    with tenant_lock(tmp_path, "contoso-dev", command="omm import") as me:
        with pytest.raises(TenantBusyError) as caught:
            with tenant_lock(tmp_path, "contoso-dev", command="omm settings"):
                pass  # pragma: no cover
    assert str(caught.value) == (f"tenant contoso-dev is being changed by `omm import` (pid {me.pid}, user {me.user}, "
                                 f"since {me.started}); wait for it or pass --wait SECONDS")
    assert caught.value.holder == me and caught.value.exit_code == 2


def test_waiting_writer_times_out_with_the_wait_in_the_message(tmp_path: Path) -> None:
    with tenant_lock(tmp_path, "t", command="omm import"):
        with pytest.raises(TenantBusyError, match=r"still held after waiting 0.2 s; wait for it"):
            with tenant_lock(tmp_path, "t", wait=0.2):
                pass  # pragma: no cover


def test_lock_is_free_again_after_release_and_after_an_exception(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        with tenant_lock(tmp_path, "t"):
            raise ValueError("boom")
    with tenant_lock(tmp_path, "t"):
        pass


def test_a_record_left_by_a_dead_process_is_not_blamed(tmp_path: Path) -> None:
    # The window between taking the lock and writing the record: an old record of a dead pid must
    # not be named as the holder.
    (tmp_path / STATE_DIR).mkdir()
    dead = LockHolder(2**22 + 12345, "ghost", os.uname().nodename, "omm import", "2020-01-01T00:00:00Z")
    (tmp_path / STATE_DIR / HOLDER_FILE).write_text(__import__("json").dumps(dead.to_dict()))
    err = busy_error("t", tmp_path, 0)
    assert str(err).startswith("tenant t is being changed by another omm process;") and err.holder is None


def test_unreadable_holder_record_still_gives_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / STATE_DIR).mkdir()
    (tmp_path / STATE_DIR / HOLDER_FILE).write_text("{not json")
    assert read_holder(tmp_path) is None
    assert "another omm process" in str(busy_error("t", tmp_path, 0))


def test_locking_a_removed_tenant_does_not_bring_it_back(tmp_path: Path) -> None:
    from toolkit.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="tenant gone does not exist"):
        with tenant_lock(tmp_path / "gone", "gone"):
            pass  # pragma: no cover
    assert not (tmp_path / "gone").exists()
