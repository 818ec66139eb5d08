"""The ingest_runs table: one row per flow run, opened at the start and closed with its counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from .records import BatchCounts, SkippedInput


@dataclass(frozen=True)
class RunningRun:
    """A run the table says is running, with the process that started it."""

    id: str
    pid: int | None
    host: str | None
    started_at: dt.datetime


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, flow: str, inputs: list[str], pid: int | None = None,
    host: str | None = None,
) -> None:
    """Record a run as started by process `pid` on `host`; a re-used id (a retried flow run) starts over."""
    con.execute(
        "INSERT OR REPLACE INTO ingest_runs (id, flow, inputs, started_at, status, pid, host)"
        " VALUES (?, ?, ?, ?, 'running', ?, ?)",
        [run_id, flow, inputs, dt.datetime.now(dt.timezone.utc), pid, host],
    )


def running_runs(con: duckdb.DuckDBPyConnection) -> list[RunningRun]:
    rows = con.execute("SELECT id, pid, host, started_at FROM ingest_runs WHERE status = 'running'").fetchall()
    return [RunningRun(*row) for row in rows]


def mark_crashed(con: duckdb.DuckDBPyConnection, run_ids: list[str], reason: str) -> None:
    """Close runs whose process is gone: `crashed`, with the reason, finished now."""
    if run_ids:
        con.execute(
            "UPDATE ingest_runs SET status = 'crashed', finished_at = ?, error = coalesce(error, ?)"
            " WHERE status = 'running' AND id IN (SELECT unnest(?::VARCHAR[]))",
            [dt.datetime.now(dt.timezone.utc), reason, run_ids],
        )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, files_seen: int, counts: BatchCounts, error: str | None = None
) -> None:
    con.execute(
        "UPDATE ingest_runs SET finished_at = ?, status = ?, files_seen = ?, articles_stored = ?,"
        " duplicates = ?, unchanged = ?, skipped = ?, error = ? WHERE id = ?",
        [
            dt.datetime.now(dt.timezone.utc),
            "failed" if error else "completed",
            files_seen,
            counts.stored,
            counts.duplicates,
            counts.unchanged,
            counts.skipped,
            error,
            run_id,
        ],
    )


def language_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Languages of the articles this run stored (duplicates included)."""
    rows = con.execute(
        "SELECT coalesce(language, 'unknown'), count(*) FROM articles WHERE run_id = ? GROUP BY 1 ORDER BY 2 DESC, 1",
        [run_id],
    ).fetchall()
    return dict(rows)


def skipped_inputs(con: duckdb.DuckDBPyConnection, run_id: str) -> list[SkippedInput]:
    """Inputs this run did not store, with the reason."""
    rows = con.execute(
        "SELECT source, reason FROM skipped_inputs WHERE run_id = ? ORDER BY source", [run_id]
    ).fetchall()
    return [SkippedInput(source, reason) for source, reason in rows]
