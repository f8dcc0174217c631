"""What the demo produces (steps, the result) and the workspace it tells its story in."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import UsageError, WorkspaceError

if TYPE_CHECKING:
    from toolkit.workspace import Tenant

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "fixtures"
DEV, PROD = "contoso-dev", "contoso-prod"

# What the demo workspace holds besides tenants/: (source under fixtures/, where it goes in the workspace).
INPUTS = (("manifests", "inputs"), ("bad/several-errors.tsv", "inputs/several-errors.tsv"), ("media", "media"),
          ("legacy/listing.txt", "legacy/listing.txt"), ("legacy/media", "legacy/media"))


@dataclass(frozen=True)
class DemoStep:
    """One step of the story: what it shows, why it matters, the command a user would type (run in
    the demo workspace) and what that command prints; ``ok`` is the step's own check of the outcome."""

    title: str
    command: str
    output: tuple[str, ...]
    ok: bool = True
    why: str = ""
    chapter: str = ""


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    steps: tuple[DemoStep, ...]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


StepCallback = Callable[[DemoStep], None]


@dataclass(frozen=True)
class Chapter:
    """A part of the story: its title and the steps it runs, one after another."""

    title: str
    steps: Callable[[Story], Iterator[DemoStep]] = field(repr=False)


@dataclass(frozen=True)
class Story:
    """The demo workspace. Commands are shown as typed in it (``cd WORKSPACE``), so paths in what
    the library reports are shown relative to it."""

    ws: Path

    def __truediv__(self, rel: str) -> Path:
        return self.ws / rel

    def tenant(self, tenant_id: str = DEV) -> Tenant:
        from toolkit.workspace import tenant

        return tenant(self.ws, tenant_id)

    def shown(self, *texts: str) -> tuple[str, ...]:
        """The lines of ``texts`` as the CLI prints them in the workspace (its own path left out)."""
        prefix = f"{self.ws}/"
        return tuple(line.replace(prefix, "") for text in texts for line in text.rstrip("\n").splitlines())


def prepare(target: Path | None) -> Story:
    """Copy the fixture tenants and the inputs the story uses into ``target`` (new or empty; default:
    a new temporary directory)."""
    source = FIXTURES / "workspace" / "tenants"
    if not source.is_dir():
        raise WorkspaceError(f"demo data not found at {source}", "run omm demo from a clone of the omm repository")
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="omm-demo-"))
    elif target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty", "give omm demo a new or empty directory")
    target = target.absolute()
    shutil.copytree(source, target / "tenants", dirs_exist_ok=True)
    for src, dst in INPUTS:
        (target / dst).parent.mkdir(parents=True, exist_ok=True)
        if (FIXTURES / src).is_dir():
            shutil.copytree(FIXTURES / src, target / dst)
        else:
            shutil.copyfile(FIXTURES / src, target / dst)
    return Story(target)
