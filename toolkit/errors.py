"""The one exception tree of omm.

Every error the library raises is an :class:`OmmError`. Each carries the exit code the CLI
uses and a message that says what went wrong *and what to do next*; the CLI turns it into one
line on stderr in one place (``toolkit.cli.main``).
"""

from __future__ import annotations


class OmmError(Exception):
    """Base of every error omm raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(OmmError):
    """The call itself is wrong: bad option values, unknown kind, missing path."""


class InputError(OmmError):
    """An input file cannot be used as given (unreadable, wrong encoding, broken structure).

    ``rule`` names the class of problem, as validation reports show it.
    """

    def __init__(self, message: str, hint: str | None = None, rule: str = "unreadable", column: str = "") -> None:
        super().__init__(message, hint)
        self.rule = rule
        self.column = column


class KindError(InputError):
    """The manifest kind cannot be detected or is unknown."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint, rule="unknown_kind")


class ManifestStructureError(InputError):
    """A manifest is structurally broken (ragged rows, unterminated quotes, bad encoding)."""

    def __init__(self, message: str, hint: str | None = None, problems: tuple = ()) -> None:
        super().__init__(message, hint, rule="structure")
        self.problems = problems


class WorkspaceError(OmmError):
    """The workspace or tenant is missing or malformed."""


class UnsafePathError(InputError):
    """A path would leave the workspace or the allowed directory."""


class ValidationFailed(OmmError):
    """Validation found failures (exit 1, like a diff that found differences)."""

    exit_code = 1


class TenantBusyError(OmmError):
    """Another process holds the tenant's writer lock (SPEC §7: one writer per tenant).

    ``holder`` is the :class:`toolkit.store.lock.LockHolder` found beside the lock, or None when the
    holder could not be identified. Exit code 2, like any input that cannot be used right now.
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None, holder: object | None = None) -> None:
        super().__init__(message, hint)
        self.holder = holder
