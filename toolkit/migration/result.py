"""What ``omm migrate legacy`` did: counts, the collapsed masters and the unmatched reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolkit.migration.options import LegacyGrammar

OUTPUT_FILES = ("assets.tsv", "assignments.tsv", "unmatched.tsv")
SET_TYPES = ("Product|Master", "Product|DimensionMatrix", "Product|Variant", "Category")


@dataclass(frozen=True)
class MatrixCollapse:
    """One master whose variant sets became dimension-matrix cells."""

    master: str
    dimensions: tuple[str, ...]  # the dimensions that vary its pictures, e.g. ("Color",)
    cells: tuple[str, ...]  # EntityKeyValue of each cell, e.g. "93039|Color:Black"
    matrix_sets: int  # cell sets written (a cell per locale that has pictures)
    variant_sets: int  # variant sets those cells replace

    def to_dict(self) -> dict[str, Any]:
        return {"master": self.master, "dimensions": list(self.dimensions), "cells": list(self.cells),
                "matrix_sets": self.matrix_sets, "variant_sets_replaced": self.variant_sets}


@dataclass(frozen=True)
class MigrationResult:
    tenant: str
    output: str  # the directory the three files were written to
    listing: str | None
    media_dir: str | None
    grammar: LegacyGrammar
    category_channels: tuple[str, ...]
    paths: int  # paths read (listing lines that are not blank, or files found)
    assets: int  # rows of assets.tsv: one new asset per migrated file
    sets: tuple[tuple[str, int], ...]  # (EntityType, sets) in SET_TYPES order
    rows: int  # rows of assignments.tsv
    matrix: tuple[MatrixCollapse, ...]
    unmatched: tuple[tuple[str, int], ...]  # (reason, paths), by reason

    @property
    def set_count(self) -> int:
        return sum(n for _, n in self.sets)

    @property
    def unmatched_count(self) -> int:
        return sum(n for _, n in self.unmatched)

    @property
    def variant_sets_collapsed(self) -> int:
        return sum(m.variant_sets for m in self.matrix)

    def file(self, name: str) -> str:
        return f"{self.output.rstrip('/')}/{name}"

    def to_dict(self) -> dict[str, Any]:
        """Exactly what ``omm migrate legacy --format json`` prints."""
        return {
            "tenant": self.tenant, "output": self.output, "listing": self.listing, "media_dir": self.media_dir,
            "grammar": self.grammar.to_dict(), "category_channels": list(self.category_channels),
            "paths": self.paths, "assets": self.assets,
            "sets": {"total": self.set_count, "by_type": dict(self.sets)}, "assignment_rows": self.rows,
            "matrix": {"sets": sum(m.matrix_sets for m in self.matrix),
                       "variant_sets_replaced": self.variant_sets_collapsed,
                       "masters": [m.to_dict() for m in self.matrix]},
            "unmatched": {"total": self.unmatched_count, "by_reason": dict(self.unmatched)},
            "files": {name.removesuffix(".tsv"): self.file(name) for name in OUTPUT_FILES},
        }
