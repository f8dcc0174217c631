"""``omm publish`` and ``omm group`` (SPEC §6): publish checked-in drafts, and publish groups.

**Publish** takes the draft rows of the selected assignment sets — a product's master (or own),
dimension-matrix, swatch and variant sets (``--product``), a category's sets (``--category``), a
publish group's (``--group``), or every draft (``--all``) — and makes each set's checked-in draft
its published version: state Published, EntityPublishedOn now, CheckedOutBy and PublishGroup
cleared, EntityVersion kept. The published rows it replaces are appended to
``cms/history/assignments.tsv`` (SupersededOn, SupersededBy = the job), so nothing is lost.

- A draft checked out by someone is skipped (ErrorCode CheckedOut), and so is a draft staged in a
  *Scheduled* group, which publishes with its group (Scheduled). Named products or categories
  whose drafts are all skipped are refused (exit 2); ``--all`` then just reports them (exit 0).
- Dependencies: media a draft uses (InternalMediaId, and a SwatchValue that is an asset id) with
  no published row refuses the whole publish, listing the ids (exit 2), unless
  ``publish_dependencies``: then those asset drafts are published in the same job, each with
  MediaPublishedURL ``{CmsBaseUrl}/{InternalMediaId}/{MediaLocale}/{MediaVersion}`` (superseded
  asset rows go to ``cms/history/media.tsv``).
- Nothing to publish (no drafts in the selection): no job, ``job`` None, exit 0 — so running a
  publish twice is harmless.
- A group is published whole: one held draft or unpublished dependency anywhere in it refuses it
  (``group publish``) or fails it, rows Failed, group left Scheduled (``run_due``). A group that
  publishes becomes Published.
- With ``OmnichannelContent`` off, publishing refuses and says how to turn it on.

Every change is one job (JobType Publish) with a result manifest ``jobs/<id>/result.tsv`` (the
drafts taken, with Result, ResultTime, ErrorCode, ResultDescription) and, when assets are
published, ``jobs/<id>/media.tsv``. ``plan_only`` decides the same way and changes nothing.

**Publish groups** (``cms/publish_groups.tsv``: PublishGroup, Description, ScheduledOn, Status
Open|Scheduled|Published, and the extension column PublishDependencies): see
:mod:`toolkit.publishing.groups`.
"""

from toolkit.publishing.model import (
    GROUP_LIMIT,
    GroupChange,
    GroupInfo,
    PublishResult,
    RowCounts,
    Selection,
    selection,
)

__all__ = ["GROUP_LIMIT", "GroupChange", "GroupInfo", "PublishResult", "RowCounts", "Selection", "add",
           "create", "list_groups", "publish", "publish_group", "run_due", "schedule", "selection"]


def __getattr__(name: str) -> object:
    """The functions, imported on first use (they load Polars)."""
    if name in ("publish", "publish_group", "run_due"):
        from toolkit.publishing import run as module
    elif name in ("add", "create", "list_groups", "schedule"):
        from toolkit.publishing import groups as module  # type: ignore[no-redef]
    else:
        raise AttributeError(name)
    return getattr(module, name)
