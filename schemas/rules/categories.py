"""The cross-column rules of categories manifests, as plain Polars (no Pandera): ``schemas/categories.py``
wires them into its model as ``@dataframe_check``s, and screening asks them directly."""

from __future__ import annotations

import polars as pl

from schemas.rules import rule

_parent = pl.col("ParentCategoryID")


def _outside_cycles(tree: pl.Series) -> pl.Series:
    """For each category, whether following parents ends at a root (rather than going round).

    Pointer jumping: after k rounds each row knows its ancestor 2**k steps up, so ceil(log2 n) + 1
    joins settle any tree; a row that still has an ancestor then is in, or under, a cycle.
    """
    frame = tree.struct.unnest().select(id="CategoryID", up="ParentCategoryID")
    links = frame.unique("id", keep="first")
    up = frame.get_column("up")
    for _ in range(max(len(frame), 1).bit_length() + 1):
        ids = links.get_column("id")
        jumped = pl.DataFrame({"id": ids}).join(links, on="id", how="left").get_column("up")
        links = pl.DataFrame({"id": ids, "up": pl.DataFrame({"id": jumped}).join(links, on="id", how="left")
                              .get_column("up")})
        if links.get_column("up").null_count() == links.height:
            break
    final = pl.DataFrame({"id": frame.get_column("id")}).join(links, on="id", how="left").get_column("up")
    return (final.is_null() | up.is_null()).alias("outside_cycles")


RULES = {
    "parent_exists": rule("ParentCategoryID", ["ParentCategoryID"], "ParentCategoryID names no CategoryID of this file",
                          _parent.is_null() | _parent.is_in(pl.col("CategoryID").implode())),
    "not_own_parent": rule("ParentCategoryID", ["CategoryID", "ParentCategoryID"],
                           "a category cannot be its own parent", _parent.ne_missing(pl.col("CategoryID"))),
    "no_parent_cycle": rule("ParentCategoryID", ["CategoryID", "ParentCategoryID"],
                            "following ParentCategoryID goes round in a cycle instead of reaching a root",
                            _parent.eq_missing(pl.col("CategoryID"))  # said by not_own_parent already
                            | pl.struct("CategoryID", "ParentCategoryID").map_batches(
                                  _outside_cycles, return_dtype=pl.Boolean)),
}
