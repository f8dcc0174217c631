"""Invariants of diff and patch, over generated manifests (Hypothesis)."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.delta import diff, patch, to_frame
from toolkit.delta.result import ManifestDiff
from toolkit.tsv import manifest_bytes, read_manifest

TYPES = ("Standalone", "Master", "Variant")
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('"\t\n'),
               max_size=8).map(str.strip)
row = st.fixed_dictionaries({
    "ProductName": text,
    "ProductType": st.sampled_from(TYPES),
    "Color": st.sampled_from(["", "Red", "Blue", "Stone"]),
    "Note": text,
})


@st.composite
def manifests(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    keys = draw(st.lists(st.integers(1000, 1100), unique=True, max_size=12))
    old = {k: draw(row) for k in keys}
    new = {k: v for k, v in old.items() if not draw(st.booleans()) or draw(st.booleans())}  # drop ~1/4
    for k in list(new):
        if draw(st.booleans()):
            new[k] = {**new[k], draw(st.sampled_from(sorted(row_keys()))): draw(text)}
    for k in draw(st.lists(st.integers(1101, 1130), unique=True, max_size=4)):
        new[k] = draw(row)
    return _frame(old), _frame(new)


def row_keys() -> set[str]:
    return {"ProductName", "Color", "Note"}


def _frame(rows: dict[int, dict[str, str]]) -> pl.DataFrame:
    return pl.DataFrame([{"ProductNumber": str(k), **v} for k, v in rows.items()],
                        schema={c: pl.String for c in ("ProductNumber", "ProductName", "ProductType", "Color", "Note")})


def _write(frame: pl.DataFrame, path: Path, style: int, drop_note: bool) -> Path:
    """Write as a user's tool might: other column order, CRLF, UTF-16, lower-case enums."""
    if drop_note:
        frame = frame.drop("Note")
    if style % 2:
        frame = frame.select(reversed(frame.columns)).with_columns(pl.col("ProductType").str.to_lowercase())
    body = frame.write_csv(separator="\t", quote_style="necessary", null_value="",
                           line_terminator="\r\n" if style == 1 else "\n")
    path.write_bytes(codecs.BOM_UTF16_LE + body.encode("utf-16-le") if style == 3 else body.encode("utf-8"))
    return path


def _canonical(path: Path) -> bytes:
    return manifest_bytes(read_manifest(path, "products"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifests(), st.integers(0, 3), st.integers(0, 3), st.booleans(), st.booleans(), st.booleans())
def test_patch_of_diff_gives_new(pair: tuple[pl.DataFrame, pl.DataFrame], sa: int, sb: int, note_a: bool,
                                 note_b: bool, low_memory: bool) -> None:
    old, new = pair
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a = _write(old, root / "a.tsv", sa, note_a)
        b = _write(new, root / "b.tsv", sb, note_b)
        d = diff(a, b, kind="products", low_memory=low_memory)
        assert isinstance(d, ManifestDiff)
        assert diff(a, a, kind="products").equal
        changes = root / "changes.tsv"
        changes.write_bytes(manifest_bytes(to_frame(d), "diff"))
        result = patch(a, changes, root / "out.tsv", kind="products")
        assert _canonical(root / "out.tsv") == _canonical(b)
        assert result.added == d.summary.added and result.removed == d.summary.removed
        assert d.equal == (_canonical(a) == _canonical(b))
