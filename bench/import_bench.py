"""import: `omm import` of a generated assets manifest vs the script a user would otherwise write.

The manifest (metadata plus deduplicated binaries) has min(--rows, 300,000) new Image assets whose
MediaImportPath values point at 3,000 small real PNG/JPEG files, so every binary is named by ~100
rows and the import reads, decodes, hashes and stores each one once (every tenth file is a byte copy
of its neighbour, so storing by SHA-256 dedups those too). The baseline is what a user would write
instead: a Polars read of the manifest, hashlib over each distinct file, ids and result columns
added, media.tsv written. It does far less than omm (no validation, matching, image decoding, blob
store, job log, fsync or atomic commit), so it is a floor, not a competitor.

Target (the import issue): a 300k-row import under 30 s on a 2-core machine; time and peak memory
are reported. Every run imports into a fresh, empty tenant, made outside the timed command.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from datasets import SEED, size_tag
from harness import (
    BenchError,
    Benchmark,
    Command,
    Context,
    Report,
    Result,
    Sample,
    measure,
    omm_executable,
    output_text,
    verdict,
    warm_page_cache,
)

if TYPE_CHECKING:  # Polars and Pillow are imported only in the child process that generates data
    import polars as pl

__all__ = ["BENCHMARK"]

TARGET_ROWS = 300_000  # the manifest size; also this benchmark's size unless --rows is smaller
SCALE = f"{TARGET_ROWS:,} rows"  # where the target applies
TARGET_SECONDS = 30.0  # omm's median wall time at TARGET_ROWS, below
MEDIA_FILES = 3_000  # distinct MediaImportPath values
COPY_EVERY = 10  # file k with k % COPY_EVERY == COPY_EVERY - 1 is a byte copy of file k - 1
TENANT = "bench"
FIRST_ERRORS = 10  # failed rows of omm's result manifest to show when it rejects generated data
MEDIA_VERSION = "1"  # bump when the images change, so cached media are rewritten

OMM = "omm import"
BASELINE = "polars + hashlib script"

# What a user would write instead of omm: read the manifest, hash each distinct binary, add the ids
# and result columns, write media.tsv. uuid4 per row is the obvious way to make ids (~0.3 s at 300k
# rows). Paths arrive in argv so nothing is quoted into source; stdout is a summary for the check.
BASELINE_SCRIPT = """\
import datetime, hashlib, json, os, sys, uuid
import polars as pl
manifest, media_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]
df = pl.read_csv(manifest, separator="\\t", infer_schema=False)
checksums = {}
for path in df.get_column("MediaImportPath").unique().to_list():
    with open(os.path.join(media_dir, path), "rb") as f:
        checksums[path] = hashlib.file_digest(f, "sha256").hexdigest()
now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
df = df.with_columns(
    InternalMediaId=pl.Series([str(uuid.uuid4()) for _ in range(df.height)]),
    MediaVersion=pl.lit("1"), MediaCreatedOn=pl.lit(now), MediaLastModifiedOn=pl.lit(now),
    MediaChecksum=pl.col("MediaImportPath").replace_strict(checksums),
    Result=pl.lit("Succeeded"), ResultTime=pl.lit(now),
)
df.write_csv(out, separator="\\t")
print(json.dumps({"rows": df.height, "files": len(checksums), "blobs": len(set(checksums.values()))}))
"""

# Vocabulary of the generated metadata; the moduli are coprime so combinations vary.
VIEWS = ("front", "back", "side", "detail", "lifestyle", "zoom")
ADJECTIVES = ("Classic", "Relaxed", "Studio", "Heritage", "Urban", "Coastal", "Everyday")
NOUNS = ("Cargo Pants", "Denim Jeans", "Crew Neck T-Shirt", "Card Holder", "Leather Belt", "Rain Jacket",
         "Wool Sweater", "Canvas Sneakers", "Linen Shirt", "Sunglasses", "Tote Bag")
COLORS = ("Indigo", "Navy", "Olive", "Black", "White", "Red", "Sand", "Grey", "Brown", "Teal", "Rust", "Cream",
          "Burgundy")


# --- generated inputs (child process) -------------------------------------------------------------

def _media_path(k: int) -> str:
    """File k's MediaImportPath: 30 directories of 100, two PNGs to one JPEG."""
    return f"img/{k // 100:02d}/{k:04d}.{'jpg' if k % 3 == 2 else 'png'}"


def _content_id(k: int) -> int:
    return k - 1 if k % COPY_EVERY == COPY_EVERY - 1 else k


def _image_bytes(k: int) -> bytes:
    """A small real image: seeded noise (so it does not compress away and no two differ by chance)."""
    import io

    from PIL import Image

    c = _content_id(k)
    width, height = 32 + (c % 5) * 8, 24 + (c % 3) * 8
    pixels = random.Random(SEED * 1_000_003 + c).randbytes(width * height * 3)
    buf = io.BytesIO()
    image = Image.frombytes("RGB", (width, height), pixels)
    if _media_path(k).endswith(".jpg"):
        image.save(buf, format="JPEG", quality=85)
    else:
        image.save(buf, format="PNG")
    return buf.getvalue()


def _write_media(media_dir: Path) -> None:
    """The MEDIA_FILES images, written once; .complete is written last and says which version."""
    stamp = media_dir / ".complete"
    if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == MEDIA_VERSION:
        return
    shutil.rmtree(media_dir, ignore_errors=True)
    cache: dict[int, bytes] = {}
    for k in range(MEDIA_FILES):
        path = media_dir / _media_path(k)
        path.parent.mkdir(parents=True, exist_ok=True)
        c = _content_id(k)
        if c not in cache:
            cache.clear()  # a copy only ever repeats the previous file
            cache[c] = _image_bytes(k)
        path.write_bytes(cache[c])
    stamp.write_text(MEDIA_VERSION + "\n", encoding="utf-8")


def _pick(index: pl.Expr, words: tuple[str, ...]) -> pl.Expr:
    import polars as pl

    return (index % len(words)).replace_strict(dict(enumerate(words)), return_dtype=pl.String)


def _manifest(rows: int) -> pl.DataFrame:
    """The assets manifest, column-wise: six views per product, one row in ten en-us, a quarter PublishNow."""
    import polars as pl

    i = pl.col("__i")
    product = 100_000 + i // len(VIEWS)
    adjective, noun = _pick(i // len(VIEWS), ADJECTIVES), _pick(i // len(VIEWS), NOUNS)
    color, view = _pick(i // len(VIEWS), COLORS), _pick(i, VIEWS)
    # Which file a row uses: a seeded multiplicative hash of the row number (as in datasets._bucket),
    # so rows sharing a file are scattered over the manifest rather than adjacent.
    k = ((i + SEED * 1_000_003) * 2_654_435_761 % (1 << 32)) % MEDIA_FILES
    paths = pl.Series([_media_path(j) for j in range(MEDIA_FILES)], dtype=pl.String)
    alt = pl.format("{} {} in {}, {} view", adjective, noun, color, view)
    return (
        pl.select(__i=pl.int_range(rows, dtype=pl.Int64))
        .with_columns(__k=k)
        .select(
            MediaChannel=pl.lit(None, pl.String),  # Omnichannel: needs no channel of its own
            MediaLocale=pl.when(i % 10 == 9).then(pl.lit("en-us")).otherwise(pl.lit("system_neutral")),
            MediaType=pl.lit("Image"),
            MediaSourceIfExistsAction=pl.lit("UseExisting"),
            MediaAction=pl.when(i % 4 == 0).then(pl.lit("PublishNow")).otherwise(pl.lit("Draft")),
            MediaImportPath=pl.lit(paths).gather(pl.col("__k")),
            ImageAltText=alt,
            MediaSearchTags=pl.concat_str([adjective, noun.str.replace_all(" ", ","), color],
                                          separator=",").str.to_lowercase(),
            MediaDisplayName=pl.format("{} {} {}", product, color, view),  # unique: one view per product
            MediaDescription=pl.when(i % 2 == 0).then(pl.format("{}, photographed for product {}.", alt, product)),
            __k=pl.col("__k"),
        )
    )


def _generate(out: Path, media_dir: Path, rows: int) -> dict[str, int]:
    """Child-process side of _inputs: write the media (once) and the manifest; return the facts."""
    import polars as pl

    _write_media(media_dir)
    frame = _manifest(rows)
    used = frame.get_column("__k").unique().to_list()
    facts = {"rows": rows, "files": len(used), "blobs": len({_content_id(k) for k in used})}
    frame.drop("__k").write_csv(out, separator="\t", quote_style="never")
    assert pl.read_csv(out, separator="\t", infer_schema=False).height == rows
    return facts


# --- inputs, workspace and checks (harness process: no data held here) ----------------------------

@dataclass(frozen=True)
class Inputs:
    manifest: Path  # relative to the project root, as the tools see it
    media_dir: Path  # relative to the project root
    rows: int
    files: int  # distinct MediaImportPath values the manifest uses
    blobs: int  # distinct contents among them: the blobs a fresh tenant must end up with


def _inputs(ctx: Context, rows: int) -> Inputs:
    """Manifest (bench/data/import-assets-300k.tsv), its facts (.json beside it) and the media, made once.

    Rewritten when missing, older than this module, or on --regenerate. Generated in a child
    process: the harness reads each tool's peak memory from the kernel, and a child's peak starts
    at its parent's own high-water mark, so this process must never hold data.
    """
    path = ctx.data_dir / f"import-assets-{size_tag(rows)}.tsv"
    facts_path, media = path.with_suffix(".json"), ctx.data_dir / "import-media"
    fresh = (path.exists() and facts_path.exists() and (media / ".complete").exists()
             and path.stat().st_mtime >= Path(__file__).stat().st_mtime)
    if not fresh or ctx.regenerate:
        if ctx.regenerate:
            shutil.rmtree(media, ignore_errors=True)
        ctx.data_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.tsv")
        print(f"generating {path.relative_to(ctx.root)} and {media.relative_to(ctx.root)}/ "
              f"({rows:,} rows, {MEDIA_FILES:,} images)", file=sys.stderr, flush=True)
        argv = [ctx.python, __file__, "generate", str(partial), str(media), str(rows)]
        done = subprocess.run(argv, cwd=ctx.root, capture_output=True, text=True)
        if done.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BenchError(f"generating the import manifest failed (exit {done.returncode}):\n{done.stderr.strip()}")
        facts_path.write_text(done.stdout, encoding="utf-8")
        os.replace(partial, path)
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    return Inputs(manifest=path.relative_to(ctx.root), media_dir=media.relative_to(ctx.root), rows=facts["rows"],
                  files=facts["files"], blobs=facts["blobs"])


def _warm(ctx: Context, inputs: Inputs) -> None:
    warm_page_cache(ctx.root / inputs.manifest)
    for path in (ctx.root / inputs.media_dir).rglob("*.*"):
        warm_page_cache(path)






def _count_blobs(tenant: Path) -> int:
    return sum(1 for p in (tenant / "cms" / "blobs").glob("*/*") if p.is_file())


def _data_rows(path: Path, chunk: int = 16 << 20) -> int:
    """Lines after the header, counted in chunks (no Polars, no whole file in this process)."""
    lines, last = 0, b"\n"
    with path.open("rb", buffering=0) as f:
        while block := f.read(chunk):
            lines, last = lines + block.count(b"\n"), block[-1:]
    return lines + (last != b"\n") - 1


def _first_failures(tenant: Path, result: object) -> str:
    """The first failed rows of omm's result manifest (jobs/<id>/result.tsv): ErrorCode and description."""
    if not isinstance(result, str) or not (tenant / result).is_file():
        return "(no result manifest)"
    lines: list[str] = []
    with (tenant / result).open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if "ErrorCode" not in header:
            return f"(result manifest {result} has no ErrorCode column)"
        code, desc, name = (header.index(c) if c in header else None
                            for c in ("ErrorCode", "ResultDescription", "MediaDisplayName"))
        for number, line in enumerate(f, start=2):
            cells = line.rstrip("\n").split("\t")
            if code is not None and code < len(cells) and cells[code]:
                what = cells[name] if name is not None and name < len(cells) else ""
                lines.append(f"line {number} ({what}): {cells[code]}: {cells[desc] if desc is not None else ''}")
                if len(lines) == FIRST_ERRORS:
                    break
    return "\n".join(lines) or "(no row has an ErrorCode)"


class FreshTenant:
    """The workspace omm imports into: an empty tenant before every run, made outside the timed command.

    `check` is the Command check of the omm run: it verifies the run (every row succeeded, the
    store holds every row and exactly the distinct binaries), then replaces the tenant with a fresh
    empty one for the next run. Resetting there, between runs, keeps `omm tenant init` untimed.
    """

    def __init__(self, ctx: Context, workspace: Path, inputs: Inputs) -> None:
        self.ctx, self.workspace, self.inputs = ctx, workspace, inputs
        self.tenant = workspace / "tenants" / TENANT

    def reset(self) -> None:
        shutil.rmtree(self.tenant, ignore_errors=True)
        argv = [omm_executable(self.ctx), "-q", "--workspace", str(self.workspace), "tenant", "init", TENANT]
        done = subprocess.run(argv, cwd=self.ctx.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"omm tenant init failed (exit {done.returncode}):\n{done.stderr.strip()}")
        # Channels whose Locales name en-us (the manifest's non-neutral locale); Omnichannel rows need no channel.
        shutil.copyfile(self.ctx.root / "fixtures" / "workspace" / "tenants" / "contoso-dev" / "channels.tsv",
                        self.tenant / "channels.tsv")

    def check(self, sample: Sample) -> None:
        try:
            report = json.loads(sample.stdout_head)
            rows = report["rows"]
        except (ValueError, KeyError, TypeError):
            raise BenchError(f"{OMM} printed no result JSON (exit {sample.returncode}):\n"
                             f"{output_text(sample.stdout_head)[:2000]}\nstderr:\n{output_text(sample.stderr_head) or '(empty)'}"
                             ) from None
        n = self.inputs.rows
        if sample.returncode != 0 or rows.get("succeeded") != n or rows.get("total") != n:
            raise BenchError(
                f"{OMM} did not import every generated row (exit {sample.returncode}, status {report.get('status')}, "
                f"rows {rows}, expected {n:,} succeeded): the generator and the importer disagree.\n"
                f"first failed rows of tenants/{TENANT}/{report.get('result')}:\n"
                f"{_first_failures(self.tenant, report.get('result'))}\n"
                f"stderr:\n{output_text(sample.stderr_head) or '(empty)'}")
        stored, blobs = _data_rows(self.tenant / "cms" / "media.tsv"), _count_blobs(self.tenant)
        if stored != n or blobs != self.inputs.blobs:
            raise BenchError(f"{OMM} reported success but the tenant holds {stored:,} asset rows (expected {n:,}) "
                             f"and {blobs:,} blobs (expected {self.inputs.blobs:,} distinct binaries)")
        self.reset()


def _check_baseline(inputs: Inputs) -> Callable[[Sample], None]:
    def check(sample: Sample) -> None:
        if sample.returncode != 0:
            raise BenchError(f"{BASELINE} exited {sample.returncode}:\n{output_text(sample.stderr_head)}")
        got = json.loads(sample.stdout_head)
        want = {"rows": inputs.rows, "files": inputs.files, "blobs": inputs.blobs}
        if got != want:
            raise BenchError(f"{BASELINE} gave {got}, expected {want}")

    return check


def _commands(ctx: Context, inputs: Inputs, tenant: FreshTenant, out: Path) -> list[Command]:
    manifest, media = str(inputs.manifest), str(inputs.media_dir)
    omm = [omm_executable(ctx), "-q", "--workspace", str(tenant.workspace), "import", manifest,
           "--tenant", TENANT, "--media-dir", media, "--format", "json"]
    return [
        Command(OMM, omm, tenant.check),
        Command(BASELINE, [ctx.python, "-c", BASELINE_SCRIPT, manifest, media, str(out / "media.tsv")],
                _check_baseline(inputs)),
    ]


def _headline(results: list[Result], rows: int, requested: int) -> tuple[list[str], dict[str, object]]:
    by = {r.label: r for r in results}
    omm, base = by[OMM], by[BASELINE]
    ratio = omm.median_s / base.median_s
    applies, met = rows >= TARGET_ROWS, omm.median_s < TARGET_SECONDS
    sized = (f"{rows:,} rows: this benchmark imports min(--rows, {TARGET_ROWS:,}) rows"
             + ("" if requested == rows else f" (--rows {requested:,} asked for more)"))
    lines = [
        sized,
        f"omm/baseline ratio: {ratio:.2f} (the baseline only reads, hashes and writes; no target)",
        f"omm import time: {omm.median_s:.1f} s (target < {TARGET_SECONDS:g} s on a 2-core machine; "
        f"this one has {os.cpu_count()} CPUs): {verdict(met, applies, SCALE)}",
        f"peak memory: omm {omm.peak_mb:.0f} MB, baseline {base.peak_mb:.0f} MB",
    ]
    target = {"value": round(omm.median_s, 4), "target": TARGET_SECONDS, "met": met, "applies": applies,
              "applies_from_rows": TARGET_ROWS}
    return lines, {"ratio": round(ratio, 4), "targets": {"omm_seconds": target}}


def run(ctx: Context) -> Report:
    rows = min(ctx.rows, TARGET_ROWS)
    inputs = _inputs(ctx, rows)
    _warm(ctx, inputs)
    # Workspace and baseline output beside the inputs (same file system; /tmp may be RAM), removed after.
    with tempfile.TemporaryDirectory(prefix="import-run-", dir=ctx.data_dir) as tmp:
        tenant = FreshTenant(ctx, Path(tmp) / "workspace", inputs)
        tenant.reset()
        results = measure(_commands(ctx, inputs, tenant, Path(tmp)), ctx.repeat, ctx.root)
    lines, extra = _headline(results, rows, ctx.rows)
    size = (ctx.root / inputs.manifest).stat().st_size
    return Report(
        name="import",
        title=(f"import: {rows:,} asset rows ({inputs.manifest}, {size / 1e6:.1f} MB) naming {inputs.files:,} "
               f"files ({inputs.blobs:,} distinct binaries) in {inputs.media_dir}/, into a fresh tenant; "
               f"median of {ctx.repeat} runs"),
        results=results,
        baseline=BASELINE,
        headline="\n".join(lines),
        extra={"file": str(inputs.manifest), "file_bytes": size, "media_dir": str(inputs.media_dir),
               "import_rows": rows, "files": inputs.files, "blobs": inputs.blobs, "seed": SEED, **extra},
    )


BENCHMARK = Benchmark(name="import", description="omm import of assets plus deduplicated binaries vs a Polars + "
                                                 "hashlib script", run=run)


if __name__ == "__main__":
    # Child-process entry of _inputs: `import_bench.py generate OUT MEDIA_DIR ROWS` prints the facts as JSON.
    if len(sys.argv) != 5 or sys.argv[1] != "generate":
        sys.exit("usage: import_bench.py generate OUT MEDIA_DIR ROWS")
    print(json.dumps(_generate(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
