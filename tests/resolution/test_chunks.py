from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.resolution import chunks
from toolkit.resolution.chunks import _end_to_end, _runs
from toolkit.resolution.state import Chunk, Span


@pytest.mark.parametrize(("dirty", "runs"), [
    ([], []),
    ([False], [(0, 1)]),
    ([True], [(0, 1)]),
    ([False, False, True, False, False, False], [(0, 2), (2, 3), (3, 6)]),
    ([True, True, False], [(0, 1), (1, 2), (2, 3)]),
])
def test_dirty_chunks_are_written_alone_and_clean_ones_in_runs(dirty: list[bool], runs: list[tuple[int, int]]) -> None:
    assert _runs(dirty) == runs


@given(st.lists(st.booleans(), max_size=30))
def test_runs_cover_every_chunk_once_in_order_and_never_mix_dirty_and_clean(dirty: list[bool]) -> None:
    runs = _runs(dirty)
    assert [k for a, b in runs for k in range(a, b)] == list(range(len(dirty)))
    assert all(b - a == 1 or not any(dirty[a:b]) for a, b in runs)


def test_spans_are_grouped_where_they_lie_end_to_end() -> None:
    spans = [Span(10, 5, 1), Span(15, 5, 1), Span(30, 2, 1), Span(32, 0, 0), Span(32, 4, 1)]
    assert _end_to_end(spans) == [(0, 2), (2, 5)]


def test_a_run_of_clean_chunks_is_copied_with_its_spans_moved(tmp_path: Path) -> None:
    # Two files, a gap in the second (as a previous state could never have, but a copy must not assume).
    old = {"a": b"HEADaaaabbbbcc", "b": b"H1x2yy--3zzz"}
    for name, data in old.items():
        (tmp_path / name).write_bytes(data)
    before = [Chunk("p1", "h1", {"a": Span(4, 4, 1), "b": Span(2, 1, 1)}),
              Chunk("p2", "h2", {"a": Span(8, 4, 2), "b": Span(3, 3, 1)}),
              Chunk("p3", "h3", {"a": Span(12, 2, 1), "b": Span(8, 4, 2)})]
    out = {"a": BytesIO(b"hdr"), "b": BytesIO(b"")}
    out["a"].seek(3)
    files = [chunks.OutputFile("a", "hq"), chunks.OutputFile("b", "search")]
    with ExitStack() as stack, ThreadPoolExecutor(2) as pool:
        readers = {p: stack.enter_context(chunks.UnbufferedReader(tmp_path / p)) for p in old}
        moved = chunks._copied(before, files, out, readers, pool)  # type: ignore[arg-type]
    assert out["a"].getvalue() == b"hdraaaabbbbcc" and out["b"].getvalue() == b"x2yy3zzz"
    assert moved == [{"a": Span(3, 4, 1), "b": Span(0, 1, 1)}, {"a": Span(7, 4, 2), "b": Span(1, 3, 1)},
                     {"a": Span(11, 2, 1), "b": Span(4, 4, 2)}]
