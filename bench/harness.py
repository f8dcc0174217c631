"""Shared benchmark machinery: run a command in a fresh process, time it, take its peak RSS, render a table.

Every measured tool runs as its own subprocess so that interpreter start-up, imports and memory are
counted the same way for `omm` and for the tools it is compared with, and so one run cannot warm
another's caches inside a shared interpreter.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

__all__ = [
    "omm_executable",
    "output_text",
    "Benchmark",
    "BenchError",
    "Command",
    "Context",
    "Report",
    "Result",
    "Sample",
    "masters_main",
    "measure",
    "render",
    "verdict",
    "run_once",
    "warm_page_cache",
    "write_json",
]

# Enough of stdout/stderr to explain a failure without holding a huge diff or error list in memory.
OUTPUT_HEAD_BYTES = 1 << 20
MB = 1024 * 1024


class BenchError(RuntimeError):
    """A benchmark cannot produce a meaningful number (e.g. a tool failed on data it should accept)."""


@dataclass(frozen=True)
class Context:
    """What every benchmark needs to know about this invocation."""

    root: Path  # project root (the directory holding bench/ and fixtures/)
    rows: int
    repeat: int
    python: str  # interpreter for generators and baselines: the one running run.py (the venv's)
    regenerate: bool = False

    @property
    def data_dir(self) -> Path:
        return self.root / "bench" / "data"

    @property
    def results_dir(self) -> Path:
        return self.root / "bench" / "results"


@dataclass(frozen=True)
class Command:
    """One tool to time. `check` looks at every run and raises BenchError if the output is wrong."""

    label: str
    argv: Sequence[str]
    check: Callable[[Sample], None] | None = None


@dataclass(frozen=True)
class Sample:
    """One run of one command."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    stdout_head: bytes
    stderr_head: bytes


@dataclass
class Result:
    """All runs of one command."""

    command: Command
    samples: list[Sample] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.command.label

    @property
    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median_s(self) -> float:
        # Median, not mean or min: this VM has occasional multi-second stalls that a mean would
        # absorb and a min would hide.
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        # The largest peak over all runs: memory is a ceiling users hit, so report the worst run.
        return max(s.peak_rss_bytes for s in self.samples) / MB


@dataclass(frozen=True)
class Report:
    """What a benchmark hands back to run.py, which prints it and writes it as JSON."""

    name: str
    title: str
    results: list[Result]
    baseline: str  # label of the result every ratio is relative to
    headline: str  # the one line a reader looks for, e.g. "validate/polars ratio: 1.32 (target <= 1.5)"
    extra: dict[str, Any] = field(default_factory=dict)
    # label -> the label its ratio is relative to instead of `baseline`, for a benchmark timing two
    # cases, each against its own baseline (copy: into an empty and into a populated tenant)
    baselines: dict[str, str] = field(default_factory=dict)

    def result(self, label: str) -> Result:
        return next(r for r in self.results if r.label == label)

    def baseline_of(self, label: str) -> str:
        return self.baselines.get(label, self.baseline)

    def ratio(self, label: str) -> float:
        return self.result(label).median_s / self.result(self.baseline_of(label)).median_s

    def to_json(self, ctx: Context) -> dict[str, Any]:
        return {
            "benchmark": self.name,
            "title": self.title,
            "rows": ctx.rows,
            "repeat": ctx.repeat,
            "baseline": self.baseline,
            "headline": self.headline,
            "results": [
                {
                    "label": r.label,
                    "argv": list(r.command.argv),
                    "seconds": [round(s, 4) for s in r.seconds],
                    "median_s": round(r.median_s, 4),
                    "ratio_to_baseline": round(self.ratio(r.label), 4),
                    **({"baseline": self.baseline_of(r.label)} if self.baselines else {}),
                    "peak_rss_mb": round(r.peak_mb, 1),
                }
                for r in self.results
            ],
            **self.extra,
        }


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark run.py can dispatch to."""

    name: str
    description: str
    run: Callable[[Context], Report]


def _maxrss_bytes(ru_maxrss: int) -> int:
    # getrusage reports kilobytes on Linux but bytes on macOS.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def run_once(argv: Sequence[str], cwd: Path) -> Sample:
    """Run argv to completion; wall time around the whole process, peak RSS from the kernel.

    os.wait4 returns the child's own rusage, so ru_maxrss is that process's high-water mark exactly,
    with no polling (which misses short peaks) and no wrapper process (like /usr/bin/time) in the way.
    Output goes to temporary files rather than pipes: a tool writing a large diff can neither block on
    a full pipe nor make this process hold it all in memory.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        # The child is already reaped; tell Popen so it does not try to wait for it again.
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Sample(
            seconds=seconds,
            peak_rss_bytes=_maxrss_bytes(usage.ru_maxrss),
            returncode=proc.returncode,
            stdout_head=out.read(OUTPUT_HEAD_BYTES),
            stderr_head=err.read(OUTPUT_HEAD_BYTES),
        )


def measure(commands: Sequence[Command], repeat: int, cwd: Path) -> list[Result]:
    """Run every command `repeat` times, round-robin, checking each run as it finishes.

    Round-robin (A B C A B C ...) rather than A A A B B B spreads slow drifts of this noisy VM
    (other tenants, thermal, page cache) over all tools instead of charging them to one.
    A failed check raises at once: there is no point timing the remaining runs of a wrong answer.
    """
    results = [Result(c) for c in commands]
    for i in range(repeat):
        for result in results:
            sample = run_once(result.command.argv, cwd)
            if result.command.check is not None:
                result.command.check(sample)
            result.samples.append(sample)
            print(f"  run {i + 1}/{repeat}  {result.label:<40} {sample.seconds:8.2f} s"
                  f"  {sample.peak_rss_bytes / MB:8.1f} MB", file=sys.stderr, flush=True)
    return results


def omm_executable(ctx: Context) -> str:
    """The installed `omm` console script next to the running interpreter (the venv's), else on PATH."""
    beside = Path(ctx.python).parent / "omm"
    found = str(beside) if beside.exists() else shutil.which("omm")
    if found is None:
        raise BenchError("cannot find the `omm` command; run `make bench` so the venv is set up")
    return found


def output_text(data: bytes) -> str:
    """A command's captured output as text, for messages (undecodable bytes replaced)."""
    return data.decode("utf-8", errors="replace").strip()


def warm_page_cache(path: Path, chunk: int = 16 * MB) -> None:
    """Read the file once so no tool pays the cold-disk read the others then skip."""
    with path.open("rb", buffering=0) as f:
        while f.read(chunk):
            pass


def render(report: Report) -> str:
    """The table printed to stdout: tool, median and range of wall times, ratio, peak memory."""
    header = ("tool", "median s", "range s", "ratio", "peak MB")
    rows = [
        (
            r.label,
            f"{r.median_s:.2f}",
            f"{min(r.seconds):.2f}-{max(r.seconds):.2f}",
            f"{report.ratio(r.label):.2f}",
            f"{r.peak_mb:.1f}",
        )
        for r in report.results
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        # Tool names left-aligned, numbers right-aligned so decimal points line up.
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    rule = "  ".join("-" * w for w in widths)
    of = ("the baseline of its case: " + " or ".join(repr(b) for b in dict.fromkeys(report.baselines.values()))
          if report.baselines else repr(report.baseline))
    note = f"ratio = median / median of {of}; peak MB = largest peak RSS over the runs"
    return "\n".join([report.title, line(header), rule, *(line(r) for r in rows), note, report.headline])


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def masters_main(name: str, doc: str, run: Callable[..., Report], argv: list[str] | None, *,
                 default_masters: int, rows_per_master: int, masters_help: str) -> int:
    """The command line of a benchmark of a generated tenant run on its own (without run.py):
    ``--masters``, ``--repeat``, ``--regenerate``; prints the table, writes ``<name>.json``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--masters", type=int, default=default_masters, help=masters_help)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the median is shown (default 1)")
    parser.add_argument("--regenerate", action="store_true", help="generate the tenants again")
    args = parser.parse_args(argv)
    ctx = Context(root=Path(__file__).resolve().parent.parent, rows=args.masters * rows_per_master,
                  repeat=args.repeat, python=sys.executable, regenerate=args.regenerate)
    try:
        report = partial(run, masters=args.masters)(ctx)
    except BenchError as exc:
        print(f"BENCHMARK FAILED: {name}\n{exc}", file=sys.stderr)
        return 1
    print(render(report))
    write_json(ctx.results_dir / f"{name}.json", report.to_json(ctx))
    return 0


def verdict(met: bool, applies: bool, scale: str) -> str:
    """How a target fared: met / MISSED at the size it is set for (``scale``, e.g. "1,000,000
    rows"), or whether it would be at the smaller size measured."""
    if applies:
        return "met" if met else "MISSED"
    return f"{'would be met' if met else 'would be missed'}; the target applies at {scale}"
