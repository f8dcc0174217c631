"""The root ``omm`` group: global options and the one place errors become exit codes."""

from __future__ import annotations

import ctypes
import signal
import sys
import traceback

import click

from toolkit import __version__
from toolkit.cli import (
    checkout,
    copy,
    demo,
    diff,
    export,
    fmt,
    importing,
    jobs,
    merge,
    migrate,
    preview,
    publishing,
    resolve,
    schema,
    settings,
    sync,
    tenant,
    validate,
)
from toolkit.errors import OmmError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.option("--workspace", type=click.Path(file_okay=False), envvar="OMM_WORKSPACE",
              help="Workspace directory (default: $OMM_WORKSPACE, else the current directory).")
@click.option("--quiet", "-q", is_flag=True, help="Print data only, no messages.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="omm")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, quiet: bool, debug: bool) -> None:
    """omm — omnichannel media manifests: validate, format, diff, import, publish and copy
    the .tsv files of Dynamics 365 Commerce omnichannel media management.

    \b
    Examples:
      omm validate fixtures/workspace/tenants/contoso-dev
      omm fmt --check fixtures/workspace
      omm schema assignments --format json
    """
    ctx.obj = {"workspace": workspace, "quiet": quiet, "debug": debug}


for command in (validate.command, fmt.command, schema.command, diff.diff_command, diff.patch_command, merge.command,
                importing.command, export.command, tenant.group, settings.command, *checkout.commands, jobs.group, demo.command,
                *publishing.commands):
    cli.add_command(command)
cli.add_command(migrate.group)
cli.add_command(sync.command)
cli.add_command(resolve.command)
cli.add_command(preview.command)
cli.add_command(copy.command)


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv


def _forget_unhandled_interrupt() -> None:
    """Let the interrupt we handled end the process with exit code 130, not a death by SIGINT.

    CPython remembers a KeyboardInterrupt that escaped any nested ``PyRun_*`` call (native
    extensions such as Polars make them) and, at exit, kills the process with SIGINT whatever
    code ``sys.exit`` gave. Each ``PyRun_*`` call clears that memory first, so one empty run does.
    """
    ctypes.pythonapi.PyRun_SimpleStringFlags(b"pass", None)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every error into one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    try:
        code = cli.main(args=args, prog_name="omm", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        # Ignored from here to the exit: a second Ctrl-C, or the echo of the first that Polars'
        # native code can leave pending (pola-rs/polars#23988), must not turn the clean exit 130
        # into a death by SIGINT after the message has been written.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        click.echo("omm: interrupted", err=True)
        _forget_unhandled_interrupt()
        code = 130
    except OmmError as exc:
        if _debug_requested(args):
            traceback.print_exc()
        click.echo(f"omm: error: {exc}", err=True)
        code = exc.exit_code
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a message, not a traceback
        if _debug_requested(args):
            traceback.print_exc()
        click.echo(f"omm: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                   err=True)
        code = 2
    sys.exit(code if isinstance(code, int) else 0)
