"""Opening and closing ingest runs: a run is `running`, then `completed` or `failed`; a run whose
process is gone without closing it (kill -9, a crash, a lock it never got) is marked `crashed` by the
next run that starts."""

from __future__ import annotations

import datetime as dt
import os
import socket

import duckdb

from storage import BatchCounts, DatabaseLocked, finish_run, start_run, write_connection
from storage.runs import mark_crashed, running_runs

CRASHED = "the run's process ended without finishing it (killed, crashed or stopped by a lock); found by run {}"


def begin_run(db: str, run_id: str, flow: str, inputs: list[str], lock_timeout: float | None) -> list[str]:
    """Record this run as started by this process and mark the stale runs of this machine `crashed`;
    returns their ids. Runs of other machines are left alone: their processes cannot be seen from here."""
    host = socket.gethostname()
    with write_connection(db, lock_timeout) as con:
        stale = [r.id for r in running_runs(con) if r.id != run_id and r.host == host and not process_alive(r.pid, r.started_at)]
        mark_crashed(con, stale, CRASHED.format(run_id))
        start_run(con, run_id, flow, inputs, os.getpid(), host)
    return stale


def process_alive(pid: int | None, since: dt.datetime) -> bool:
    """Whether process `pid` exists and is the one that started a run at `since` (not a later process
    that got the same number: on Linux its start time is read from /proc)."""
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    started = _process_start(pid)
    return started is None or started <= since + dt.timedelta(seconds=1)


def _process_start(pid: int) -> dt.datetime | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        with open("/proc/stat", "rb") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith(b"btime"))
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    ticks = int(fields[19])  # field 22 of stat, counted after the command name
    return dt.datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), dt.timezone.utc)


def record_failure(db: str, run_id: str, files_seen: int, totals: BatchCounts, exc: BaseException) -> None:
    """Mark the run failed if the file can be opened at all; the original error is what the user sees."""
    try:
        with write_connection(db, lock_timeout=5) as con:
            finish_run(con, run_id, files_seen, totals, error=f"{type(exc).__name__}: {exc}")
    except (DatabaseLocked, duckdb.Error, OSError):  # the database itself may be what failed
        pass
