"""Channel and locale mapping of a copy (SPEC §6 ``omm copy``): pre-flight, before anything is read twice.

Every channel and locale of the source — those its channels.tsv configures and those its media
and assignments use — must end up mapped exactly once or removed:

- ``--map-channel A=B`` / ``--map-locale A=B`` or a maps manifest (Source, Destination) maps A to
  B; ``A=`` (an empty Destination) removes A: its assets and sets are not copied;
- a value the destination has under the same id maps to itself unless told otherwise;
- Omnichannel (``""``) and Neutral (``system_neutral``) always map to themselves and cannot be
  mapped;
- a target must exist in the destination (a channel of its channels.tsv; a locale one of its
  channels lists); each source is mapped at most once; a mapping names a source value.

Everything wrong is collected and reported in one error (exit 2) before any job starts, naming
every unmapped value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from schemas.patterns import NEUTRAL
from toolkit.copying.options import CopyOptions
from toolkit.copying.snapshot import Snapshot
from toolkit.errors import InputError, UsageError

_CHANNEL = re.compile(r"(?i)^oun[0-9]+$")
_NEUTRAL_WORDS = ("", "neutral", NEUTRAL, "system-neutral")
Entry = tuple[str, str | None, str]  # source, destination (None: remove), where it was given


@dataclass(frozen=True)
class Mapping:
    """Every source channel and locale → its destination (None: removed), sorted by source."""

    channels: tuple[tuple[str, str | None], ...]
    locales: tuple[tuple[str, str | None], ...]

    def renamed(self, what: str) -> dict[str, str]:
        pairs = self.channels if what == "channel" else self.locales
        return {s: d for s, d in pairs if d is not None and d != s}

    def removed(self, what: str) -> list[str]:
        pairs = self.channels if what == "channel" else self.locales
        return [s for s, d in pairs if d is None]

    def to_dict(self) -> dict[str, dict[str, str | None]]:
        return {"channels": dict(self.channels), "locales": dict(self.locales)}


def channel_token(value: str) -> str:
    """The canonical spelling of a channel (SPEC §3): ``OUN`` + digits; Omnichannel is ``""``."""
    text = value.strip()
    if text.lower() in ("", "omnichannel"):
        return ""
    if text.isdigit():
        return "OUN" + text
    return text.upper() if _CHANNEL.match(text) else text


def locale_token(value: str) -> str:
    """The canonical spelling of a locale: lowercase ``ll-cc``; Neutral is ``system_neutral``."""
    text = value.strip().lower().replace("_", "-")
    return NEUTRAL if text in _NEUTRAL_WORDS else text


def _token(what: str, value: str) -> str:
    return channel_token(value) if what == "channel" else locale_token(value)


def _special(what: str) -> str:
    return "" if what == "channel" else NEUTRAL


def _label(what: str, value: str) -> str:
    return "Omnichannel" if what == "channel" and value == "" else value


def pair_entries(what: str, pairs: Iterable[str]) -> list[Entry]:
    """``A=B`` options as entries; ``A=`` removes A."""
    entries: list[Entry] = []
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"--map-{what} {pair!r} is not SOURCE=DESTINATION",
                             f"write e.g. --map-{what} {'OUN00001=OUN10001' if what == 'channel' else 'en-gb=en-us'}"
                             f" (or SOURCE= to leave SOURCE out)")
        src, dst = pair.split("=", 1)
        entries.append((_token(what, src), _token(what, dst) if dst.strip() else None, f"--map-{what} {pair}"))
    return entries


def file_entries(what: str, path: str) -> list[Entry]:
    """The rows of a maps manifest (Source, Destination; an empty Destination removes) as entries."""
    from toolkit.tsv import read_manifest

    if not Path(path).is_file():
        raise UsageError(f"--{what}-map {path}: no such file", "give a maps manifest with Source and Destination")
    m = read_manifest(path, "maps")
    missing = [c for c in ("Source", "Destination") if c not in m.frame.columns]
    if missing:
        raise InputError(f"{path}: line 1: the maps manifest has no {' and no '.join(missing)} column",
                         "its header must be Source<TAB>Destination", rule="missing_column")
    rows = m.frame.select("Source", "Destination").with_columns(line=m.line_numbers())
    return [(_token(what, s or ""), _token(what, d) if d and d.strip() else None, f"{path} line {n}")
            for s, d, n in rows.iter_rows()]  # a map has a handful of rows, not a manifest's


def _values(frame: pl.DataFrame, name: str) -> pl.Series:
    return frame.get_column(name).rename("v") if name in frame.columns else pl.Series("v", [], pl.String)


def source_values(src: Snapshot, what: str) -> list[str]:
    """The channels (locales) of the source: configured in channels.tsv or used by its content."""
    if what == "channel":
        used = [_values(src.channels, "ChannelId"), _values(src.media, "MediaChannel"),
                _values(src.sets, "EntityChannel")]
    else:
        used = [configured_locales(src.channels), _values(src.media, "MediaLocale"),
                _values(src.sets, "EntityLocale"), _values(src.sets, "MediaLocale")]
    values = pl.concat([s.rename("v").cast(pl.String) for s in used]).drop_nulls().unique()
    return sorted(v for v in values.to_list() if v not in ("", NEUTRAL))


def configured_locales(channels: pl.DataFrame) -> pl.Series:
    """Every locale a channels manifest configures (Locales lists and DefaultLocale)."""
    listed = _values(channels, "Locales").str.split(",").explode()
    return pl.concat([listed, _values(channels, "DefaultLocale")]).drop_nulls().str.strip_chars().unique()


def destination_values(dst: Snapshot, what: str) -> set[str]:
    if what == "channel":
        return set(_values(dst.channels, "ChannelId").drop_nulls().to_list())
    return set(configured_locales(dst.channels).to_list())


def _entry_problems(what: str, entries: list[Entry], sources: set[str], targets: set[str],
                    names: tuple[str, str]) -> tuple[dict[str, str | None], list[str]]:
    src_id, dst_id = names
    chosen: dict[str, str | None] = {}
    where: dict[str, str] = {}
    problems: list[str] = []
    for src, dst, origin in entries:  # the few entries of the maps, not manifest rows
        if src == _special(what) or dst == _special(what):
            problems.append(f"{_label(what, _special(what))} always maps to itself ({origin})")
        elif src in where:
            problems.append(f"{what} {src} is mapped twice ({where[src]} and {origin})")
        elif src not in sources:
            problems.append(f"{what} {src} is not a {what} of {src_id} ({origin})")
        elif dst is not None and dst not in targets:
            problems.append(f"{what} {src} maps to {dst}, which is not a {what} of {dst_id} ({origin})")
        where.setdefault(src, origin)
        chosen.setdefault(src, dst)
    return chosen, problems


def resolve_one(what: str, entries: list[Entry], src: Snapshot, dst: Snapshot
                ) -> tuple[tuple[tuple[str, str | None], ...], list[str]]:
    """(source → destination pairs, problems) for channels or locales."""
    sources, targets = source_values(src, what), destination_values(dst, what)
    chosen, problems = _entry_problems(what, entries, set(sources), targets, (src.tenant.id, dst.tenant.id))
    unmapped = [s for s in sources if s not in chosen and s not in targets]
    if unmapped:
        problems.append(f"unmapped {what}{'s' if len(unmapped) > 1 else ''} {', '.join(unmapped)} "
                        f"({'they are' if len(unmapped) > 1 else 'it is'} not in {dst.tenant.id})")
    pairs = tuple((s, chosen[s] if s in chosen else s) for s in sources if s not in unmapped)
    return pairs, problems


def resolve(opts: CopyOptions, src: Snapshot, dst: Snapshot) -> Mapping:
    """The whole mapping, or one UsageError naming every problem (unmapped values, values mapped
    twice, targets the destination lacks, sources the source lacks)."""
    channel_entries = [e for p in opts.channel_maps for e in file_entries("channel", p)]
    locale_entries = [e for p in opts.locale_maps for e in file_entries("locale", p)]
    channels, channel_problems = resolve_one("channel", channel_entries + pair_entries("channel", opts.map_channel),
                                             src, dst)
    locales, locale_problems = resolve_one("locale", locale_entries + pair_entries("locale", opts.map_locale), src, dst)
    problems = channel_problems + locale_problems
    if problems:
        raise UsageError(f"cannot copy {src.tenant.id} to {dst.tenant.id}: " + "; ".join(problems) +
                         "; nothing was copied",
                         "map each source value once with --map-channel/--map-locale SOURCE=DESTINATION or "
                         "--channel-map/--locale-map FILE (SOURCE= leaves it out); targets must be in "
                         f"{dst.tenant.id}'s channels.tsv")
    return Mapping(channels, locales)
