"""A writer process for the crash and concurrency tests (run: ``python -m tests.store.crasher …``).

``commit ROOT``   applies the big transaction of :func:`stage` to the tenant at ROOT: 45 files of
                  200 KB replaced, 5 created in a new directory, 5 deleted (55 operations). Prints
                  ``ready`` once imported, so the test can time its SIGKILL from the start of the work.
``recover ROOT``  runs :func:`toolkit.store.recover` (so a recovery can be crashed too).
``hold WORKSPACE TENANT NAME VALUE RELEASE_FILE``  takes the tenant's writer lock, reads settings.tsv,
                  prints ``locked``, waits until RELEASE_FILE exists, then sets NAME=VALUE and commits.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.store import Transaction

FILES = 50
EXISTING = 45  # f00…f44 exist before; f45…f49 are created under new/
DELETED = 5
SIZE = 200_000


def old_content(i: int) -> bytes:
    return random.Random(i).randbytes(SIZE)


def new_content(i: int) -> bytes:
    return random.Random(10_000 + i).randbytes(SIZE)


def target(i: int) -> str:
    return f"data/f{i:02d}.bin" if i < EXISTING else f"new/sub/f{i:02d}.bin"


def setup_tenant(root: Path) -> None:
    """The "before" state: EXISTING data files, DELETED files to delete, and a file nobody touches."""
    (root / "data").mkdir(parents=True)
    (root / "gone").mkdir()
    for i in range(EXISTING):
        (root / target(i)).write_bytes(old_content(i))
    for i in range(DELETED):
        (root / f"gone/g{i}.txt").write_text(f"to be deleted {i}\n")
    (root / "untouched.txt").write_text("never part of the transaction\n")


def stage(txn: Transaction) -> None:
    for i in range(FILES):
        txn.write_bytes(target(i), new_content(i))
    for i in range(DELETED):
        txn.delete(f"gone/g{i}.txt")


def _commit(root: Path) -> None:
    from toolkit.store import tenant_writer
    from toolkit.workspace import Tenant

    print("ready", flush=True)
    with tenant_writer(Tenant(root.name, root), command="crasher commit") as txn:
        stage(txn)


def _hold(workspace: str, tenant_id: str, name: str, value: str, release: str) -> None:
    from toolkit.store import tenant_writer
    from toolkit.tenants import check_setting, stage_setting
    from toolkit.workspace import tenant

    t = tenant(Path(workspace), tenant_id)
    with tenant_writer(t, command="crasher hold") as txn:
        before = (t.root / "settings.tsv").read_bytes()
        print("locked", flush=True)
        while not Path(release).exists():
            time.sleep(0.02)
        assert (t.root / "settings.tsv").read_bytes() == before  # nobody wrote while we held the lock
        stage_setting(txn, t, name, check_setting(name, value))


def main(argv: list[str]) -> None:
    if argv[0] == "commit":
        _commit(Path(argv[1]))
    elif argv[0] == "recover":
        from toolkit.store import recover

        recover(Path(argv[1]))
    elif argv[0] == "hold":
        _hold(*argv[1:6])
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
