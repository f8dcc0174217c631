"""Finishing what must not be cut short by Ctrl-C (recording a cancel, applying a committed change).

One Ctrl-C can reach Python more than once (pola-rs/polars#23988). Polars keeps its own interrupt
flag, raised by its SIGINT hook, and clears it only when the last Polars call running in any
thread ends; until then every Polars call, in any thread, fails at once with KeyboardInterrupt —
whatever Python's SIGINT handler is. Cleanup that runs while a cancel unwinds therefore ignores
SIGINT while it works, and is retried (briefly waiting) while Polars still answers
KeyboardInterrupt: such an attempt failed on entry to a Polars call, so the work must be
idempotent.

Python's own pending interrupt fires at the entry of the next Python function called, before
the callee could ignore it, so the retry that covers it has to be written at the call site::

    try:
        uninterrupted(cleanup)
    except KeyboardInterrupt:  # the echo fired on entry: nothing of ``cleanup`` ran
        uninterrupted(cleanup)
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

PATIENCE = 10.0  # seconds: how long another thread's Polars query may keep Polars' flag up


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored for the block (main thread only: elsewhere signals are not ours to set).

    While ignored, neither a new Ctrl-C nor ``PyErr_SetInterrupt`` leaves anything pending for
    after the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def uninterrupted(work: Callable[[], T], *, patience: float = PATIENCE) -> T:
    """Run ``work`` (idempotent) to its end with SIGINT ignored, retrying while an interrupt
    already under way makes it fail (for at most ``patience`` seconds, then the last try's
    KeyboardInterrupt propagates)."""
    deadline = time.monotonic() + patience
    pause = 0.001
    with sigint_ignored():
        while True:
            try:
                return work()
            except KeyboardInterrupt:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
