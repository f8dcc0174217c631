#!/usr/bin/env python3
"""Run omm's benchmarks and print how omm compares with what a user would otherwise use (SPEC §8).

    make bench                                  # every benchmark at 1M rows, median of 3 runs
    make bench BENCH_ARGS="--rows 100000"        # smaller and faster
    make bench BENCH_ARGS="--only validate --repeat 5"
    .venv/bin/python bench/run.py --list

Each benchmark prints a table to stdout (progress goes to stderr) and writes
bench/results/NAME.json. Exit status 1 means a benchmark could not produce a meaningful number,
e.g. omm rejected generated data; missing a performance target is reported, not an error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import copy_bench
import diff_bench
import import_bench
import sync_bench
import validate_bench
from harness import BenchError, Benchmark, Context, render, write_json

ROOT = Path(__file__).resolve().parent.parent

# Dispatch table: a new benchmark is a module exposing BENCHMARK, added here.
BENCHMARKS: dict[str, Benchmark] = {b.name: b for b in (validate_bench.BENCHMARK, diff_bench.BENCHMARK, import_bench.BENCHMARK,
                                                        sync_bench.BENCHMARK, copy_bench.BENCHMARK)}

# Versions recorded with every result, so numbers from different machines or days can be compared.
PACKAGES = ("omm", "polars", "duckdb", "csv-diff", "daff")


def _positive(text: str) -> int:
    value = int(text.replace("_", ""))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="benchmarks: " + "; ".join(f"{b.name}: {b.description}" for b in BENCHMARKS.values()),
    )
    parser.add_argument("--only", choices=sorted(BENCHMARKS), metavar="NAME",
                        help="run only this benchmark (default: all)")
    parser.add_argument("--rows", type=_positive, default=1_000_000, help="rows per generated manifest (default 1000000)")
    parser.add_argument("--repeat", type=_positive, default=3, help="runs per tool; the median is reported (default 3)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate bench/data/ inputs even if present")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args(argv)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:  # not a git checkout, or no commit yet
        return None
    return done.stdout.strip() or None


def environment() -> dict[str, Any]:
    return {
        "timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "packages": {p: _version(p) for p in PACKAGES},
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for b in BENCHMARKS.values():
            print(f"{b.name:<12} {b.description}")
        return 0
    ctx = Context(root=ROOT, rows=args.rows, repeat=args.repeat, python=sys.executable, regenerate=args.regenerate)
    selected = [BENCHMARKS[args.only]] if args.only else list(BENCHMARKS.values())
    env = environment()
    failed: list[str] = []
    for bench in selected:
        print(f"== {bench.name}: {bench.description}", file=sys.stderr, flush=True)
        try:
            report = bench.run(ctx)
        except BenchError as exc:
            # Keep going: one broken benchmark should not hide the numbers of the others.
            print(f"\nBENCHMARK FAILED: {bench.name}\n{exc}\n", file=sys.stderr, flush=True)
            failed.append(bench.name)
            continue
        print(render(report), flush=True)
        print()
        out = ctx.results_dir / f"{bench.name}.json"
        write_json(out, {**report.to_json(ctx), "environment": env})
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
