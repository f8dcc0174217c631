"""Benchmark inputs: generated once by fixtures/generate.py into bench/data/ (git-ignored), then reused."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness import BenchError, Context

__all__ = ["SEED", "generated", "size_tag"]

# Fixed so every machine and every run benchmarks the same bytes.
SEED = 7


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
