"""toolkit.render.diff: the text renderer colours only when asked (a terminal), tsv refuses trees."""

from __future__ import annotations

import pytest

from toolkit.delta import diff
from toolkit.errors import UsageError
from toolkit.render.diff import render, summary

OLD = "fixtures/diff/old/cms/assignments.tsv"
NEW = "fixtures/diff/new/cms/assignments.tsv"


def test_text_is_coloured_only_on_request() -> None:
    d = diff(OLD, NEW)
    plain, coloured = render(d, "text", color=False), render(d, "text", color=True)
    assert "\x1b[" not in plain
    assert "\x1b[33m~ changed" in coloured and "\x1b[31m- removed" in coloured and "\x1b[32m+ added" in coloured
    assert coloured.replace("\x1b[0m", "").count("\n") == plain.count("\n")


def test_summary_lines() -> None:
    assert summary(diff(OLD, OLD)) == "no differences"
    assert summary(diff("fixtures/diff/old", "fixtures/diff/new")) == "3 of 3 manifests differ"


def test_tsv_of_a_tree_is_refused() -> None:
    with pytest.raises(UsageError, match="--format tsv writes one diff manifest"):
        render(diff("fixtures/diff/old", "fixtures/diff/new"), "tsv")
