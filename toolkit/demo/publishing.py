"""Chapter C: publish drafts, sync them to HQ, the channels and search, and ask why a product shows what it shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from toolkit.demo.model import DEV, Chapter, DemoStep, Story
from toolkit.errors import OmmError

if TYPE_CHECKING:
    from toolkit.publishing import PublishResult
    from toolkit.resolution.resolve import Resolution
    from toolkit.resolution.sync import SyncResult

# fixtures/README.md, "Expected resolutions": 93039-001 → cell 93039|Color:Black, in every channel and locale.
VARIANT, CELL = "93039-001", "93039|Color:Black"
SYNC_OUTPUTS = 5  # hq/media_assignments.tsv, three channels' csu files, search/default_images.tsv


def publish_lines(story: Story, result: PublishResult) -> tuple[str, ...]:
    from toolkit.render import publishing as render

    return story.shown(render.publish_lines(result), render.publish_message(result))


def sync_lines(story: Story, result: SyncResult) -> tuple[str, ...]:
    from toolkit.render import resolution as render

    return story.shown(render.sync_result(result, "text"), render.sync_message(result))


def resolve_step(story: Story, title: str, why: str, product: str, check: Callable[[Resolution], bool], *,
                 tenant_id: str = DEV, channel: str | None = None, locale: str | None = None,
                 tier: str = "cms") -> DemoStep:
    """``omm resolve``; the step is ok when ``check`` accepts the resolution."""
    from toolkit.render.resolution import resolution
    from toolkit.resolution.resolve import resolve

    r = resolve(story.tenant(tenant_id), product, channel, locale, tier)
    options = "".join(f" --{name} {value}" for name, value in (("channel", channel), ("locale", locale)) if value)
    command = f"omm resolve {product} --tenant {tenant_id}{options}" + (f" --tier {tier}" if tier != "cms" else "")
    return DemoStep(title, command, story.shown(resolution(r, "text")), check(r), why)


def won(entity_key_value: str) -> Callable[[Resolution], bool]:
    """A check of a resolution: the set of ``entity_key_value`` won."""
    return lambda r: r.source is not None and r.source.entity_key_value == entity_key_value


def _checkin(story: Story) -> DemoStep:
    from toolkit import checkout
    from toolkit.render import checkout as render

    r = checkout.run(story.tenant(), "81120", "checkin", user="alice")
    return DemoStep("Alice finishes editing the t-shirt", "omm checkin 81120 --tenant contoso-dev --user alice",
                    story.shown(render.result(r, "text"), render.message(r)), r.changed,
                    "A draft checked out by someone is hers until she checks it in (D365's \"Finish editing\"); "
                    "publish skips it until then.")


def _refused(story: Story) -> DemoStep:
    from toolkit.publishing import publish, selection

    title, command = "Publish the t-shirt: refused, with the reason", "omm publish --tenant contoso-dev --product 81120"
    why = ("Alice's draft uses an asset that was never published; publish refuses rather than send a broken "
           "gallery to the channels, and says what to do.")
    try:
        r = publish(story.tenant(), selection(products=["81120"]))
    except OmmError as exc:
        return DemoStep(title, command, (f"omm: error: {exc}",), "--publish-dependencies" in str(exc), why)
    return DemoStep(title, command, publish_lines(story, r), False, why)


def _publish(story: Story) -> DemoStep:
    from toolkit.publishing import publish, selection

    r = publish(story.tenant(), selection(products=["81120"]), publish_dependencies=True)
    return DemoStep("Publish it with its dependencies",
                    "omm publish --tenant contoso-dev --product 81120 --publish-dependencies --no-sync",
                    publish_lines(story, r), r.status == "Succeeded" and r.media.height > 0,
                    "The checked-in drafts become the published version, the asset they need is published in the "
                    "same job, and the versions they replace go to cms/history/.")


def _sync(story: Story) -> DemoStep:
    from toolkit.resolution import sync

    r = sync(story.tenant())
    return DemoStep("Sync: CMS → HQ → each channel's CSU, and search", "omm sync --tenant contoso-dev",
                    sync_lines(story, r), r.status == "Succeeded" and r.changed == len(r.files) == SYNC_OUTPUTS,
                    "Publish normally runs sync itself (we said --no-sync to see it alone): every product is "
                    "resolved in every channel and locale, and the files the channels serve are written.")


def _preview(story: Story) -> DemoStep:
    from toolkit.preview import write_preview
    from toolkit.render.preview import summary
    from toolkit.resolution.resolve import resolve

    t = story.tenant()
    w = write_preview(t, VARIANT, story / "gallery.html", channel="OUN00001", locale="en-us")
    shown = w.data.resolution(VARIANT, "OUN00001", "en-us")
    return DemoStep("Preview the gallery as the channel will show it",
                    f"omm preview --tenant {DEV} {VARIANT} --channel OUN00001 --locale en-us -o gallery.html",
                    story.shown(summary(w)), shown == resolve(t, VARIANT, "OUN00001", "en-us").to_dict(),
                    "One self-contained HTML page (open gallery.html in a browser, no network needed): pickers for "
                    "colour, size, channel and locale, each answer the same resolution the ladder above found.")


def steps(story: Story) -> Iterator[DemoStep]:
    yield _checkin(story)
    yield _refused(story)
    yield _publish(story)
    yield _sync(story)
    yield resolve_step(story, "Why does a variant show these images?",
                       "A variant without a set of its own inherits: the ladder walks variant, dimension-matrix cell, "
                       "master, and at each the channel/locale pairs; the first set found wins whole.",
                       VARIANT, won(CELL), channel="OUN00001", locale="en-us")
    yield _preview(story)


CHAPTER = Chapter("Publish, sync, and see what a channel shows", steps)
