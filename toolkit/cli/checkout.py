"""``omm checkout``, ``omm checkin`` and ``omm discard`` (SPEC §6): the draft lock of assignment sets."""

from __future__ import annotations

import click

from toolkit.cli.output import data, format_option, note
from toolkit.cli.tenant import workspace_dir


def _options(func: click.decorators.FC) -> click.decorators.FC:  # type: ignore[name-defined]
    func = format_option(("text", "json"))(func)
    func = click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
                        help="When another command is changing the tenant, wait this long for it (0: fail at once).")(func)
    func = click.option("--user", metavar="USER",
                        help="Who holds the drafts (CheckedOutBy; default: the login name).")(func)
    func = click.option("--tenant", "-t", "tenant_id", required=True, metavar="TENANT", help="The tenant to change.")(func)
    return click.argument("entity", metavar="ENTITY")(func)


def _run(action: str, entity: str, tenant_id: str, user: str | None, wait: float, fmt: str) -> None:
    from toolkit import checkout
    from toolkit.render import checkout as render
    from toolkit.workspace import tenant

    result = checkout.run(tenant(workspace_dir(), tenant_id), entity, action, user=user, wait=wait)
    data(render.result(result, fmt))
    note(render.message(result))


@click.command("checkout")
@_options
def checkout_command(entity: str, tenant_id: str, user: str | None, wait: float, fmt: str) -> None:
    """Check out the assignment sets of ENTITY for editing (D365 "Edit product media").

    ENTITY is a product number — its own set, its variants' sets, its dimension-matrix cells and
    its swatch sets, in every channel and locale — or category:ID for a category's sets.
    A set without a draft gets one: a copy of its published rows, state Draft, CheckedOutBy USER.
    A checked-in draft becomes USER's. If another user holds a draft of ENTITY, nothing is
    checked out (exit 2). Checking out what USER already holds changes nothing (exit 0).
    Prints the sets, one a line (or JSON); the change is recorded as a Checkout job.
    Refused while the tenant's OmnichannelContent setting is off.

    \b
    Examples:
      omm checkout 93039 --tenant contoso-dev --user bob
      omm checkout category:C110 --tenant contoso-dev --user bob --format json
    """
    _run("checkout", entity, tenant_id, user, wait, fmt)


@click.command("checkin")
@_options
def checkin_command(entity: str, tenant_id: str, user: str | None, wait: float, fmt: str) -> None:
    """Check in USER's drafts of ENTITY (D365 "Finish editing").

    The drafts stay Draft with CheckedOutBy cleared, ready for omm publish. ENTITY as for
    checkout. If another user holds a draft of ENTITY, nothing is checked in (exit 2); if USER
    holds none, nothing changes (exit 0, "nothing to check in"). Recorded as a Checkin job.

    \b
    Examples:
      omm checkin 93039 --tenant contoso-dev --user bob
      omm checkin category:C110 --tenant contoso-dev --user bob --format json
    """
    _run("checkin", entity, tenant_id, user, wait, fmt)


@click.command("discard")
@_options
def discard_command(entity: str, tenant_id: str, user: str | None, wait: float, fmt: str) -> None:
    """Discard USER's checked-out drafts of ENTITY (D365 "Discard edits").

    Deletes the Draft rows USER holds; the published version stays. A draft nobody holds is not
    discarded (check it out first). If another user holds a draft of ENTITY, nothing is
    discarded (exit 2); if USER holds none, nothing changes (exit 0). Recorded as a Discard job.

    \b
    Examples:
      omm discard 93039 --tenant contoso-dev --user bob
      omm discard 81120 --tenant contoso-dev --user alice --format json
    """
    _run("discard", entity, tenant_id, user, wait, fmt)


commands = (checkout_command, checkin_command, discard_command)
