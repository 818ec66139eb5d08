"""The ingest_runs table: one row per flow run, opened at the start and closed with its counts."""

from __future__ import annotations

import datetime as dt

import duckdb

from .records import BatchCounts, SkippedInput


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, inputs: list[str]) -> None:
    """Record a run as started; a re-used id (a retried flow run) starts over."""
    con.execute(
        "INSERT OR REPLACE INTO ingest_runs (id, flow, inputs, started_at, status) VALUES (?, ?, ?, ?, 'running')",
        [run_id, flow, inputs, dt.datetime.now(dt.timezone.utc)],
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
