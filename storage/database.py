"""Opening the DuckDB file: short write connections that wait out other writers, read-only ones for queries."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .migrations import latest_version, migrate, schema_version

DB_ENV = "NEWSMON_DB"
DEFAULT_DB = "news.duckdb"
LOCK_TIMEOUT_ENV = "NEWSMON_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 60.0
# Files stay readable by DuckDB 1.4 and later (the 1.4 LTS line and the duckdb-cli users have),
# not only by the 2.x library that writes them.
STORAGE_COMPATIBILITY = "v1.4.0"
# A writer's DuckDB memory, above which it spills to disk. A batch needs far less, but a checkpoint that
# merges the small row groups of earlier batches rewrites up to 64,000 articles at once: without a
# limit that took the flow's process from ~400 MB to ~970 MB at 100,000 articles; 256 MB gave 658 MB,
# 128 MB 539 MB, at the same speed and without an out-of-memory error (docs/performance.md).
WRITE_MEMORY_LIMIT = "128MB"
# A writer's DuckDB threads. One: a batch's inserts and comparison are small, and the reading workers
# want every core; a second DuckDB thread only competed with them (10,000 text files: 141 -> 154
# articles/s in the flow, the flow's process 414 -> 377 MB, store cost unchanged; docs/performance.md).
WRITE_THREADS = 1

_LOCK_ERROR = re.compile(r"could not set lock|conflicting lock", re.IGNORECASE)


class DatabaseLocked(RuntimeError):
    """Another process kept the file locked for longer than we were willing to wait."""


class NoDatabase(FileNotFoundError):
    """A read of a database file that does not exist (yet)."""


def default_db_path() -> str:
    return os.environ.get(DB_ENV) or DEFAULT_DB


def default_lock_timeout() -> float:
    return float(os.environ.get(LOCK_TIMEOUT_ENV) or DEFAULT_LOCK_TIMEOUT)


@contextmanager
def write_connection(path: str | Path, lock_timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated read-write connection, closed on exit; waits with backoff while another process holds the file."""
    con = open_connection(path, read_only=False, lock_timeout=lock_timeout)
    try:
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def read_connection(path: str | Path, lock_timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for queries; the file must exist. A file an older newsmon wrote is first
    upgraded in place (a short write connection), so readers always see the current tables and views."""
    if not Path(path).exists():
        raise NoDatabase(f"no database at {path}: run 'newsmon backfill PATH --db {path}' first")
    con = open_connection(path, read_only=True, lock_timeout=lock_timeout)
    if schema_version(con) < latest_version():
        con.close()
        with write_connection(path, lock_timeout):
            pass
        con = open_connection(path, read_only=True, lock_timeout=lock_timeout)
    try:
        yield con
    finally:
        con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """First column of the first row. Drains the result: DuckDB 2 keeps a result opened by
    fetchone() pending and refuses other work on the connection (register, ...) until it is read."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def open_connection(
    path: str | Path, read_only: bool, lock_timeout: float | None, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the file, waiting with backoff while another process holds it; `config` adds
    DuckDB settings (a writer's compatibility, memory and threads are always set)."""
    timeout = default_lock_timeout() if lock_timeout is None else lock_timeout
    deadline = time.monotonic() + timeout
    delay = 0.05
    config = dict(config or {}) if read_only else {
        "storage_compatibility_version": STORAGE_COMPATIBILITY, "memory_limit": WRITE_MEMORY_LIMIT, "threads": WRITE_THREADS,
        **(config or {}),
    }
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if not _LOCK_ERROR.search(str(exc)):
                raise
            if time.monotonic() + delay > deadline:
                raise DatabaseLocked(
                    f"{path} is locked by another process and stayed locked for {timeout:g} s "
                    f"({_holder(str(exc))}). Stop that process or wait for it to finish, then run again; "
                    f"set {LOCK_TIMEOUT_ENV} (or --lock-timeout) to wait longer."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _holder(message: str) -> str:
    m = re.search(r"Conflicting lock is held in (.+?)(?:\.\s|\.?$)", message)
    return f"held by {m.group(1)}" if m else message.splitlines()[0]
