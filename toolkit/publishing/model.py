"""What ``omm publish`` and ``omm group`` are asked and what they answer: frozen dataclasses (Polars is
imported only by the code that fills them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from toolkit.errors import UsageError

if TYPE_CHECKING:
    import polars as pl

SET_COLUMNS = ("EntityType", "EntityKeyValue", "EntityChannel", "EntityLocale", "CatalogNumber")
ASSIGNMENTS = "cms/assignments.tsv"
MEDIA = "cms/media.tsv"
GROUPS = "cms/publish_groups.tsv"
STATE = "EntityAssignmentCurrentPublishState"
HOLDER = "CheckedOutBy"
GROUP = "PublishGroup"
DEPENDENCIES = "PublishDependencies"  # extension column of cms/publish_groups.tsv, set by schedule
GROUP_LIMIT = 2000  # assignment sets per publish group, as in Commerce
JOB_TYPE = "Publish"

SetKey = tuple[str, str, str, str, str]


def set_dict(key: SetKey) -> dict[str, str]:
    return dict(zip(SET_COLUMNS, key, strict=True))


def parse_timestamp(value: str, option: str) -> str:
    """A timestamp given on the command line (ISO 8601, with or without offset; none means UTC),
    in canonical form ``2025-03-15T10:02:00Z``."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" and text else text)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a timestamp",
                         f"write it in ISO 8601, e.g. {option} 2025-06-01T07:00:00Z") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


@dataclass(frozen=True)
class Selection:
    """Which drafts a publish takes. ``products``/``categories`` (together or alone), ``groups``,
    ``all``, or ``due`` (the Scheduled groups whose ScheduledOn ≤ ``now``: ``omm group run-due``)."""

    products: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    all: bool = False
    due: bool = False
    now: str = ""

    @property
    def by_group(self) -> bool:
        """Groups are published whole: one set that cannot be published stops its whole group."""
        return bool(self.groups) or self.due

    def describe(self) -> str:
        if self.due:
            return f"groups due by {self.now}"
        if self.all:
            return "all drafts"
        if self.groups:
            return "group " + ", ".join(self.groups)
        parts = [*self.products, *(f"category:{c}" for c in self.categories)]
        return ", ".join(parts)


def _split(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for value in values for v in value.split(",") if v.strip()}))


def selection(products: tuple[str, ...] | list[str] = (), categories: tuple[str, ...] | list[str] = (),
              group: str | None = None, all_drafts: bool = False) -> Selection:
    """The Selection of ``omm publish``: products and/or categories (given repeatedly or comma
    separated), or one group, or all drafts — exactly one of the three ways."""
    chosen = Selection(_split(products), _split(categories), (group.strip(),) if group is not None else (),
                       all_drafts)
    named = bool(chosen.products or chosen.categories)
    if sum((named, bool(chosen.groups), chosen.all)) != 1 or (group is not None and not group.strip()):
        raise UsageError("choose what to publish: --product/--category, --group or --all (one of the three)",
                         "e.g. omm publish --tenant contoso-dev --product 93039")
    return chosen


OUTCOME_COLUMNS = (*SET_COLUMNS, "EntityVersion", "rows", "PublishGroup", "outcome", "ErrorCode", "reason")
MEDIA_COLUMNS = ("InternalMediaId", "MediaLocale", "MediaVersion", "MediaPublishedURL")


@dataclass(frozen=True)
class RowCounts:
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"total": self.total, "succeeded": self.succeeded, "failed": self.failed, "skipped": self.skipped}


@dataclass(frozen=True)
class PublishResult:
    """What a publish did, or (``planned``) would do.

    ``sets``: one row per assignment set taken (columns ``OUTCOME_COLUMNS``; ``outcome`` is
    publish, skip or fail, ``ErrorCode`` CheckedOut, Scheduled or UnpublishedMedia for the others,
    ``reason`` why); ``media``: the asset rows --publish-dependencies publishes (``MEDIA_COLUMNS``);
    ``groups``: the publish groups that become Published. ``job``/``status``/``result`` are None
    when no job ran (a plan, or nothing to publish); ``note`` then says why nothing is published.
    ``to_dict`` is the CLI's JSON: SPEC §6's ``{"job", "status", "rows", "result"}`` and the details
    (channels and locales as canonical tokens: Omnichannel ``""``)."""

    tenant: str
    selection: str
    planned: bool
    sets: pl.DataFrame
    media: pl.DataFrame
    groups: tuple[str, ...]
    rows: RowCounts
    job: str | None = None
    status: str | None = None
    result: str | None = None
    note: str = ""

    def of(self, outcome: str) -> pl.DataFrame:
        """The sets with ``outcome`` (publish, skip, fail), in set-key order."""
        import polars as pl

        return self.sets.filter(pl.col("outcome") == outcome)

    @property
    def changes(self) -> bool:
        """Whether publishing changes the tenant (something to publish, or a due group to close)."""
        return self.rows.succeeded > 0 or bool(self.groups)

    def _listed(self, outcome: str) -> list[dict[str, Any]]:
        keep = [*OUTCOME_COLUMNS[:8]] + (["ErrorCode", "reason"] if outcome != "publish" else [])
        return self.of(outcome).select(keep).to_dicts()

    def to_dict(self) -> dict[str, Any]:
        return {"job": self.job, "status": self.status, "rows": self.rows.to_dict(), "result": self.result,
                "tenant": self.tenant, "selection": self.selection, "planned": self.planned,
                "published": self._listed("publish"), "skipped": self._listed("skip"),
                "failed": self._listed("fail"), "media": self.media.to_dicts(), "groups": list(self.groups)}


@dataclass(frozen=True)
class GroupInfo:
    """One row of ``cms/publish_groups.tsv`` with the number of draft sets staged in it."""

    name: str
    description: str
    scheduled_on: str
    status: str
    sets: int
    publish_dependencies: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"PublishGroup": self.name, "Description": self.description or None,
                "ScheduledOn": self.scheduled_on or None, "Status": self.status, "sets": self.sets,
                "PublishDependencies": self.publish_dependencies}


@dataclass(frozen=True)
class GroupChange:
    """What ``omm group create|add|schedule`` did. ``sets``: the sets ``add`` staged; ``job`` is
    None when nothing changed."""

    tenant: str
    action: str
    group: GroupInfo
    sets: tuple[SetKey, ...] = field(default=())
    rows: int = 0
    job: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"tenant": self.tenant, "action": self.action, "group": self.group.to_dict(),
                "sets": [set_dict(k) for k in self.sets], "rows": self.rows, "job": self.job}
