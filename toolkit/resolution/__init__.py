"""Resolution (SPEC §5) and sync (SPEC §6): which assignment set a product shows, per channel and locale.

::

    from toolkit.resolution import flatten, load, resolve, sync

    r = resolve(t, "93039-001", channel="OUN00001", locale="en-us")      # tier cms (published)
    r.ladder, r.source, r.default_image, r.items; r.to_dict()          # the JSON of omm resolve
    resolve(t, "81120", tier="draft")                                   # as if every draft were published
    resolve(t, "81120", tier="hq")                                      # what the last sync flattened
    flatten(load(t, "cms"))                                             # every flattened row, as a frame
    s = sync(t, to="all", full=False)                                   # omm sync, as a Sync job
    s.to_dict()                                                         # {"job", "status", "rows", "result", …}

Inside another job (``omm publish`` runs sync), ``stage_sync(t, job.txn)`` stages the outputs in
that job's transaction and reads the files it has staged in their new content.

Modules: ``inputs`` (what is read, tiers), ``ladder`` (targets, rungs, entity candidates),
``engine`` (the joins), ``resolve`` (one product, the ladder walked), ``outputs`` (the files),
``state`` (incremental sync's hashes and ``hq/.sync-state``), ``chunks`` (streamed writing),
``sync`` (the command).
"""

from toolkit.resolution.engine import flatten
from toolkit.resolution.inputs import Inputs, load
from toolkit.resolution.resolve import Item, Resolution, Rung, Source, resolve
from toolkit.resolution.sync import SyncFile, SyncPlan, SyncResult, stage_sync, sync

__all__ = ["Inputs", "Item", "Resolution", "Rung", "Source", "SyncFile", "SyncPlan", "SyncResult", "flatten", "load",
           "resolve", "stage_sync", "sync"]
