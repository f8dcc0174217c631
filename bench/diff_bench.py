"""diff: `omm diff --stat` vs a hand-written Polars join, a DuckDB full outer join, csv-diff and daff.

OLD is the generated assignments manifest, NEW a seeded copy with 0.5% of rows removed, 1% changed
and 0.5% added (datasets.changed_copy), so the exact answer is known and every tool is checked
against it: a tool that counts wrong fails the benchmark instead of posting a time.
Targets (the diff performance issue): at 1M rows omm <= 1.5x DuckDB and >= 10x faster than
csv-diff; at 10M rows omm completes under 4 GB peak memory.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datasets import SEED, Delta, changed_copy, generated
from harness import (
    BenchError,
    Benchmark,
    Command,
    Context,
    Report,
    Result,
    Sample,
    measure,
    output_text,
    verdict,
    warm_page_cache,
)

__all__ = ["BENCHMARK"]

DUCKDB_TARGET = 1.5  # omm's median time / DuckDB's, at most
CSV_DIFF_TARGET = 10.0  # csv-diff's median time / omm's, at least
SPEED_TARGET_ROWS = 1_000_000  # where the two speed targets apply; below it start-up dominates
MEMORY_TARGET_MB = 4096.0  # omm's peak RSS at 10M rows, below
MEMORY_TARGET_ROWS = 10_000_000
DAFF_MAX_ROWS = 100_000  # daff is transpiled Haxe: ~10 s at 10k rows, ~100 s at 100k
DAFF_RUNS = 1  # at most: ~100x DuckDB's time, so more runs would only slow `make bench`, never change a ratio
CSV_DIFF_MAX_ROWS = 1_000_000  # csv-diff holds both files as Python dicts (many GB at 10M rows)
KEY_SEPARATOR = "\x1f"  # joins csv-diff's composite key; no manifest value contains it
KEY_COLUMN = "__omm_bench_key"

OMM = "omm diff --stat"
POLARS = "polars full join"
DUCKDB = "duckdb full outer join"
CSV_DIFF = "csv-diff (composite key)"
DAFF = "daff"

# Hand-written Polars, as a user fluent in it would write it: lazy scans of all-String columns
# without quote handling (the files are unquoted), a full join on the key with nulls matching
# nulls (part of the key), and a null-aware comparison of every other column. Assumes OLD and NEW
# share a header, as they do here. Paths and key arrive in argv so nothing is quoted into source.
POLARS_SCRIPT = """\
import json, sys
import polars as pl
old, new, key = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
def scan(path, side):
    lf = pl.scan_csv(path, separator="\\t", infer_schema=False, quote_char=None)
    return lf.with_columns(pl.lit(True).alias(side))
o, n = scan(old, "__old"), scan(new, "__new")
values = [c for c in o.collect_schema().names() if c not in key and c != "__old"]
joined = o.join(n, on=key, how="full", nulls_equal=True, coalesce=True, suffix="__n")
both = pl.col("__old").is_not_null() & pl.col("__new").is_not_null()
differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c + "__n")) for c in values)
counts = joined.select(added=pl.col("__old").is_null().sum(), removed=pl.col("__new").is_null().sum(),
                       changed=(both & differs).sum()).collect(engine="streaming")
print(json.dumps(counts.row(0, named=True)))
"""

# DuckDB SQL: every column VARCHAR, no quote or escape character (empty cells read as NULL), a
# FULL OUTER JOIN on IS NOT DISTINCT FROM (nulls are part of the key) and IS DISTINCT FROM on the
# rest. Spills, if it ever must, go to the temp directory given as argv[4], not the working tree.
DUCKDB_SCRIPT = """\
import json, sys, duckdb
old, new, key, tmp = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4]
with open(old, encoding="utf-8") as f:
    values = [c for c in f.readline().rstrip("\\n").split("\\t") if c not in key]
def source(path, side):
    path = path.replace("'", "''")
    return (f"(SELECT *, true AS {side} FROM read_csv('{path}', delim='\\t', quote='', escape='', "
            f"header=true, all_varchar=true))")
q = lambda c: '"' + c.replace('"', '""') + '"'
on = " AND ".join(f"o.{q(c)} IS NOT DISTINCT FROM n.{q(c)}" for c in key)
differs = " OR ".join(f"o.{q(c)} IS DISTINCT FROM n.{q(c)}" for c in values)
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # it draws on stdout, where the answer goes
con.execute("SET temp_directory = ?", [tmp])
added, removed, changed = con.execute(
    f"SELECT count(*) FILTER (WHERE o.__old IS NULL), count(*) FILTER (WHERE n.__new IS NULL), "
    f"count(*) FILTER (WHERE o.__old AND n.__new AND ({differs})) "
    f"FROM {source(old, '__old')} o FULL OUTER JOIN {source(new, '__new')} n ON {on}").fetchone()
print(json.dumps({"added": added, "removed": removed, "changed": changed}))
"""

# Redirect a command's stdout to the file in $1 and become that command (exec): the shell leaves no
# process of its own, so time and peak memory are the tool's alone, and a large diff never goes
# through the harness, which keeps only the head of stdout.
TO_FILE = 'out=$1; shift; exec "$@" >"$out"'


@dataclass(frozen=True)
class Inputs:
    """The files one run compares, paths relative to the project root as the tools see them."""

    old: Path
    new: Path
    key: list[str]
    delta: Delta
    rows: int


def _python(ctx: Context, script: str, *args: str) -> str:
    """Run a helper script in a fresh interpreter and return its stdout.

    Helpers touch data (and import Polars) in a child, never here: the harness reads each tool's
    peak memory from the kernel, and a child's peak starts at its parent's own high-water mark.
    """
    done = subprocess.run([ctx.python, "-c", script, *args], cwd=ctx.root, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"benchmark helper failed (exit {done.returncode}):\n{done.stderr.strip()}")
    return done.stdout


# The kind's own key, so the benchmark cannot drift from what omm diff matches rows on.
ROW_KEY_SCRIPT = "import json; from schemas.assignments import ROW_KEY; print(json.dumps(ROW_KEY))"

# csv-diff takes a single --key column: prepend the composite key as one. Null and empty are one
# thing in an unquoted TSV, so filling nulls with "" loses nothing. Streams (sink) at any size.
KEYED_COPY_SCRIPT = """\
import sys
import polars as pl
source, out, name, sep, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(",")
composite = pl.concat_str([pl.col(c).fill_null("") for c in key], separator=sep).alias(name)
lf = pl.scan_csv(source, separator="\\t", infer_schema=False, quote_char=None).select(composite, pl.all())
lf.sink_csv(out, separator="\\t", quote_style="never", engine="streaming")
"""


def _inputs(ctx: Context) -> Inputs:
    old = generated(ctx, "assignments")
    new, delta = changed_copy(ctx, old)
    key = json.loads(_python(ctx, ROW_KEY_SCRIPT))
    return Inputs(old=old.relative_to(ctx.root), new=new.relative_to(ctx.root), key=key, delta=delta, rows=ctx.rows)


def _keyed_copy(ctx: Context, source: Path, key: list[str]) -> Path:
    """source with the composite key prepended as one column, for csv-diff's single --key.

    Written once beside the source (rewritten when the source or this module is newer),
    temp-then-rename. Not timed: it stands in for a file that already had a one-column key.
    """
    path = source.with_name(f"{source.stem}-keyed.tsv")
    newest = max(source.stat().st_mtime, Path(__file__).stat().st_mtime)
    if path.exists() and not ctx.regenerate and path.stat().st_mtime >= newest:
        return path
    partial = path.with_suffix(".partial.tsv")
    print(f"writing {path.relative_to(ctx.root)} (composite key column for csv-diff)", file=sys.stderr, flush=True)
    try:
        _python(ctx, KEYED_COPY_SCRIPT, str(source), str(partial), KEY_COLUMN, KEY_SEPARATOR, ",".join(key))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return path




def _compare(label: str, got: dict[str, int], delta: Delta, sample: Sample | None = None) -> None:
    want = delta.to_dict()
    wrong = {k: (got.get(k), v) for k, v in want.items() if k in got and got[k] != v}
    if wrong or not {"added", "removed", "changed"} <= got.keys():
        detail = ", ".join(f"{k}: got {g}, expected {w}" for k, (g, w) in wrong.items()) or f"counts missing: {got}"
        stderr = f"\nstderr:\n{output_text(sample.stderr_head)}" if sample is not None and sample.stderr_head else ""
        raise BenchError(f"{label} gave a wrong answer ({detail}); a wrong answer is not a benchmark{stderr}")


def _json_counts(label: str, sample: Sample, ok: Sequence[int] = (0,)) -> dict[str, Any]:
    if sample.returncode not in ok:
        raise BenchError(f"{label} exited {sample.returncode}:\n{output_text(sample.stderr_head) or output_text(sample.stdout_head)}")
    try:
        return json.loads(sample.stdout_head)
    except ValueError as exc:
        raise BenchError(f"{label} printed no JSON ({exc}):\n{output_text(sample.stdout_head)[:2000]}") from exc


def _check_script(label: str, delta: Delta) -> Callable[[Sample], None]:
    return lambda sample: _compare(label, _json_counts(label, sample), delta, sample)


def _check_omm(inputs: Inputs) -> Callable[[Sample], None]:
    """Exit 1 is `omm diff` saying "differences found": the expected outcome here, not a failure."""

    def check(sample: Sample) -> None:
        report = _json_counts(OMM, sample, ok=(1,))
        summary = report.get("summary")
        if report.get("kind") != "assignments" or not isinstance(summary, dict):
            raise BenchError(f"{OMM}: no assignments summary in its JSON:\n{output_text(sample.stdout_head)[:2000]}")
        key = report.get("key")
        if not isinstance(key, list) or sorted(key) != sorted(inputs.key):  # the order of the columns is immaterial
            raise BenchError(f"{OMM} matched rows on {key}, not the assignments key {inputs.key}")
        if summary.get("columns_added") or summary.get("columns_removed"):
            raise BenchError(f"{OMM} reports column changes where there are none: {summary}")
        _compare(OMM, summary, inputs.delta, sample)  # unchanged is checked too

    return check


def _check_csv_diff(out: Path, delta: Delta) -> Callable[[Sample], None]:
    def check(sample: Sample) -> None:
        if sample.returncode != 0:
            raise BenchError(f"{CSV_DIFF} exited {sample.returncode}:\n{output_text(sample.stderr_head)}")
        with out.open(encoding="utf-8") as f:
            result = json.load(f)
        _compare(CSV_DIFF, {k: len(result[k]) for k in ("added", "removed", "changed")}, delta, sample)

    return check


# daff marks each row of its diff in the first column: +++ inserted, --- deleted, -> modified
# (written with more dashes, -->, when a value itself contains ->).
_DAFF_MARKS = {"+++": "added", "---": "removed"}
_DAFF_CHANGED = re.compile(r"^-+>$")


def _daff_counts(out: Path) -> dict[str, int]:
    counts = dict.fromkeys(("added", "removed", "changed"), 0)
    with out.open(encoding="utf-8") as f:
        next(f, None)  # the @@ header
        for line in f:  # a few thousand diff rows, counted after the clock stopped
            mark = line.split("\t", 1)[0]
            if mark in _DAFF_MARKS:
                counts[_DAFF_MARKS[mark]] += 1
            elif _DAFF_CHANGED.match(mark):
                counts["changed"] += 1
    return counts


def _check_daff(out: Path, delta: Delta) -> Callable[[Sample], None]:
    def check(sample: Sample) -> None:
        if sample.returncode != 0:
            raise BenchError(f"{DAFF} exited {sample.returncode}:\n{output_text(sample.stderr_head)}")
        _compare(DAFF, _daff_counts(out), delta, sample)

    return check


def _omm_executable(ctx: Context) -> str | None:
    """The venv's `omm`, if it has a working `diff` command (it may not exist yet on this branch)."""
    omm = Path(ctx.python).parent / "omm"
    if not omm.exists():
        return None
    done = subprocess.run([str(omm), "diff", "--help"], cwd=ctx.root, capture_output=True)
    return str(omm) if done.returncode == 0 else None


def _bin(ctx: Context, name: str) -> str:
    path = Path(ctx.python).parent / name
    if not path.exists():
        raise BenchError(f"cannot find {path}; run `make bench` so the bench requirements are installed")
    return str(path)


def _commands(ctx: Context, inputs: Inputs, tmp: Path, notes: dict[str, str]) -> list[Command]:
    """Every contender that applies at this size; the others go into `notes` with the reason."""
    old, new, key = str(inputs.old), str(inputs.new), ",".join(inputs.key)
    commands: list[Command] = []
    omm = _omm_executable(ctx)
    if omm is None:
        notes[OMM] = "not available: this omm has no `diff` command"
    else:
        commands.append(Command(OMM, [omm, "-q", "diff", old, new, "--stat", "--format", "json"], _check_omm(inputs)))
    commands.append(Command(POLARS, [ctx.python, "-c", POLARS_SCRIPT, old, new, key], _check_script(POLARS, inputs.delta)))
    commands.append(Command(DUCKDB, [ctx.python, "-c", DUCKDB_SCRIPT, old, new, key, str(tmp)],
                            _check_script(DUCKDB, inputs.delta)))
    return commands + _csv_diff(ctx, inputs, tmp, notes)


def _csv_diff(ctx: Context, inputs: Inputs, tmp: Path, notes: dict[str, str]) -> list[Command]:
    if inputs.rows > CSV_DIFF_MAX_ROWS:
        notes[CSV_DIFF] = f"skipped (csv-diff above {CSV_DIFF_MAX_ROWS:,} rows: it holds both files in Python dicts)"
        return []
    old, new = (_keyed_copy(ctx, ctx.root / p, inputs.key) for p in (inputs.old, inputs.new))
    for path in (old, new):
        warm_page_cache(path)
    out = tmp / "csv-diff.json"
    argv = ["sh", "-c", TO_FILE, "sh", str(out), _bin(ctx, "csv-diff"), str(old.relative_to(ctx.root)),
            str(new.relative_to(ctx.root)), f"--key={KEY_COLUMN}", "--format=tsv", "--json"]
    return [Command(CSV_DIFF, argv, _check_csv_diff(out, inputs.delta))]


def _daff(ctx: Context, inputs: Inputs, tmp: Path, notes: dict[str, str]) -> list[Command]:
    if inputs.rows > DAFF_MAX_ROWS:
        notes[DAFF] = f"skipped (daff above {DAFF_MAX_ROWS // 1000}k rows)"
        return []
    out = tmp / "daff.tsv"
    ids = [arg for column in inputs.key for arg in ("--id", column)]
    # --context 0: only the differing rows, which is what the other tools count.
    argv = [_bin(ctx, "daff"), "diff", *ids, "--context", "0", "--output-format", "tsv", "--output", str(out),
            str(inputs.old), str(inputs.new)]
    return [Command(DAFF, argv, _check_daff(out, inputs.delta))]


def _target(name: str, text: str, value: float, target: float, met: bool, applies: bool, rows: int
            ) -> tuple[str, dict[str, object]]:
    fields = {"value": round(value, 4), "target": target, "met": met, "applies": applies, "applies_from_rows": rows}
    return f"{text}: {verdict(met, applies, f'{rows:,} rows')}", {name: fields}


def _targets(results: list[Result], rows: int) -> tuple[list[str], dict[str, object]]:
    """Headline lines and JSON fields for the three targets; a target whose tool did not run is left out."""
    by = {r.label: r for r in results}
    if OMM not in by:
        return [], {}
    omm, fast = by[OMM], rows >= SPEED_TARGET_ROWS
    ratio = omm.median_s / by[DUCKDB].median_s
    checks = [_target("omm_duckdb_ratio", f"omm/duckdb ratio: {ratio:.2f} (target <= {DUCKDB_TARGET})", ratio,
                      DUCKDB_TARGET, ratio <= DUCKDB_TARGET, fast, SPEED_TARGET_ROWS)]
    if CSV_DIFF in by:
        speedup = by[CSV_DIFF].median_s / omm.median_s
        checks.append(_target("csv_diff_speedup", f"csv-diff/omm speed-up: {speedup:.1f}x (target >= {CSV_DIFF_TARGET:g}x)",
                              speedup, CSV_DIFF_TARGET, speedup >= CSV_DIFF_TARGET, fast, SPEED_TARGET_ROWS))
    peak = omm.peak_mb
    checks.append(_target("omm_peak_mb", f"omm peak memory: {peak:.0f} MB (target < {MEMORY_TARGET_MB:.0f} MB)", peak,
                          MEMORY_TARGET_MB, peak < MEMORY_TARGET_MB, rows >= MEMORY_TARGET_ROWS, MEMORY_TARGET_ROWS))
    return [line for line, _ in checks], {k: v for _, field in checks for k, v in field.items()}


def run(ctx: Context) -> Report:
    inputs = _inputs(ctx)
    for path in (inputs.old, inputs.new):
        warm_page_cache(ctx.root / path)
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="omm-diff-bench-") as tmp:
        results = measure(_commands(ctx, inputs, Path(tmp), notes), ctx.repeat, ctx.root)
        # daff last and on its own: one run of it takes longer than all the others' runs together.
        daff = _daff(ctx, inputs, Path(tmp), notes)
        results += measure(daff, min(ctx.repeat, DAFF_RUNS), ctx.root)
        if daff and ctx.repeat > DAFF_RUNS:
            notes[DAFF] = f"{DAFF_RUNS} run only (it takes ~100x DuckDB's time)"
    lines, extra = _targets(results, ctx.rows)
    lines += [f"{label}: {reason}" for label, reason in notes.items()]
    sizes = [(ctx.root / p).stat().st_size / 1e6 for p in (inputs.old, inputs.new)]
    d = inputs.delta
    return Report(
        name="diff",
        title=(f"diff: {d.old_rows:,} assignment rows ({inputs.old}, {sizes[0]:.1f} MB) vs {inputs.new} "
               f"({sizes[1]:.1f} MB): {d.added:,} added, {d.removed:,} removed, {d.changed:,} changed; "
               f"median of {ctx.repeat} runs"),
        results=results,
        baseline=DUCKDB,
        headline="\n".join(lines),
        extra={"old": str(inputs.old), "new": str(inputs.new), "seed": SEED, "key": inputs.key,
               "expected": {"old_rows": d.old_rows, **d.to_dict()}, "notes": notes, "targets": extra},
    )


BENCHMARK = Benchmark(name="diff", description="omm diff --stat vs Polars, DuckDB, csv-diff and daff", run=run)
