"""Benchmark inputs: generated once by fixtures/generate.py into bench/data/ (git-ignored), then reused."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness import BenchError, Context

if TYPE_CHECKING:  # Polars is imported only in the child process that derives data (see changed_copy)
    import polars as pl

__all__ = ["ROWS_PER_MASTER", "SEED", "Delta", "changed_copy", "generated", "size_tag"]

# Fixed so every machine and every run benchmarks the same bytes.
SEED = 7
ROWS_PER_MASTER = 20  # a generated tenant's assignment rows per master, about (fixtures/generate.py makes ~21)


def size_tag(rows: int) -> str:
    """1000000 -> '1m', 100000 -> '100k', 12345 -> '12345': the suffix in file names like assignments-1m.tsv."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if rows >= unit and rows % unit == 0:
            return f"{rows // unit}{suffix}"
    return str(rows)


def generated(ctx: Context, kind: str) -> Path:
    """Path of `kind` manifest with ctx.rows rows, generating it first when missing or stale.

    Stale means older than fixtures/generate.py or any module of fixtures/generator/: the generator is still evolving, and timing the
    validator on data an older generator wrote would blame the wrong side for any disagreement.
    The file is written under a temporary name and renamed, so an interrupted run never leaves a
    truncated file that a later run would take for a complete one.
    """
    generator = ctx.root / "fixtures" / "generate.py"
    sources = [generator, *(ctx.root / "fixtures" / "generator").glob("*.py")]
    newest = max(p.stat().st_mtime for p in sources)
    path = ctx.data_dir / f"{kind}-{size_tag(ctx.rows)}.tsv"
    if path.exists() and not ctx.regenerate and path.stat().st_mtime >= newest:
        return path
    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.tsv")  # keep .tsv in case the generator looks at it
    argv = [ctx.python, str(generator), kind, "--rows", str(ctx.rows), "--seed", str(SEED), "-o", str(partial)]
    print(f"generating {path.relative_to(ctx.root)}: {' '.join(argv[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(argv, cwd=ctx.root, capture_output=True, text=True)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BenchError(f"generator failed (exit {done.returncode}):\n{done.stderr.strip()}")
    os.replace(partial, path)
    return path


# --- a changed copy of a manifest, for diff benchmarks -------------------------------------------

# Per mille of OLD's rows in each fate; the rest are copied unchanged. Bucket ranges [lo, hi).
REMOVED = (0, 5)  # 0.5% of rows dropped
CHANGED = (5, 15)  # 1% get a different ImageAltText
ADDED = (15, 20)  # 0.5% are followed by a copy under a fresh InternalMediaId (a new key)
CHANGED_COLUMN = "ImageAltText"  # free text, in no row key, and no canonical form can make the edit vanish
NEW_ID_COLUMN = "InternalMediaId"  # part of the assignments row key
_INDEX, _BUCKET, _COPY = "__omm_bench_i", "__omm_bench_bucket", "__omm_bench_copy"


@dataclass(frozen=True)
class Delta:
    """How NEW differs from OLD, known exactly so every diff tool's answer can be checked."""

    old_rows: int
    added: int
    removed: int
    changed: int

    @property
    def unchanged(self) -> int:
        return self.old_rows - self.removed - self.changed

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed, "unchanged": self.unchanged}


def _bucket(index: pl.Expr) -> pl.Expr:
    """A row's fate bucket in 0..999 from its 0-based line index: scattered, but a pure function of it.

    Knuth's multiplicative hash in plain integer arithmetic rather than Expr.hash, whose values may
    change between Polars versions. Every intermediate stays below 2**63 for any realistic row count.
    """
    import polars as pl

    mixed = ((index.cast(pl.Int64) + SEED * 1_000_003) * 2_654_435_761) % (1 << 32)
    return (mixed * 1000) // (1 << 32)


def _in(bucket: pl.Expr, bounds: tuple[int, int]) -> pl.Expr:
    return (bucket >= bounds[0]) & (bucket < bounds[1])


def _expected(old_rows: int) -> Delta:
    """The exact counts _derive produces from an OLD of old_rows rows: the same buckets over 0..old_rows."""
    import polars as pl

    b = _bucket(pl.int_range(0, old_rows, dtype=pl.Int64))
    fates = (("added", ADDED), ("removed", REMOVED), ("changed", CHANGED))
    counts = pl.select(**{name: _in(b, bounds).sum() for name, bounds in fates}).row(0, named=True)
    return Delta(old_rows=old_rows, **counts)


def _new_id() -> pl.Expr:
    # GUID-shaped and unique: the decimal line index is made of hex digits, and the fixed prefix
    # cannot come out of the generator's random version-4 GUIDs (its third group does not start with 4).
    import polars as pl

    return pl.format("0b5e7000-d1ff-0add-8000-{}", pl.col(_INDEX).cast(pl.String).str.zfill(12))


def _derive(old: Path) -> pl.LazyFrame:
    """OLD with REMOVED rows dropped, CHANGED rows edited and a new-keyed copy after each ADDED row."""
    import polars as pl

    bucket, changed = pl.col(_BUCKET), pl.col(CHANGED_COLUMN)
    lf = (
        pl.scan_csv(old, separator="\t", infer_schema=False, quote_char=None)
        .with_row_index(_INDEX)
        .with_columns(_bucket(pl.col(_INDEX)).alias(_BUCKET))
        .filter(~_in(bucket, REMOVED))
        # Appending keeps the value distinct from the old one; a null becomes text, also distinct.
        .with_columns(pl.when(_in(bucket, CHANGED))
                      .then(pl.when(changed.is_null()).then(pl.lit("edited alt text")).otherwise(changed + " (edited)"))
                      .otherwise(changed).alias(CHANGED_COLUMN))
        # One or two rows per row, exploded in place: streams, and keeps an added row beside its set.
        .with_columns(pl.int_ranges(0, 1 + _in(bucket, ADDED).cast(pl.Int64)).alias(_COPY))
        .explode(_COPY)
        .with_columns(pl.when(pl.col(_COPY) == 1).then(_new_id()).otherwise(pl.col(NEW_ID_COLUMN)).alias(NEW_ID_COLUMN))
    )
    return lf.drop(_INDEX, _BUCKET, _COPY)


def _write_changed_copy(old: Path, out: Path) -> Delta:
    """Child-process side of changed_copy: stream NEW to out, return the exact Delta."""
    # Nulls go back out as empty cells and nothing is quoted: byte-for-byte like OLD where unchanged.
    _derive(old).sink_csv(out, separator="\t", quote_style="never", engine="streaming")
    return _expected(_data_rows(old))


def _data_rows(path: Path, chunk: int = 16 << 20) -> int:
    """Lines after the header. Counted in chunks: a Polars count maps the whole file into this process."""
    lines, last = 0, b"\n"
    with path.open("rb", buffering=0) as f:
        while block := f.read(chunk):
            lines, last = lines + block.count(b"\n"), block[-1:]
    return lines + (last != b"\n") - 1  # a last line without its newline still counts; the header does not


def changed_copy(ctx: Context, old: Path) -> tuple[Path, Delta]:
    """NEW for diff benchmarks (OLD-new.tsv beside OLD) and its exact Delta (OLD-new.json), made once.

    Rewritten when OLD or this module is newer, or on --regenerate. Derived in a child process:
    the harness reads each tool's peak memory from the kernel, and a child's peak starts at its
    parent's own high-water mark, so this process must never hold data. Streams (lazy scan, sink),
    so a 10M-row NEW never holds a file in memory. Written under temporary names and renamed, the
    Delta first, so an interrupted run leaves no NEW behind that lacks its Delta or is truncated.
    """
    path, facts = old.with_name(f"{old.stem}-new.tsv"), old.with_name(f"{old.stem}-new.json")
    newest = max(old.stat().st_mtime, Path(__file__).stat().st_mtime)
    if path.exists() and facts.exists() and not ctx.regenerate and path.stat().st_mtime >= newest:
        return path, Delta(**json.loads(facts.read_text(encoding="utf-8")))
    partial = path.with_suffix(".partial.tsv")
    print(f"deriving {path.relative_to(ctx.root)} from {old.name}", file=sys.stderr, flush=True)
    argv = [ctx.python, __file__, "changed-copy", str(old), str(partial)]
    done = subprocess.run(argv, cwd=ctx.root, capture_output=True, text=True)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BenchError(f"deriving {path.name} failed (exit {done.returncode}):\n{done.stderr.strip()}")
    facts.with_suffix(".partial.json").write_text(done.stdout, encoding="utf-8")
    os.replace(facts.with_suffix(".partial.json"), facts)
    os.replace(partial, path)
    return path, Delta(**json.loads(done.stdout))


if __name__ == "__main__":
    # Child-process entry of changed_copy: `datasets.py changed-copy OLD OUT` prints the Delta as JSON.
    if len(sys.argv) != 4 or sys.argv[1] != "changed-copy":
        sys.exit("usage: datasets.py changed-copy OLD OUT")
    print(json.dumps(asdict(_write_changed_copy(Path(sys.argv[2]), Path(sys.argv[3])))))
