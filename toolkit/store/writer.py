"""``tenant_writer``: the one way a command changes a tenant — lock, recover, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.store.journal import JOURNAL, TXN_DIR, recover
from toolkit.store.lock import STATE_DIR, tenant_lock, try_lock
from toolkit.store.transaction import Transaction
from toolkit.workspace import Tenant


def settle(root: Path) -> bool:
    """Complete a killed writer's *committed* transaction before anyone reads the tenant.

    A writer killed past its commit point leaves the tenant half renamed until the next writer's
    recovery; a reader (export, validate, jobs) must not see that mix (SPEC §7: before or after,
    never between). When a committed journal is there and nobody holds the lock, finish it now;
    when a writer holds the lock, that writer finishes it. Returns True when it completed one.
    Cheap otherwise: one directory listing. A reader that may not write leaves it to the next writer.
    """
    area = root / STATE_DIR / TXN_DIR
    try:
        committed = any((entry / JOURNAL).is_file() for entry in area.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return False
    if not committed:
        return False
    with try_lock(root) as free:
        if not free:
            return False
        try:
            return bool(recover(root).rolled_forward)
        except OSError:
            return False


@contextmanager
def tenant_writer(tenant: Tenant, *, wait: float = 0, command: str = "omm",
                  dry_run: bool = False) -> Iterator[Transaction]:
    """Take the tenant's writer lock (waiting up to ``wait`` seconds; raises
    :class:`toolkit.errors.TenantBusyError` naming the holder), finish whatever a killed writer
    left (:func:`recover`), and yield a :class:`Transaction`.

    When the block ends normally the transaction is committed (``txn.result`` then holds the
    :class:`CommitResult`); when it raises — KeyboardInterrupt included — everything staged is
    dropped and the tenant is unchanged. With ``dry_run`` nothing is committed: call
    ``txn.plan()`` inside the block to report what would change. The lock is released either way.

    Read the tenant's files *inside* the block: only then is what you read what you replace.
    """
    with tenant_lock(tenant.root, tenant.id, wait=wait, command=command):
        recovered = recover(tenant.root)
        txn = Transaction(tenant.root, command=command)
        txn.recovered = recovered
        try:
            yield txn
        except BaseException:
            txn.discard()
            raise
        if dry_run:
            txn.discard()
        else:
            txn.commit()
