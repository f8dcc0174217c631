"""A job that never ends on its own, for the SIGKILL test (run: ``python -m tests.jobs_crasher WORKSPACE TENANT``).

Starts an Import job in the tenant, stages work (a changed settings.tsv, the job's input and a big
scratch file), prints ``started <job id>`` once the InProgress row is committed and the work is
staged, then sleeps until it is killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from toolkit.jobs import run_job
from toolkit.workspace import tenant


def main(workspace: str, tenant_id: str) -> None:
    t = tenant(Path(workspace), tenant_id)
    with run_job(t, "import", name="doomed", user="crasher", command="omm import (crasher)") as job:
        job.stage_bytes("input.tsv", b"Name\tValue\nX\t1\n")
        job.txn.write_bytes("settings.tsv", b"Name\tValue\nCmsBaseUrl\thttps://changed.example.com\n")
        job.txn.write_bytes("cms/blobs/ab/abcdef", b"x" * 1_000_000)
        print(f"started {job.id}", flush=True)
        time.sleep(600)
        job.finish(total=1, succeeded=1)


if __name__ == "__main__":
    main(*sys.argv[1:3])
