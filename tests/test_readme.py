"""README.md stays true: a tour section for every command, and a Python API block that runs."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, REPO
from toolkit.cli.app import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def _tour_sections() -> set[str]:
    """Command names with a ``### `omm NAME …`` heading; ``omm a|b|c`` names each of a, b and c."""
    names: set[str] = set()
    for match in re.finditer(r"^### `omm ([a-z][a-z|-]*)", README, flags=re.MULTILINE):
        names.update(match.group(1).split("|"))
    return names


def test_every_command_has_a_tour_section() -> None:
    assert sorted(set(cli.commands) - _tour_sections()) == []


def test_every_tour_section_is_a_command() -> None:
    assert sorted(_tour_sections() - set(cli.commands)) == []


def _python_api_block() -> str:
    section = README[README.index("## Python API"):]
    return section[section.index("```python\n") + len("```python\n"):section.index("```\n", section.index("```python"))]


@pytest.mark.slow
def test_the_python_api_block_runs(tmp_path: Path) -> None:
    """As the README says: from the repository root, after ``cp -r fixtures/workspace ws``
    (here a copy of fixtures/, so that nothing the block writes lands in the repository)."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    shutil.copytree(FIXTURES / "workspace", tmp_path / "ws")
    namespace: dict[str, object] = {}
    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(None):
        exec(compile(_python_api_block(), "README.md: Python API", "exec"), namespace)  # noqa: S102
    assert namespace["c"].status == "Succeeded"  # type: ignore[attr-defined]
    assert namespace["r"].source.entity_key_value == "93039|Color:Black"  # type: ignore[attr-defined]
    assert (tmp_path / "gallery.html").is_file() and (tmp_path / "migrated" / "assets.tsv").is_file()
