"""Chapter F: promote to production — copy contoso-dev's published content to contoso-prod, with a plan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from toolkit.demo.model import DEV, PROD, Chapter, DemoStep, Story
from toolkit.demo.publishing import CELL, VARIANT, resolve_step, won

if TYPE_CHECKING:
    from toolkit.copying import CopyOptions

MAPS = "--channel-map inputs/channel-map-dev-to-prod.tsv --locale-map inputs/locale-map-dev-to-prod.tsv"
COPY = f"omm copy --from {DEV} --to {PROD} --on-conflict latest --versions published {MAPS}"


def _options(story: Story) -> CopyOptions:
    from toolkit.copying import CopyOptions

    return CopyOptions(DEV, PROD, "latest", "published", channel_maps=(str(story / "inputs/channel-map-dev-to-prod.tsv"),),
                       locale_maps=(str(story / "inputs/locale-map-dev-to-prod.tsv"),)).checked()


def _plan(story: Story) -> DemoStep:
    from toolkit.copying import save_plan
    from toolkit.render import copying as render

    r = save_plan(story.ws, _options(story))
    counts = r.plan.assets, r.plan.assignment_sets
    return DemoStep("Plan the copy to production", f"{COPY} --plan",
                    story.shown(render.plan_text(r.plan), render.summary(r)),
                    r.plan_only and r.plan.changes and all(c.create > 0 for c in counts),
                    "Production has other channel ids and no German: every channel and locale must be mapped or "
                    "left out (here from the two maps), and the plan shows what would be created, replaced, kept "
                    "and dropped before anything is written.")


def _apply(story: Story) -> DemoStep:
    from toolkit.copying import plan_copy, run_copy
    from toolkit.render import copying as render

    opts = _options(story)
    r = run_copy(story.ws, opts, plan_copy(story.ws, opts))
    plan = render.plan_text(r.plan).splitlines()
    return DemoStep("Copy, without asking (--yes, for scripts)", f"{COPY} --yes",
                    (plan[0], "… (the plan again, as above)", *story.shown(render.summary(r))),
                    r.status == "Succeeded" and r.failed == 0 and r.succeeded > 0,
                    "One Copy job in contoso-prod: manifests, history, binaries and the plan are committed "
                    "together, ids and versions kept; copying again would change nothing.")


def steps(story: Story) -> Iterator[DemoStep]:
    yield _plan(story)
    yield _apply(story)
    yield resolve_step(story, "The same variant in production's online channel",
                       "OUN00001 became OUN10001: the copied sets resolve there exactly as they did in dev.",
                       VARIANT, won(CELL), tenant_id=PROD, channel="OUN10001", locale="en-us")


CHAPTER = Chapter("Promote to production: copy with a plan", steps)
