"""``uninterrupted``: cleanup finishes once, to the end, though a Ctrl-C is pending or arrives."""

from __future__ import annotations

import _thread
import signal

import pytest

from toolkit.store.interrupts import sigint_ignored, uninterrupted


def test_a_pending_interrupt_is_consumed_and_the_work_runs_once() -> None:
    runs: list[int] = []

    def work() -> int:
        runs.append(1)
        _thread.interrupt_main()  # ignored: nothing is left pending for after the block
        return 7

    try:
        _thread.interrupt_main()  # pending: fires at the next check, before ``work`` could ignore it
        got = uninterrupted(work)
    except KeyboardInterrupt:
        got = uninterrupted(work)
    assert (got, runs) == (7, [1])
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_sigint_ignored_restores_the_handler_after_an_error() -> None:
    with pytest.raises(ValueError, match="boom"):
        with sigint_ignored():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            raise ValueError("boom")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_work_failing_while_the_interrupt_is_under_way_is_retried() -> None:
    """What Polars does until its last running query ends: every call raises KeyboardInterrupt."""
    answers = iter([KeyboardInterrupt, KeyboardInterrupt, KeyboardInterrupt, None])

    def work() -> str:
        if (exc := next(answers)) is not None:
            raise exc
        return "done"

    assert uninterrupted(work) == "done"


def test_patience_runs_out() -> None:
    def work() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        uninterrupted(work, patience=0.05)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
