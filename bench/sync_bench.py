#!/usr/bin/env python3
"""sync: `omm sync` of a generated tenant — full, incremental after editing one product, and with
nothing to do — beside the I/O a full sync's volume costs in Polars.

    make bench BENCH_ARGS="--only sync"                       # 50,000 masters (~1M assignment rows)
    make bench BENCH_ARGS="--only sync --rows 2000000"        # the issue's 100,000 masters × 8 variants
    make bench BENCH_ARGS="--only sync --rows 200000"         # 10,000 masters, quick
    .venv/bin/python bench/sync_bench.py --masters 10000      # the same, without run.py

Size: min(--rows, 2,000,000) / 20 masters (the generator makes about 21 assignment rows per master),
so ``--rows 2000000`` is issue 5's tenant: 100k masters × 8 variants, 3 channels × 2-3 locales,
~2M assignment rows. The tenant is made once, outside the timing, by ``fixtures/generate.py tenant
--masters N`` (seed 7) into bench/data/sync-<N>/ws. Every repeat works on a fresh copy whose files
are hard links to that template (omm replaces files by rename and never writes in place), with no
previous outputs, and runs, each a fresh process:

1. ``omm sync --tenant bench --full``: every product × channel (and Omnichannel) × locale (and Neutral);
2. one master's Additional items get another MediaPurpose (not timed), then ``omm sync``: incremental;
3. ``omm sync`` again: nothing changed;
4. the baseline, ``polars read + write (I/O floor)``: a Polars script that reads what sync reads
   (cms/media.tsv, cms/assignments.tsv, hq/products.tsv, channels.tsv) and streams every file the
   sync wrote (hq/, csu/<OUN>/, search/) through ``scan_csv`` → ``sink_csv`` into a scratch
   directory: moving a full sync's bytes, with no flattening at all. A floor, not a competitor.

Checked every run: omm exits 0 and reports the mode expected (full, incremental, incremental), the
edited sync recomputes some products but not all.

Targets (issue 5), at 100,000 masters: full sync under 60 s and 8 GB; incremental sync after
editing one product under 5 s. Printed as met / MISSED ("would be ..." at a smaller size).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from datasets import ROWS_PER_MASTER, SEED
from harness import (
    MB,
    BenchError,
    Benchmark,
    Command,
    Context,
    Report,
    Result,
    Sample,
    masters_main,
    measure,
    omm_executable,
    output_text,
    verdict,
    warm_page_cache,
)

from toolkit.resolution.state import CHUNK_ENTITIES

__all__ = ["BENCHMARK", "masters_for"]

TARGET_MASTERS = 100_000  # the tenant, and the largest this benchmark generates
TENANT = "bench"
FULL, INCREMENTAL, UNCHANGED = "omm sync --full", "omm sync (one product edited)", "omm sync (nothing changed)"
BASELINE = "polars read + write (I/O floor)"
TARGETS = {FULL: (60.0, 8192.0), INCREMENTAL: (5.0, None)}  # (seconds, peak MB)
SCALE = f"{TARGET_MASTERS:,} masters (--rows {TARGET_MASTERS * ROWS_PER_MASTER})"  # where the targets apply
INPUTS = ("cms/media.tsv", "cms/assignments.tsv", "hq/products.tsv", "channels.tsv")

EDIT = """\
import sys
from pathlib import Path
import polars as pl
from toolkit.tsv import manifest_bytes, read_manifest
path = Path(sys.argv[1]) / "cms/assignments.tsv"
frame = read_manifest(path, "assignments").frame
masters = frame.filter(pl.col("EntityType") == "Product|Master").get_column("EntityKeyValue").unique().sort()
key = masters[len(masters) // 2]
mine = (pl.col("EntityKeyValue") == key) & (pl.col("MediaGroup") == "Additional")
frame = frame.with_columns(pl.when(mine).then(pl.lit("Edited in the benchmark")).otherwise(pl.col("MediaPurpose"))
                           .alias("MediaPurpose"))
tmp = path.with_name("assignments.tsv.tmp")
tmp.write_bytes(manifest_bytes(frame, "assignments"))
tmp.replace(path)  # by rename: the template's hard-linked file stays as it was
print(key)
"""
# What a full sync's volume costs in Polars: read its inputs, stream each file a sync writes (as the
# previous steps left them) into the scratch directory. Arguments: the tenant, the scratch directory.
IO_FLOOR = """\
import sys
from pathlib import Path
import polars as pl
tenant, out = Path(sys.argv[1]), Path(sys.argv[2])
for rel in ("cms/media.tsv", "cms/assignments.tsv", "hq/products.tsv", "channels.tsv"):
    pl.read_csv(tenant / rel, separator="\\t", infer_schema=False, quote_char=None)
written = [tenant / "hq/media_assignments.tsv", tenant / "search/default_images.tsv",
           *sorted(tenant.glob("csu/*/media_assignments.tsv"))]
for n, path in enumerate(written):
    pl.scan_csv(path, separator="\\t", infer_schema=False).sink_csv(out / f"{n}.tsv", separator="\\t")
"""


def masters_for(rows: int) -> int:
    return max(1, min(rows // ROWS_PER_MASTER, TARGET_MASTERS))






def _setup(ctx: Context, argv: list[str]) -> None:
    """Run an untimed step in a child process; BenchError with its stderr if it fails."""
    env = {k: v for k, v in os.environ.items() if k != "OMM_WORKSPACE"}
    done = subprocess.run(argv, cwd=ctx.root, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(argv[1:6])}… failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def template(ctx: Context, masters: int) -> Path:
    """The generated workspace bench/data/sync-<masters>/ws (made once; ws.complete is written last)."""
    base = ctx.data_dir / f"sync-{masters}"
    stamp = base / "ws.complete"
    if ctx.regenerate or not stamp.is_file():
        shutil.rmtree(base, ignore_errors=True)
        print(f"generating {base.relative_to(ctx.root)}/ws: a tenant of {masters:,} masters", file=sys.stderr,
              flush=True)
        _setup(ctx, [ctx.python, "fixtures/generate.py", "tenant", "--masters", str(masters), "--seed", str(SEED),
                     "-o", str(base / "ws" / "tenants" / TENANT)])
        stamp.write_text(f"{masters}\n", encoding="utf-8")
    return base / "ws"


@dataclass
class Runs:
    """The workspace every repeat works on, reset between repeats; the checks of the four commands."""

    ctx: Context
    source: Path
    work: Path
    scratch: Path
    written: list[str] = field(default_factory=list)  # what the full sync wrote, relative to the tenant
    output_bytes: int = 0

    @property
    def tenant(self) -> Path:
        return self.work / "tenants" / TENANT

    def fresh(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(self.source, self.work, copy_function=os.link)
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)

    def _report(self, label: str, sample: Sample, mode: str) -> dict[str, object]:
        try:
            report = json.loads(sample.stdout_head)
        except ValueError:
            report = {}
        if sample.returncode != 0 or report.get("mode") != mode:
            raise BenchError(f"{label} exited {sample.returncode} in mode {report.get('mode')!r} (expected {mode}):\n"
                             f"{output_text(sample.stderr_head)[-3000:]}")
        return report

    def check_full(self, sample: Sample) -> None:
        report = self._report(FULL, sample, "full")
        files = report.get("files")
        self.written = [str(f["path"]) for f in files if f.get("change") != "deleted"] if isinstance(files, list) else []
        self.output_bytes = sum((self.tenant / rel).stat().st_size for rel in self.written)
        _setup(self.ctx, [self.ctx.python, "-c", EDIT, str(self.tenant)])  # not timed: the user's edit

    def check_incremental(self, sample: Sample) -> None:
        entities = self._report(INCREMENTAL, sample, "incremental").get("entities", {})
        assert isinstance(entities, dict)
        recomputed, total = entities.get("recomputed", 0), entities.get("total", 0)
        # The edited product's chunk (CHUNK_ENTITIES products), so all of a tenant of one chunk.
        if not 0 < recomputed <= min(CHUNK_ENTITIES, total) or (recomputed == total > CHUNK_ENTITIES):
            raise BenchError(f"{INCREMENTAL} recomputed {entities}: expected the edited product's chunk, "
                             f"at most {CHUNK_ENTITIES:,} products, not all or none")

    def check_unchanged(self, sample: Sample) -> None:
        self._report(UNCHANGED, sample, "incremental")

    def check_baseline(self, sample: Sample) -> None:
        if sample.returncode != 0:
            raise BenchError(f"{BASELINE} exited {sample.returncode}:\n{output_text(sample.stderr_head)[-3000:]}")
        self.fresh()  # the next repeat starts from the generated tenant, no outputs


def _commands(ctx: Context, runs: Runs) -> list[Command]:
    sync = [omm_executable(ctx), "--workspace", str(runs.work), "sync", "--tenant", TENANT, "--format", "json"]
    return [Command(FULL, [*sync, "--full"], runs.check_full),
            Command(INCREMENTAL, sync, runs.check_incremental),
            Command(UNCHANGED, sync, runs.check_unchanged),
            Command(BASELINE, [ctx.python, "-c", IO_FLOOR, str(runs.tenant), str(runs.scratch)], runs.check_baseline)]


def _headline(results: list[Result], masters: int) -> tuple[list[str], dict[str, object]]:
    by = {r.label: r for r in results}
    applies = masters >= TARGET_MASTERS
    lines = [f"{masters:,} masters = min(--rows / {ROWS_PER_MASTER}, {TARGET_MASTERS:,}); this machine has "
             f"{os.cpu_count()} CPUs"]
    targets: dict[str, object] = {}
    for label, (seconds, peak) in TARGETS.items():
        r = by[label]
        met_s = r.median_s < seconds
        lines.append(f"{label}: {r.median_s:.1f} s (target < {seconds:g} s): {verdict(met_s, applies, SCALE)}")
        targets[f"{label} seconds"] = {"value": round(r.median_s, 4), "target": seconds, "met": met_s,
                                       "applies": applies}
        if peak is not None:
            met_m = r.peak_mb < peak
            lines.append(f"{label}: peak {r.peak_mb:.0f} MB (target < {peak:g} MB): {verdict(met_m, applies, SCALE)}")
            targets[f"{label} peak MB"] = {"value": round(r.peak_mb, 1), "target": peak, "met": met_m,
                                           "applies": applies}
    return lines, {"targets": targets}


def run(ctx: Context, masters: int | None = None) -> Report:
    masters = masters or masters_for(ctx.rows)
    source = template(ctx, masters)
    for rel in INPUTS:
        warm_page_cache(source / "tenants" / TENANT / rel)
    runs = Runs(ctx, source, source.parent / "work", source.parent / "baseline-out")
    runs.fresh()
    try:
        results = measure(_commands(ctx, runs), ctx.repeat, ctx.root)
    finally:
        shutil.rmtree(runs.work, ignore_errors=True)
        shutil.rmtree(runs.scratch, ignore_errors=True)
    lines, extra = _headline(results, masters)
    return Report(
        name="sync",
        title=(f"sync: a generated tenant of {masters:,} masters × 8 variants ({runs.output_bytes / MB:,.0f} MB of "
               f"outputs); median of {ctx.repeat} runs"),
        results=results,
        baseline=BASELINE,
        headline="\n".join(lines),
        extra={"masters": masters, "output_bytes": runs.output_bytes, "seed": SEED, **extra},
    )


BENCHMARK = Benchmark(name="sync", description="omm sync full, incremental and unchanged vs the I/O of its volume "
                                               "in Polars", run=run)


def main(argv: list[str] | None = None) -> int:
    return masters_main("sync", __doc__, run, argv, default_masters=TARGET_MASTERS, rows_per_master=ROWS_PER_MASTER,
                        masters_help=f"masters of the generated tenant, 8 variants each (default {TARGET_MASTERS})")


if __name__ == "__main__":
    sys.exit(main())
