"""``tenant_writer``: the one way a command changes a tenant — lock, recover, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from toolkit.store.lock import tenant_lock
from toolkit.store.transaction import Transaction, recover
from toolkit.workspace import Tenant


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
