"""Large, valid asset manifests for the import safety tests (``tests/importing/test_import_safety.py``).

:func:`write_media` draws ``count`` small, distinct PNGs (Pillow, seeded noise) under
``DIR/images/``; :func:`write_manifest` writes an asset manifest of ``rows`` rows whose
MediaImportPath cycles through those images and whose MediaDisplayName is unique per row
(``{prefix} {n}``), so that two manifests with different prefixes import side by side without a
DuplicateDisplayName. Every row passes import: new assets (no InternalMediaId), Neutral locale,
Omnichannel, an alt text, half PublishNow and half Draft.

Run as a module (``python -m tests.importing.import_data OMM-ARGS…``) it is ``omm`` with
``OMM_CRASH_AFTER`` honoured only in the N-th commit (``OMM_TEST_CRASH_TXN=N``), see :func:`main`.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import polars as pl
from PIL import Image

HEADER = ("MediaChannel", "MediaLocale", "MediaType", "MediaSourceIfExistsAction", "MediaAction",
          "MediaImportPath", "ImageAltText", "MediaSearchTags", "MediaDisplayName")


def png(seed: int, size: tuple[int, int] = (8, 6)) -> bytes:
    """A small PNG of seeded noise: distinct seeds give distinct bytes (and SHA-256)."""
    rng = random.Random(seed)
    img = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def write_media(media_dir: Path, count: int, *, seed: int = 0) -> list[str]:
    """``count`` distinct PNGs as ``media_dir/images/pNNNN.png``; returns their relative paths."""
    (media_dir / "images").mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        rel = f"images/p{i:04d}.png"
        (media_dir / rel).write_bytes(png(seed * 1_000_003 + i))
        paths.append(rel)
    return paths


def write_manifest(path: Path, rows: int, images: list[str], *, prefix: str) -> Path:
    """An asset manifest of ``rows`` rows at ``path`` (display names ``{prefix} {n}``)."""
    n = pl.int_range(0, rows, eager=True).alias("n")
    frame = pl.DataFrame(n).select(
        pl.lit("").alias("MediaChannel"),
        pl.lit("system_neutral").alias("MediaLocale"),
        pl.lit("Image").alias("MediaType"),
        pl.lit("UseExisting").alias("MediaSourceIfExistsAction"),
        pl.when(pl.col("n") % 2 == 0).then(pl.lit("PublishNow")).otherwise(pl.lit("Draft")).alias("MediaAction"),
        pl.format("{} picture {}", pl.lit(prefix), pl.col("n")).alias("ImageAltText"),
        pl.lit("bulk,test").alias("MediaSearchTags"),
        pl.format("{} {}", pl.lit(prefix), pl.col("n")).alias("MediaDisplayName"),
    )
    frame = frame.with_columns(pl.Series("MediaImportPath", images).gather(n % len(images)))
    path.write_bytes(frame.select(HEADER).write_csv(separator="\t", quote_style="never").encode("utf-8"))
    return path


# -- a crash seam for one chosen transaction ----------------------------------------------------------

TXN_ENV = "OMM_TEST_CRASH_TXN"


def main(argv: list[str]) -> None:
    """``python -m tests.importing.import_data OMM-ARGS…``: run ``omm`` with ``OMM_CRASH_AFTER``
    honoured only in the N-th transaction that commits (``OMM_TEST_CRASH_TXN=N``, default 1).

    An import commits twice: (1) the InProgress job row with its saved input, (2) the work with the
    final job row. ``OMM_CRASH_AFTER`` alone stops the first commit that reaches the step, so a test
    reaches the commit point of the work only through this counter. Every commit with something to
    commit passes the ``staged`` step first, which is what is counted.
    """
    import os

    from toolkit.cli.app import main as omm_main
    from toolkit.store import journal

    wanted = int(os.environ.get(TXN_ENV, "1"))
    seen = 0
    real = journal._crash_point

    def crash_point(step: str) -> None:
        nonlocal seen
        if step == "staged":
            seen += 1
        if seen == wanted:
            real(step)

    journal._crash_point = crash_point
    omm_main(argv)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
