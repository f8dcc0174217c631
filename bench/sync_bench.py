#!/usr/bin/env python3
"""sync: `omm sync` of a generated tenant — full, incremental after editing one product, and with
nothing to do — with wall time and peak memory of each (a fresh `omm` process per run).

    .venv/bin/python bench/sync_bench.py                     # the issue's tenant: 100,000 masters × 8 variants
    .venv/bin/python bench/sync_bench.py --masters 10000     # quick (about 75,000 products, 1.5 GB of outputs)
    .venv/bin/python bench/sync_bench.py --repeat 3 --regenerate

The tenant is made once, outside the timing, with ``fixtures/generate.py tenant --masters N`` into
bench/data/sync-<N>/ (3 channels × 2-3 locales; about 21 assignment rows per master). Each repeat
works on a fresh copy whose input manifests are hard links to that template (omm replaces files by
rename and never writes inputs in place), with no previous outputs:

1. ``omm sync --tenant bench --full``: every product × channel (and Omnichannel) × locale (and Neutral);
2. one master's Additional items get another MediaPurpose (not timed), then ``omm sync``: incremental;
3. ``omm sync`` again: nothing changed.

Targets (issue 5): full sync under 60 s and 8 GB; incremental after editing one product under 5 s.
The report is printed and written to bench/results/sync-<N>.json. This script is not yet in
bench/run.py (``make bench``); run it directly.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from harness import MB, run_once

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TENANT = "bench"
TARGETS = {"full": (60.0, 8192.0), "incremental": (5.0, None), "unchanged": (None, None)}
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


def setup(argv: list[str]) -> str:
    """Run an untimed step; stop with its stderr when it fails."""
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "OMM_WORKSPACE"})
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:6])}… failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


def template(masters: int, regenerate: bool) -> Path:
    base = ROOT / "bench" / "data" / f"sync-{masters}"
    tenant = base / "ws" / "tenants" / TENANT
    if regenerate or not (tenant / "cms" / "assignments.tsv").is_file():
        shutil.rmtree(base, ignore_errors=True)
        setup([PYTHON, "fixtures/generate.py", "tenant", "--masters", str(masters), "-o", str(tenant)])
    return base / "ws"


def fresh_copy(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=os.link)  # inputs are hard links, never written in place
    return target


def timed(workspace: Path, *args: str) -> tuple[float, float, str]:
    sample = run_once([PYTHON, "-m", "toolkit", "--workspace", str(workspace), "sync", "--tenant", TENANT,
                       "--format", "json", *args], ROOT)
    if sample.returncode != 0:
        raise SystemExit(f"omm sync failed ({sample.returncode}):\n{sample.stderr_head.decode(errors='replace')}")
    mode = json.loads(sample.stdout_head)["mode"]
    return sample.seconds, sample.peak_rss_bytes / MB, mode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--masters", type=int, default=100_000, help="masters of the generated tenant (8 variants each)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step (the median is reported)")
    parser.add_argument("--regenerate", action="store_true", help="generate the tenant again")
    args = parser.parse_args()
    source = template(args.masters, args.regenerate)
    work = ROOT / "bench" / "data" / f"sync-{args.masters}-run"
    runs: dict[str, list[tuple[float, float, str]]] = {k: [] for k in TARGETS}
    for i in range(args.repeat):
        ws = fresh_copy(source, work)
        runs["full"].append(timed(ws, "--full"))
        setup([PYTHON, "-c", EDIT, str(ws / "tenants" / TENANT)])
        runs["incremental"].append(timed(ws))
        runs["unchanged"].append(timed(ws))
        print(f"  run {i + 1}/{args.repeat}: " + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in runs.items()),
              file=sys.stderr, flush=True)
    tenant = work / "tenants" / TENANT
    outputs = sum(p.stat().st_size for p in [tenant / "hq/media_assignments.tsv", tenant / "search/default_images.tsv",
                                            *tenant.glob("csu/*/media_assignments.tsv")])
    report = {"benchmark": "sync", "masters": args.masters, "repeat": args.repeat, "output_mb": round(outputs / MB),
              "steps": {k: {"median_s": round(statistics.median(s for s, _, _ in v), 2),
                            "peak_rss_mb": round(max(m for _, m, _ in v)), "mode": v[-1][2],
                            "target_s": TARGETS[k][0], "target_mb": TARGETS[k][1]} for k, v in runs.items()}}
    print(f"sync of a generated tenant, {args.masters} masters × 8 variants ({report['output_mb']} MB of outputs)")
    for step, r in report["steps"].items():
        target = f"  (target ≤ {r['target_s']:.0f} s" + (f", ≤ {r['target_mb']:.0f} MB)" if r["target_mb"] else ")") \
            if r["target_s"] else ""
        print(f"  {step:<12} {r['mode']:<12} {r['median_s']:8.1f} s {r['peak_rss_mb']:8.0f} MB{target}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"sync-{args.masters}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
