"""Shared fixtures of the omm test suite.

Goldens (``fixtures/bad/*.expected.json``, ``fixtures/golden/**``) are compared byte for byte.
Regenerate them with ``pytest --update-goldens`` (or ``OMM_UPDATE_GOLDENS=1 pytest``), then read
``git diff fixtures/`` before committing: a golden is a reviewed expectation, not a snapshot to
refresh blindly (fixtures/bad/README.md says what each one must contain).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, check_golden
from tests.helpers import run_cli as _run_cli


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current implementation (same as OMM_UPDATE_GOLDENS=1)")


@pytest.fixture(scope="session")
def repo() -> Path:
    """The project root (fixtures/ lives there)."""
    return REPO


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens")) or os.environ.get("OMM_UPDATE_GOLDENS") == "1"


@pytest.fixture
def golden(update_goldens: bool) -> Callable[[Path, bytes | str], None]:
    """``golden(path, actual)``: assert ``actual`` equals the golden file (or rewrite it when updating)."""
    return lambda path, actual: check_golden(path, actual, update_goldens)


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str, str]]:
    """``run_cli([args], cwd=REPO)`` → (exit code, stdout, stderr), run through ``main``."""
    return _run_cli
