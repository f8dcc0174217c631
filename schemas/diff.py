"""diff — a diff of two manifests as a manifest that ``omm patch`` applies.

One row per change, in order (``DiffSeq``). ``DiffOp`` says what the row is: ``added`` and
``removed`` rows carry the whole record; a changed record is a ``before`` row (the old values,
so patch can check its base) followed by an ``after`` row with the same DiffSeq; a
``column-added``/``column-removed`` row names its column in ``DiffColumn``. ``DiffKind`` and
``DiffKey`` say what was compared and how rows were matched. The record's own columns follow,
under their own names, in NEW's column order (then the columns only OLD had).
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
    DiffKey: Series[str] = f.text("The key columns the rows were matched on, comma separated.")
    DiffColumn: Series[str] = f.text("For column-added and column-removed: the column.")

    class Config:
        strict = False
        name = "diff"
        unique = KEY
        metadata = f.table("diff", KEY, None)
