"""Pieces every renderer shares: JSON and GitHub Actions workflow-command escaping."""

from __future__ import annotations

import json
from typing import Any


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_escape_property(text: str) -> str:
    return gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(level: str, message: str, file: str | None = None, line: int | None = None,
                      title: str | None = None) -> str:
    """One GitHub Actions annotation line (``::error file=…,line=…,title=…::message``)."""
    props = []
    if file:
        props.append(f"file={gh_escape_property(file)}")
    if line:
        props.append(f"line={line}")
    if title:
        props.append(f"title={gh_escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{gh_escape_data(message)}"
