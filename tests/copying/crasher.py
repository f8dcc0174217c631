"""``python -m tests.copying.crasher OMM-ARGS…``: run ``omm`` for the copy crash tests.

- ``OMM_CRASH_AFTER=<step>`` is honoured only in the N-th transaction that commits
  (``OMM_TEST_CRASH_TXN=N``, default 1). A copy commits twice: (1) the InProgress job row with its
  options, (2) the work — manifests, history, binaries, plan.tsv — with the final job row; every
  commit with something to commit passes the ``staged`` step first, which is what is counted.
- ``working`` is printed (and flushed) when the job starts staging its work, so a test can time a
  SIGKILL from there.
"""

from __future__ import annotations

import os
import sys

TXN_ENV = "OMM_TEST_CRASH_TXN"


def main(argv: list[str]) -> None:
    from toolkit.cli.app import main as omm_main
    from toolkit.copying import apply
    from toolkit.store import journal

    wanted, seen = int(os.environ.get(TXN_ENV, "1")), 0
    real_crash, real_stage = journal._crash_point, apply.stage

    def crash_point(step: str) -> None:
        nonlocal seen
        if step == "staged":
            seen += 1
        if seen == wanted:
            real_crash(step)

    def stage(*args, **kwargs):  # type: ignore[no-untyped-def]
        print("working", flush=True)
        return real_stage(*args, **kwargs)

    journal._crash_point = crash_point
    apply.stage = stage  # type: ignore[assignment]
    omm_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
