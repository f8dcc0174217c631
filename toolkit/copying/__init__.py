"""``omm copy`` (SPEC §6, issue 6): copy assets, assignment sets and their binaries between tenants.

    from toolkit.copying import CopyOptions, plan_copy, run_copy, save_plan

    opts = CopyOptions("contoso-dev", "contoso-prod", on_conflict="latest", versions="all",
                       channel_maps=("channel-map.tsv",), locale_maps=("locale-map.tsv",))
    plan = plan_copy(workspace, opts)        # frozen CopyPlan; plan.to_dict() is the --plan JSON
    save_plan(workspace, opts)               # --plan: a plan-only Copy job with jobs/<id>/plan.tsv
    run_copy(workspace, opts, plan)          # one Copy job in the destination; .to_dict() is the job JSON

Modules: ``options`` (what decides a copy), ``snapshot`` (what is read, and whether it changed),
``mapping`` (the channel/locale pre-flight), ``incoming`` (the source's rows as the destination
would receive them), ``units`` (create/replace/keep/drop per asset and per set), ``checks``
(plan errors), ``plan`` (the frozen plan), ``apply`` (staging in the job), ``job`` (running it),
``retry`` (``omm jobs retry`` of a Copy job).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Imported lazily, so that `omm copy --help` (which reads POLICIES and VERSIONS) does not load Polars.
_API = {"CopyResult": "job", "plan_copy": "job", "run_copy": "job", "save_plan": "job", "Mapping": "mapping",
        "POLICIES": "options", "VERSIONS": "options", "CopyOptions": "options", "Binaries": "plan",
        "CopyPlan": "plan", "Counts": "plan"}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(f"toolkit.copying.{_API[name]}"), name)
    raise AttributeError(f"module 'toolkit.copying' has no attribute {name!r}")
