"""diff — a diff of two manifests as a manifest that ``omm patch`` applies.

One row per change, in order (``DiffSeq``). ``DiffOp`` says what the row is: ``added`` and
``removed`` rows carry the whole record; a changed record is a ``before`` row (the old values,
so patch can check its base) followed by an ``after`` row with the same DiffSeq. The record's own
columns follow, under their own names.
"""

from __future__ import annotations

import pandera.polars as pa
from pandera.typing.polars import Series

from schemas import fields as f

OPS = ("added", "removed", "before", "after", "column-added", "column-removed")
KEY = ["DiffSeq", "DiffOp"]


class DiffSchema(pa.DataFrameModel):
    DiffSeq: Series[str] = f.integer("Sequence of the change; before/after rows share it.", required=True,
                                     nullable=False, minimum=0)
    DiffOp: Series[str] = f.enum(OPS, "added, removed, before, after, column-added or column-removed.",
                                 required=True, nullable=False)
    DiffKind: Series[str] = f.text("Kind of the manifests compared.")

    class Config:
        strict = False
        name = "diff"
        unique = KEY
        metadata = f.table("diff", KEY, None)
