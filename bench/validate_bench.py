"""validate: `omm validate` on a generated assignments manifest vs a bare Polars read of the same file.

The target (SPEC §8, the performance issue) is validate <= 1.5x "a bare Polars read_csv of the same
file": validating must cost little more than reading. Both sides run as fresh processes, so both pay
interpreter start-up and `import polars`.
"""
from __future__ import annotations

import json

from datasets import SEED, generated
from harness import (
    BenchError,
    Benchmark,
    Command,
    Context,
    Report,
    Sample,
    measure,
    omm_executable,
    output_text,
    warm_page_cache,
)

__all__ = ["BENCHMARK"]

TARGET = 1.5
FIRST_ERRORS = 10  # how many validator errors to show when generated data is rejected

OMM = "omm validate"
POLARS = "polars read_csv"
POLARS_STRINGS = "polars read_csv (strings, no quoting)"

# The file path comes in as argv[1] so no path ever has to be quoted into Python source.
READ_DEFAULT = "import sys, polars as pl; pl.read_csv(sys.argv[1], separator='\\t')"
# All-String columns and no quote handling is the cheapest read Polars offers: a floor under the baseline.
READ_STRINGS = "import sys, polars as pl; pl.read_csv(sys.argv[1], separator='\\t', infer_schema=False, quote_char=None)"






def _check_ran(sample: Sample) -> None:
    if sample.returncode != 0:
        raise BenchError(f"baseline exited {sample.returncode}:\n{output_text(sample.stderr_head)}")


def _first_errors(stdout_head: bytes) -> str:
    """The validator's first errors, one per line, or its raw output if it is not (complete) JSON."""
    try:
        errors = json.loads(stdout_head)["errors"]
    except (ValueError, KeyError, TypeError):
        # A huge error list is cut at OUTPUT_HEAD_BYTES; the pretty-printed JSON head still shows the first ones.
        return "\n".join(output_text(stdout_head).splitlines()[: FIRST_ERRORS * 10])
    lines = [json.dumps(e, ensure_ascii=False) for e in errors[:FIRST_ERRORS]]
    return "\n".join(lines) + (f"\n... {len(errors) - FIRST_ERRORS} more" if len(errors) > FIRST_ERRORS else "")


def _check_valid(sample: Sample) -> None:
    """Generated data is valid by construction, so anything but a clean pass is a bug the lead must see."""
    try:
        valid = json.loads(sample.stdout_head).get("valid") is True
    except (ValueError, AttributeError):
        valid = False
    if sample.returncode == 0 and valid:
        return
    raise BenchError(
        f"omm validate rejected data from fixtures/generate.py (exit {sample.returncode}): the generator and "
        f"the validator disagree.\nfirst errors:\n{_first_errors(sample.stdout_head)}\n"
        f"stderr:\n{output_text(sample.stderr_head) or '(empty)'}"
    )


def run(ctx: Context) -> Report:
    path = generated(ctx, "assignments")
    rel = str(path.relative_to(ctx.root))
    warm_page_cache(path)
    commands = [
        Command(OMM, [omm_executable(ctx), "-q", "validate", rel, "--format", "json"], _check_valid),
        Command(POLARS, [ctx.python, "-c", READ_DEFAULT, rel], _check_ran),
        Command(POLARS_STRINGS, [ctx.python, "-c", READ_STRINGS, rel], _check_ran),
    ]
    results = measure(commands, ctx.repeat, ctx.root)
    median = {r.label: r.median_s for r in results}
    ratio = median[OMM] / median[POLARS]
    size = path.stat().st_size
    return Report(
        name="validate",
        title=f"validate: {ctx.rows:,} assignment rows ({rel}, {size / 1e6:.1f} MB), median of {ctx.repeat} runs",
        results=results,
        baseline=POLARS,
        headline=f"validate/polars ratio: {ratio:.2f} (target <= {TARGET})",
        extra={"file": rel, "file_bytes": size, "seed": SEED, "target": TARGET,
               "ratio": round(ratio, 4), "meets_target": ratio <= TARGET},
    )


BENCHMARK = Benchmark(name="validate", description="omm validate vs a bare Polars read_csv of the same file", run=run)
