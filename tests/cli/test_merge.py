"""``omm merge`` (SPEC §6): whole outputs — exit code, stdout, stderr, files written — against goldens.

Goldens live in ``fixtures/merge/golden/`` (see ``fixtures/merge/README.md``): ``<case>.stdout`` is
what the command printed, ``<case>.merged.tsv`` / ``<case>.conflicts.tsv`` the file it wrote. Each
case runs in an empty directory with ``-o merged.tsv``, so outputs hold no machine paths.
Regenerate with ``pytest --update-goldens`` and review the diff.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, run_omm, table
from toolkit.merging import merge

MERGE = FIXTURES / "merge"
GOLDEN = MERGE / "golden"


def sides(kind: str, three_way: bool) -> list[str]:
    names = ["ours", "theirs"]
    args = [str(MERGE / f"{kind}-{n}.tsv") for n in names]
    return [*args, "--base", str(MERGE / f"{kind}-base.tsv")] if three_way else args


FAILED = ("✗ {n} conflicts; nothing merged, see merged.conflicts.tsv "
          "(or pick a side with --on-conflict keep|replace|latest)\n")
# case → (kind, three-way, extra args, exit code, stderr, file written)
CASES: dict[str, tuple[str, bool, list[str], int, str, str | None]] = {
    "assets-3way-fail": ("assets", True, [], 1, FAILED.format(n=2), "conflicts"),
    "assets-3way-fail-json": ("assets", True, ["--format", "json"], 1, "", "conflicts"),
    "assets-3way-latest": ("assets", True, ["--on-conflict", "latest"], 0,
                           "✓ merged 7 rows into merged.tsv: 4 taken from ours, 4 from theirs; 2 conflicts resolved "
                           "by latest\n", "merged"),
    "assets-3way-plan": ("assets", True, ["--plan"], 1,
                         "plan: 7 rows, 3 taken from ours, 3 from theirs, 2 conflicts (would stop the merge); "
                         "nothing written\n", None),
    "assets-2way-fail": ("assets", False, [], 1, FAILED.format(n=3), "conflicts"),
    "assets-2way-keep-plan": ("assets", False, ["--on-conflict", "keep", "--plan"], 0,
                              "plan: 8 rows, 5 taken from ours, 2 from theirs, 3 conflicts (resolved by keep); "
                              "nothing written\n", None),
    "assignments-2way-fail": ("assignments", False, [], 1, FAILED.format(n=2), "conflicts"),
    "assignments-2way-latest": ("assignments", False, ["--on-conflict", "latest"], 0,
                                "✓ merged 7 rows into merged.tsv: 0 taken from ours, 6 from theirs; 2 conflicts "
                                "resolved by latest\n", "merged"),
    "assignments-3way-fail": ("assignments", True, [], 1, FAILED.format(n=1).replace("conflicts;", "conflict;"),
                              "conflicts"),
    "assignments-3way-replace-json": ("assignments", True, ["--on-conflict", "replace", "--format", "json"], 0, "",
                                      "merged"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_golden(case: str, tmp_path: Path, run_cli, golden) -> None:
    kind, three_way, extra, code, err, written = CASES[case]
    args = ["merge", *sides(kind, three_way), *([] if "--plan" in extra else ["-o", "merged.tsv"]), *extra]
    got = run_cli(args, cwd=tmp_path)
    assert got[0] == code and got[2] == err
    golden(GOLDEN / f"{case}.stdout", got[1])
    files = {"merged": ["merged.tsv"], "conflicts": ["merged.conflicts.tsv"], None: []}[written]
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # OUT is not written when conflicts remain
    if written:
        golden(GOLDEN / f"{case}.{written}.tsv", (tmp_path / files[0]).read_bytes())
    if "json" in extra:
        with contextlib.chdir(tmp_path):
            policy = extra[extra.index("--on-conflict") + 1] if "--on-conflict" in extra else "fail"
            base = str(MERGE / f"{kind}-base.tsv") if three_way else None
            library = merge(MERGE / f"{kind}-ours.tsv", MERGE / f"{kind}-theirs.tsv", base, out="merged.tsv",
                            on_conflict=policy)
        assert json.loads(got[1]) == library.to_dict()


def test_conflict_manifest_columns(tmp_path: Path, run_cli) -> None:
    run_cli(["merge", *sides("assets", True), "-o", "out/merged.tsv"], cwd=tmp_path)
    header = (tmp_path / "out" / "merged.conflicts.tsv").read_text().splitlines()[0].split("\t")
    assert header == ["ConflictId", "Conflict", "InternalMediaId", "MediaLocale", "MediaState", "Column", "Base",
                      "Ours", "Theirs", "BaseLine", "OursLine", "TheirsLine"]


def test_success_replaces_out_and_removes_a_stale_conflict_manifest(tmp_path: Path, run_cli) -> None:
    (tmp_path / "merged.tsv").write_text("old\n")
    assert run_cli(["merge", *sides("assets", True), "-o", "merged.tsv"], cwd=tmp_path)[0] == 1
    assert (tmp_path / "merged.tsv").read_text() == "old\n"  # untouched: nothing half-merged lands
    code, out, err = run_cli(["--quiet", "merge", *sides("assets", True), "-o", "merged.tsv", "--on-conflict", "keep"],
                             cwd=tmp_path)
    assert (code, out, err) == (0, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["merged.tsv"]


def test_identical_inputs(tmp_path: Path, run_cli) -> None:
    ours = str(MERGE / "assets-ours.tsv")
    code, out, err = run_cli(["merge", ours, ours, "-o", "merged.tsv", "--format", "json"], cwd=tmp_path)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"summary": {"rows": 6, "taken_ours": 0, "taken_theirs": 0, "conflicts": 0},
                               "output": "merged.tsv", "conflicts_file": None}
    assert (tmp_path / "merged.tsv").read_bytes() == Path(ours).read_bytes()


HEADER = ("InternalMediaId", "MediaLocale", "MediaState", "ImageAltText")
ROW = ["0879034e-ab69-4d30-b238-7d1e14518049", "system_neutral", "Published", "front"]


@pytest.mark.parametrize(("args", "message"), [
    (["{dup}", "{ok}", "-o", "m.tsv"],
     "OURS {dup}: duplicate key InternalMediaId=0879034e-ab69-4d30-b238-7d1e14518049, MediaLocale=system_neutral, "
     "MediaState=Published on lines 2, 3 (a key must be unique to merge; fix the file (omm validate {dup} lists "
     "every duplicate))"),
    (["{ok}", str(MERGE / "assignments-ours.tsv"), "-o", "m.tsv"],
     f"THEIRS {MERGE / 'assignments-ours.tsv'} is a assignments manifest but OURS {{ok}} is assets (merge manifests "
     "of one kind (or pass --kind if detection is wrong))"),
    (["{products}", "{products}", "-o", "m.tsv", "--on-conflict", "latest"],
     "--on-conflict latest needs a LastModifiedOn column, and products manifests have none (use keep, replace or "
     "fail)"),
    (["{ok}", "{ok}"], "no output file (pass -o OUT, or --plan to only show the merge)"),
    (["{ok}", "{ok}", "--plan", "--key", "InternalMediaId, Nope"],
     "--key column 'Nope' is in none of the inputs (name header columns, e.g. InternalMediaId,MediaLocale,MediaState)"),
    (["{ok}", "missing.tsv", "-o", "m.tsv"], "missing.tsv: no such file (check the path)"),
], ids=["duplicate-key", "mixed-kinds", "latest-without-timestamp", "no-output", "bad-key",
        "missing-file"])
def test_input_and_usage_errors(tmp_path: Path, run_cli, args: list[str], message: str) -> None:
    files = {"ok": tmp_path / "ok.tsv", "dup": tmp_path / "dup.tsv", "products": tmp_path / "products.tsv"}
    files["ok"].write_text(table(HEADER, ROW))
    files["dup"].write_text(table(HEADER, ROW, ROW))
    files["products"].write_text(table(("ProductNumber", "ProductName"), ["1000", "Sunglasses"]))
    names = {k: str(v) for k, v in files.items()}
    code, out, err = run_cli(["merge", *(a.format(**names) for a in args)], cwd=tmp_path)
    assert (code, out, err) == (2, "", f"omm: error: {message.format(**names)}\n")
    assert not (tmp_path / "m.tsv").exists()


def test_custom_key_and_plan(tmp_path: Path, run_cli) -> None:
    ours, theirs = tmp_path / "o.tsv", tmp_path / "t.tsv"
    ours.write_text(table(HEADER, ROW))
    theirs.write_text(table(HEADER, [*ROW[:2], "Draft", "front"]))
    code, out, err = run_cli(["merge", ours, theirs, "--plan", "--key", "InternalMediaId,MediaLocale",
                              "--on-conflict", "replace"], cwd=tmp_path)
    assert (code, out, err) == (
        0, "theirs changed InternalMediaId=0879034e-ab69-4d30-b238-7d1e14518049, MediaLocale=system_neutral: "
           "MediaState\n"
           "conflict 1 differs: InternalMediaId=0879034e-ab69-4d30-b238-7d1e14518049, MediaLocale=system_neutral: "
           "MediaState: ours 'Published', theirs 'Draft' (ours line 2, theirs line 2)\n",
        "plan: 1 rows, 0 taken from ours, 1 from theirs, 1 conflict (resolved by replace); nothing written\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.tsv", "t.tsv"]


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_has_an_example_and_the_decisions(run_cli, flag: str) -> None:
    code, out, err = run_cli(["merge", flag])
    assert (code, err) == (0, "")
    assert out.startswith("Usage: omm merge [OPTIONS] OURS THEIRS\n")
    for words in ("Examples:", "--base", "--on-conflict [fail|keep|replace|latest]", "--plan", "--key", "--kind",
                  "--format [text|json]", "-o, --output", "OUT is NOT written", "taken_theirs", "conflicts.tsv"):
        assert words in out
    assert "merge" in run_cli(["--help"])[1]


def test_help_does_not_import_polars() -> None:
    proc = run_omm(["merge", "--help"], python_args=["-X", "importtime"])
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "polars" not in imported and "pandera" not in imported
