"""Review formats of ``omm diff`` (markdown, github, html): goldens and escaping.

Inputs are the fixture trees under ``fixtures/golden/diff_review/inputs/`` (see the README there:
edited cells, an added and a removed row, an added and a removed column, values with ``|``,
``<script>``, a newline, backticks and non-ASCII text, an added, a removed, an unchanged and a
skipped file). Diffs run from the project root with relative paths, so goldens hold no tmp paths.
Regenerate with ``pytest --update-goldens`` and read the diff before committing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.helpers import GOLDEN, REPO
from toolkit.delta import diff_trees
from toolkit.delta.engine import diff
from toolkit.delta.result import FileDiff, ManifestDiff, TreeDiff
from toolkit.render import diff_review
from toolkit.render.diff_review import md_value
from toolkit.tsv import read_manifest, write_manifest

OUT = GOLDEN / "diff_review"
INPUTS = "fixtures/golden/diff_review/inputs"
RENDERERS: dict[str, tuple[Callable[..., str], str]] = {
    "markdown": (diff_review.markdown, "md"), "github": (diff_review.github, "github.txt"),
    "html": (diff_review.html, "html")}


@pytest.fixture(autouse=True)
def _from_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _case(name: str) -> ManifestDiff | TreeDiff:
    if name == "media":
        return diff(f"{INPUTS}/old/cms/media.tsv", f"{INPUTS}/new/cms/media.tsv")
    if name == "media-ignore":
        return diff(f"{INPUTS}/old/cms/media.tsv", f"{INPUTS}/new/cms/media.tsv", ignore=["MediaLastModifiedOn"])
    if name == "assignments":
        return diff(f"{INPUTS}/old/cms/assignments.tsv", f"{INPUTS}/new/cms/assignments.tsv")
    if name == "equal":
        return diff(f"{INPUTS}/old/cms/publish_groups.tsv", f"{INPUTS}/new/cms/publish_groups.tsv")
    if name == "tree":
        return diff_trees(f"{INPUTS}/old", f"{INPUTS}/new")
    assert name == "tree-equal"
    return diff_trees(f"{INPUTS}/old", f"{INPUTS}/old")


GOLDEN_CASES = [
    *((case, fmt, stat) for case in ("media", "tree") for fmt in RENDERERS for stat in (False, True)),
    *(("assignments", fmt, False) for fmt in RENDERERS),
    *((case, fmt, False) for case in ("equal", "tree-equal") for fmt in RENDERERS),
    ("media-ignore", "markdown", False),
]


@pytest.mark.parametrize(("case", "fmt", "stat"), GOLDEN_CASES,
                         ids=[f"{c}-{f}{'-stat' if s else ''}" for c, f, s in GOLDEN_CASES])
def test_renderer_matches_golden(case: str, fmt: str, stat: bool, golden: Callable[[Path, str], None]) -> None:
    render, ext = RENDERERS[fmt]
    out = render(_case(case), stat)
    golden(OUT / f"{case}{'.stat' if stat else ''}.{ext}", out)
    assert out == render(_case(case), stat)  # deterministic: nothing of the moment in the output


@pytest.mark.parametrize("limit", [3, 6])
@pytest.mark.parametrize("fmt", ["markdown", "github"])
def test_limit_caps_output_across_files(fmt: str, limit: int, golden: Callable[[Path, str], None]) -> None:
    render, ext = RENDERERS[fmt]
    out = render(_case("tree"), False, limit)
    golden(OUT / f"tree.limit{limit}.{ext}", out)
    if fmt == "github":
        rows = [line for line in out.splitlines() if "title=omm diff%3A" in line]
        assert len(rows) == limit
        assert out.splitlines()[-1] == f"::warning title=omm diff::{17 - limit} more differing rows not annotated " \
                                       f"(limit {limit})"
    else:
        assert f"*Output limit of {limit} table rows reached; not shown: " in out


# ---- escaping ---------------------------------------------------------------------------------------

def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", re.sub(r"<code>.*?</code>", "", line)))


def test_markdown_tables_keep_their_shape() -> None:
    out = diff_review.markdown(_case("tree"))
    assert "`T-shirt \\| white <front>`" in out
    assert "`EntityType=Product\\|Master, EntityKeyValue=1000, " in out
    assert "`Crew Neck T-Shirt in white,`<br>`front view`" in out
    assert "``jeans,`denim`,blue``" in out
    assert "`Pflegehinweise – naïve café, 日本語 ✓`" in out
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and (i == 0 or not lines[i - 1].startswith("|")):
            width = _unescaped_pipes(line)  # a table's header row sets how many cells each row has
            for row in lines[i:]:
                if not row.startswith("|"):
                    break
                assert _unescaped_pipes(row) == width, row


@pytest.mark.parametrize(("value", "shown"), [
    (None, "*(empty)*"),
    ("plain", "`plain`"),
    ("a|b", "`a\\|b`"),
    ("has `tick`", "`` has `tick` ``"),
    ("`starts", "`` `starts ``"),
    ("run `` of two", "```run `` of two```"),
    ("two\nlines", "`two`<br>`lines`"),
    ("crlf\r\nend\n", "`crlf`<br>`end`<br>"),
    (" both ", "`  both  `"),
    ("back\\|slash", "<code>back&#92;&#124;slash</code>"),
])
def test_md_value_shows_values_verbatim(value: str | None, shown: str) -> None:
    assert md_value(value) == shown


def test_html_escapes_every_value_and_stays_offline() -> None:
    page = diff_review.html(_case("tree"))
    assert page.startswith("<!doctype html>\n")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "T-shirt | white &lt;front&gt;" in page
    assert page.count("<script>") == 1  # only the filter
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\(""", page)


def test_github_annotations_are_one_line_each_at_new_lines() -> None:
    out = diff_review.github(_case("media"))
    lines = out.splitlines()
    assert all(line.startswith(("::notice ", "::warning ")) for line in lines)
    new = f"file={INPUTS}/new/cms/media.tsv"
    assert f"::notice {new},line=3,title=omm diff%3A changed::" in out
    assert "'Crew Neck T-Shirt in white,\\nfront view'" in out
    assert f"::notice {new},line=8,title=omm diff%3A added::added row InternalMediaId=5a1e0c2b" in out
    removed = next(line for line in lines if "::removed row" in line)
    assert removed.startswith(f"::warning {new},title=omm diff%3A removed::")
    assert f"(line 2 of {INPUTS}/old/cms/media.tsv)" in removed


def test_tree_annotations_name_each_file_in_its_tree() -> None:
    out = diff_review.github(_case("tree"))
    assert f"file={INPUTS}/new/hq/categories.tsv,line=2," in out
    assert f"::warning file={INPUTS}/old/channels.tsv,title=omm diff%3A removed::removed row ChannelId=OUN00001" in out
    assert "cms/publish_groups.tsv" not in out  # unchanged files say nothing


def test_equal_is_a_short_line() -> None:
    assert diff_review.markdown(_case("equal")).endswith("\n\nNo differences.\n")
    assert diff_review.github(_case("equal")) == ""
    assert diff_review.github(_case("tree-equal")) == ""
    assert "No differences in 4 manifests." in diff_review.markdown(_case("tree-equal"))


def test_stat_shows_summaries_only() -> None:
    out = diff_review.markdown(_case("tree"), stat=True)
    assert "| `cms/media.tsv` | changed | +1 | −1 | ~3 |" in out
    assert "Changed rows" not in out and "MediaDescription" not in out
    assert "<table" not in diff_review.html(_case("media"), stat=True).split("</nav>")[-1]


# ---- large diffs ------------------------------------------------------------------------------------

@pytest.fixture
def renamed_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ManifestDiff:
    """Every asset of the tenant renamed: one changed cell per row, more than a table shows open."""
    src = read_manifest(REPO / INPUTS / "old/cms/media.tsv")
    write_manifest(src, tmp_path / "old.tsv")
    write_manifest(src.frame.with_columns(pl.col("MediaDisplayName") + " (v2)"), tmp_path / "new.tsv", src.kind)
    monkeypatch.chdir(tmp_path)
    return diff("old.tsv", "new.tsv")


def test_long_tables_fold_and_cap(renamed_everywhere: ManifestDiff) -> None:
    d = renamed_everywhere
    assert d.summary.changed == 23
    full = diff_review.markdown(d)
    assert "<details><summary>Show 23 rows</summary>" in full and "more changed" not in full
    capped = diff_review.markdown(d, limit=5)
    assert "<details>" not in capped
    assert capped.count("| `(v2)") == 0 and capped.count(" (v2)` |") == 5
    assert capped.rstrip().endswith("*… and 18 more changed cells*")
    assert diff_review.markdown(d, limit=0).count(" (v2)` |") == 23  # 0 means no cap
    page = diff_review.html(d, limit=4)
    assert page.count('<tr data-op="changed"') == 4 and "… and 19 more changed cells" in page


def test_hand_built_tree_renders_like_a_real_one() -> None:
    # Renderers read only the public result types: a TreeDiff built from ManifestDiffs works too.
    media, equal = _case("media"), _case("equal")
    tree = TreeDiff("a", "b", (FileDiff("cms/media.tsv", "changed", media),
                               FileDiff("cms/publish_groups.tsv", "unchanged", equal)), ())
    out = diff_review.github(tree, limit=1)
    assert "::notice file=b/cms/media.tsv,line=2,title=omm diff%3A changed::" in out
    assert out.splitlines()[-1] == "::warning title=omm diff::4 more differing rows not annotated (limit 1)"
    assert '<a href="#f1">cms/media.tsv</a>' in diff_review.html(tree)
