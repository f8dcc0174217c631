"""The text summary of ``omm migrate legacy``: whole outputs for the edge cases the goldens miss."""

from __future__ import annotations

from toolkit.migration import LegacyGrammar, MatrixCollapse, MigrationResult
from toolkit.render.migration import summary


def result(matrix: tuple[MatrixCollapse, ...], unmatched: tuple[tuple[str, int], ...] = ()) -> MigrationResult:
    return MigrationResult("t", "out", None, "legacy", LegacyGrammar(), (), 3, 3,
                           (("Product|Master", 1), ("Product|DimensionMatrix", 0), ("Product|Variant", 0),
                            ("Category", 0)), 3, matrix, unmatched)


def test_nothing_collapsed_nothing_unmatched() -> None:
    assert summary(result(())) == (
        "migrated 3 of 3 legacy files for t → out\n"
        "  assets.tsv       3 new assets (Draft, MediaSourceProvider legacy)\n"
        "  assignments.tsv  1 Draft set in 3 rows: 1 Product|Master\n"
        "  matrix cells     none (no two variants of a master share their pictures)\n"
        "  unmatched.tsv    0 files\n"
        "next: omm import out/assets.tsv --tenant t --media-dir legacy\n"
        "      omm import out/assignments.tsv --tenant t")


def test_long_matrix_lists_are_capped() -> None:
    many = tuple(MatrixCollapse(str(m), ("Color", "Style"), (f"{m}|Color:Red|Style:Slim",), 1, 2) for m in range(12))
    lines = summary(result(many, (("no_pattern", 1),))).splitlines()
    assert lines[3:5] == ["  matrix cells     0: 1 matrix set on Color+Style instead of 2 variant sets "
                          "(0|Color:Red|Style:Slim)",
                          "                   1: 1 matrix set on Color+Style instead of 2 variant sets "
                          "(1|Color:Red|Style:Slim)"]
    assert lines[12:15] == [
        "                   9: 1 matrix set on Color+Style instead of 2 variant sets (9|Color:Red|Style:Slim)",
        "                   … and 2 more masters (in all, cells replace 24 variant sets; --format json lists every "
        "master)",
        "  unmatched.tsv    1 file: no_pattern 1"]
