"""omm — omnichannel media manifests: validate, format, diff and move media manifests.

The public API is imported lazily so that ``omm --help`` does not pay for Polars::

    from toolkit import read_manifest, write_manifest, validate
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "read_manifest": "toolkit.tsv",
    "read_manifest_bytes": "toolkit.tsv",
    "write_manifest": "toolkit.tsv",
    "manifest_bytes": "toolkit.tsv",
    "Manifest": "toolkit.tsv",
    "validate": "toolkit.validation",
    "validate_manifest": "toolkit.validation",
    "ValidationReport": "toolkit.validation",
    "format_paths": "toolkit.formatting",
    "get_kind": "toolkit.kinds",
    "detect_kind": "toolkit.kinds",
    "Finding": "toolkit.findings",
    "merge": "toolkit.merging",
    "diff": "toolkit.delta",
    "patch": "toolkit.delta",
    "ManifestDiff": "toolkit.delta",
    "TreeDiff": "toolkit.delta",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
