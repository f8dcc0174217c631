"""The tenant store's safety layer (SPEC §7): one writer per tenant, all-or-nothing commits.

Every command that changes a tenant does so through :func:`tenant_writer`::

    from toolkit.store import tenant_writer
    from toolkit.workspace import resolve_workspace, tenant

    t = tenant(resolve_workspace(), "contoso-dev")
    with tenant_writer(t, wait=0, command="omm import") as txn:
        old = (t.root / "cms/media.tsv").read_bytes()      # read inside: the lock is held
        txn.write_bytes("cms/media.tsv", new_bytes)
        txn.write_file("cms/blobs/ab/abcdef…", scratch, move=True)
        txn.delete("jobs/old/plan.tsv")
    txn.result.changes                                        # what was committed

docs/safety.md describes the lock, the journal, the commit point and recovery.
"""

from toolkit.store.journal import CRASH_ENV, CRASH_STEPS, Operation, Recovery, recover
from toolkit.store.lock import LockHolder, read_holder, tenant_lock
from toolkit.store.paths import tenant_relative
from toolkit.store.transaction import Change, CommitResult, Transaction
from toolkit.store.writer import settle, tenant_writer

__all__ = ["CRASH_ENV", "CRASH_STEPS", "Change", "CommitResult", "LockHolder", "Operation", "Recovery",
           "Transaction", "read_holder", "recover", "settle", "tenant_lock", "tenant_relative", "tenant_writer"]
