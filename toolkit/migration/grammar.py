"""The legacy file-name grammar, parsed with Polars string expressions (SPEC §6).

::

    [{LanguageId}/]Products/{ProductNumber}_000_{NNN}.{ext}
    [{LanguageId}/]Products/{ProductNumber} ^ {Style} ^ {Size} ^ {Color} ^_000_{NNN}.{ext}
    [{LanguageId}/]Products/{ProductNumber} ^ {Configuration}_000_{NNN}.{ext}
    [{LanguageId}/]Categories/{CategoryName}.{ext}

Folder names match in any case; spaces around separators and values are trimmed, so
``93039^Slim^32^Black^`` and ``93039 ^ Slim ^ 32 ^ Black ^ `` read alike. An empty value (two
spaces between carets) leaves that dimension open. The trailing separator of a variant name may
be missing when the name holds exactly as many values as the dimension order has (two or more).

:func:`parse` adds, per path: ``Locale``, ``Shape`` (product, variant, configuration, category),
``Number``, ``Category``, one ``D_<Dimension>`` column per dimension (null = open), ``Seq``,
``Ext``, ``MediaType`` and, for a path the grammar refuses, ``Reason`` and ``Detail``.
"""

from __future__ import annotations

import polars as pl

from schemas.patterns import DIMENSIONS, NEUTRAL
from toolkit.migration.options import LegacyGrammar

_LOCALE = r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})+"
PATH_RE = rf"^(?:(?<Lang>{_LOCALE})/)?(?<Folder>(?i:products|categories))/(?<Name>[^/]+)$"
PRODUCT_RE = r"^(?<Body>.+?)_000_(?<Digits>[0-9]+)\.(?<Ext>[A-Za-z0-9]+)$"
CATEGORY_RE = r"^(?<Stem>.+)\.(?<Ext2>[A-Za-z0-9]+)$"
ABSOLUTE_RE = r"^(/|~|[A-Za-z]:/)"
IMAGE_EXT = ("png", "jpg", "jpeg", "jpe", "gif", "webp", "bmp", "tif", "tiff", "ico", "avif")
VIDEO_EXT = ("mp4", "m4v", "mov", "webm", "avi", "wmv", "mkv", "mpg", "mpeg")
DIM_COLUMNS = tuple(f"D_{d}" for d in DIMENSIONS)


def dim(d: str) -> str:
    return f"D_{d}"


def _null_if_empty(e: pl.Expr) -> pl.Expr:
    return pl.when(e.str.len_chars() > 0).then(e)


def _split(frame: pl.DataFrame, g: LegacyGrammar) -> pl.DataFrame:
    """Body → ``__parts`` (trimmed), ``__trailing`` (ends with the separator), ``__n`` parts."""
    body = pl.col("Body").str.strip_chars()
    return frame.with_columns(
        __parts=body.str.split(g.separator).list.eval(pl.element().str.strip_chars()),
        __trailing=body.str.ends_with(g.separator).fill_null(False))


def _shape(g: LegacyGrammar) -> pl.Expr:
    n, trailing, dims = pl.col("__n"), pl.col("__trailing"), len(g.dimension_order)
    full = trailing & (n == dims + 2)
    untrailed = ~trailing & (n == dims + 1) & pl.lit(dims >= 2)
    return (pl.when(pl.col("Folder") == "category").then(pl.lit("category"))
            .when(pl.col("Body").is_null()).then(pl.lit(None, pl.String))
            .when(n == 1).then(pl.lit("product"))
            .when(full | untrailed).then(pl.lit("variant"))
            .when(~trailing & (n == 2)).then(pl.lit("configuration")))


def _dimensions(g: LegacyGrammar) -> list[pl.Expr]:
    parts, shape = pl.col("__parts"), pl.col("Shape")
    out = []
    for d in DIMENSIONS:
        value = pl.lit(None, pl.String)
        if d in g.dimension_order:
            value = pl.when(shape == "variant").then(parts.list.get(g.dimension_order.index(d) + 1, null_on_oob=True))
        if d == "Configuration":
            value = pl.when(shape == "configuration").then(parts.list.get(1, null_on_oob=True)).otherwise(value)
        out.append(_null_if_empty(value).alias(dim(d)))
    return out


def _media_type() -> pl.Expr:
    ext = pl.col("Ext")
    return (pl.when(ext.is_in(IMAGE_EXT)).then(pl.lit("Image")).when(ext.is_in(VIDEO_EXT)).then(pl.lit("Video"))
            .when(ext.is_not_null()).then(pl.lit("File")))


def _locale() -> pl.Expr:
    return pl.col("Lang").str.to_lowercase().str.replace_all("_", "-").fill_null(pl.lit(NEUTRAL))


def tokenize(paths: pl.DataFrame, g: LegacyGrammar) -> pl.DataFrame:
    """The parts of each path (no judgement yet: see :func:`parse`)."""
    folder = pl.col("Folder").str.to_lowercase().replace({"products": "product", "categories": "category"})
    product = pl.col("Name").str.extract_groups(PRODUCT_RE)
    category = pl.col("Name").str.extract_groups(CATEGORY_RE)
    frame = paths.with_columns(pl.col("Path").str.extract_groups(PATH_RE).alias("__m")).unnest("__m")
    frame = frame.with_columns(Folder=folder).with_columns(
        __p=pl.when(pl.col("Folder") == "product").then(product),
        __c=pl.when(pl.col("Folder") == "category").then(category)).unnest("__p", "__c")
    frame = _split(frame, g).with_columns(__n=pl.col("__parts").list.len())
    return frame.with_columns(Shape=_shape(g)).with_columns(
        *_dimensions(g),
        Number=pl.when(pl.col("Shape").is_in(["product", "variant", "configuration"]))
        .then(_null_if_empty(pl.col("__parts").list.first())),
        Category=pl.col("Stem").str.strip_chars(),
        Seq=pl.col("Digits").cast(pl.Int64, strict=False),
        Ext=pl.coalesce("Ext", "Ext2").str.to_lowercase(),
        Locale=_locale())


def _reasons(g: LegacyGrammar) -> tuple[pl.Expr, pl.Expr]:
    """The first grammar rule each path breaks: (Reason, Detail), null where it breaks none."""
    low, high = g.sequence
    order = ", ".join(g.dimension_order)
    variant = "".join(f"{g.separator} {{{d}}} " for d in g.dimension_order) + g.separator
    shape, seq = pl.col("Shape"), pl.col("Seq")
    no_values = (shape == "variant") & pl.all_horizontal(pl.col(dim(d)).is_null() for d in g.dimension_order)
    rules: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col("Seen") > 0, "duplicate_path", pl.lit("listed before; each file is migrated once")),
        (pl.col("Path").str.contains(ABSOLUTE_RE), "absolute_path",
         pl.lit("an absolute path; list paths relative to the media directory")),
        (pl.col("Folder").is_null(), "no_pattern",
         pl.lit("not [{LanguageId}/]Products/… or [{LanguageId}/]Categories/…")),
        ((pl.col("Folder") == "product") & pl.col("Body").is_null(), "no_pattern",
         pl.lit("a product file is named {ProductNumber}…_000_{NNN}.{ext}")),
        ((pl.col("Folder") == "category") & pl.col("Stem").is_null(), "no_pattern",
         pl.lit("a category file is named {CategoryName}.{ext}")),
        (shape.is_null() & (pl.col("__trailing") | (pl.col("__n") >= 3)), "dimension_count",
         pl.format(f"{{}} dimension values where the order {order} needs {len(g.dimension_order)}",
                   pl.col("__n") - pl.when(pl.col("__trailing")).then(2).otherwise(1))),
        (shape.is_null() | (shape.is_in(["product", "variant", "configuration"]) & pl.col("Number").is_null()),
         "no_pattern", pl.lit(f"a product name is {{ProductNumber}}, {{ProductNumber}} {g.separator} {{Configuration}} "
                              f"or {{ProductNumber}} {variant}")),
        (no_values, "no_dimension_values",
         pl.lit("every dimension value is empty; name the product's own images {ProductNumber}_000_{NNN}")),
        (seq.is_not_null() & ~seq.is_between(low, high), "sequence_out_of_range",
         pl.format(f"image number {{}} is outside {low:03d}-{high:03d} (--sequence)", pl.col("Digits"))),
    ]
    reason, detail = pl.lit(None, pl.String), pl.lit(None, pl.String)
    for cond, code, text in reversed(rules):
        reason = pl.when(cond).then(pl.lit(code)).otherwise(reason)
        detail = pl.when(cond).then(text).otherwise(detail)
    return reason, detail


def parse(paths: pl.DataFrame, g: LegacyGrammar) -> pl.DataFrame:
    """Each path parsed and judged by the grammar alone (the catalog comes later)."""
    reason, detail = _reasons(g)
    frame = tokenize(paths, g).with_columns(Reason=reason, Detail=detail, MediaType=_media_type())
    keep = ["Path", "Order", "Locale", "Lang", "Folder", "Shape", "Number", *DIM_COLUMNS, "Category", "Seq", "Ext",
            "MediaType", "Reason", "Detail"]
    return frame.select(keep)
