"""The message of ``omm preview`` (the page itself is ``toolkit.preview.page``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.preview import Written


def summary(written: Written) -> str:
    """One line for stderr: what the page holds and how much of its media is embedded."""
    d = written.data
    pairs = sum(len(c.locales) for c in d.channels)
    embedded = sum(1 for m in d.media.values() if m.src)
    empty = sum(1 for g in d.answers.values() if g is None)
    nothing = f", {empty} with nothing shown" if empty else ""
    size = f"{written.size / 1024:.1f} KiB"
    variants = f"{len(d.variants)} variant{'' if len(d.variants) == 1 else 's'}"
    return (f"wrote {written.path} ({size}): {d.product} and {variants} × {pairs} channel/locale pairs "
            f"= {len(d.answers)} answers from {len(d.galleries)} set{'' if len(d.galleries) == 1 else 's'}{nothing}; "
            f"{embedded} of {len(d.media)} media embedded (tier {d.tier})")
