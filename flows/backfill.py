"""The `backfill` flow: a folder of saved articles into the DuckDB file, one task per batch."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from storage import (
    BatchCounts,
    DatabaseLocked,
    SkippedInput,
    default_db_path,
    finish_run,
    known_inputs,
    language_counts,
    skipped_inputs,
    start_run,
    write_batch,
    write_connection,
)

from .alerts import alerts_artifact, raise_alerts
from .inputs import discover, read_article
from .progress import progress_bar

DEFAULT_BATCH_SIZE = 100


@dataclass
class RunSummary:
    """What a backfill did, for the CLI's closing lines and for callers of the flow."""

    run_id: str
    db: str
    files_seen: int
    counts: BatchCounts
    languages: dict[str, int]
    skipped: list[SkippedInput] = field(default_factory=list)
    seconds: float = 0.0
    alerts: list[dict] = field(default_factory=list)  # alerts this run raised, newest first


@task(name="ingest-batch", cache_policy=NO_CACHE)
def ingest_batch(paths: list[str], db: str, run_id: str, lock_timeout: float | None = None) -> BatchCounts:
    """Read, clean and store one batch of files; the batch is committed whole or not at all."""
    with write_connection(db, lock_timeout) as con:
        stored_hashes = known_inputs(con, paths)
    rows, skipped, unchanged = [], [], 0
    for path in paths:
        result = read_article(path, stored_hashes.get(path, frozenset()))
        if result is None:
            unchanged += 1
        elif isinstance(result, SkippedInput):
            skipped.append(result)
        else:
            rows.append(result)
    with write_connection(db, lock_timeout) as con:
        return write_batch(con, rows, skipped, run_id, unchanged=unchanged)


@flow(name="backfill")
def backfill(
    paths: list[str],
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    lock_timeout: float | None = None,
) -> RunSummary:
    """Store every article file under `paths`; files already stored are left alone."""
    logger = get_run_logger()
    started = time.monotonic()
    db = db or default_db_path()
    run_id = flow_run.get_id() or str(uuid.uuid4())
    found = discover(paths)
    with write_connection(db, lock_timeout) as con:
        start_run(con, run_id, "backfill", [str(p) for p in paths])
        totals = write_batch(con, [], found.skipped, run_id)
    logger.info("%d files to read, %d skipped, into %s", len(found.files), len(found.skipped), db)
    alerts: list[dict] = []
    try:
        with progress_bar(len(found.files), "backfill") as advance:
            for start in range(0, len(found.files), batch_size):
                batch = found.files[start : start + batch_size]
                counts = ingest_batch(batch, db, run_id, lock_timeout)
                totals = totals + counts
                if counts.stored or counts.duplicates:
                    alerts += raise_alerts(db, run_id, lock_timeout)
                advance(len(batch))
    except Exception as exc:
        _record_failure(db, run_id, len(found.files), totals, exc)
        raise
    with write_connection(db, lock_timeout) as con:
        finish_run(con, run_id, len(found.files), totals)
        languages = language_counts(con, run_id)
        skipped = skipped_inputs(con, run_id)
    logger.info(
        "stored %d, duplicates %d, unchanged %d, skipped %d, alerts %d",
        totals.stored, totals.duplicates, totals.unchanged, totals.skipped, len(alerts),
    )
    alerts_artifact(alerts)
    return RunSummary(run_id, db, len(found.files), totals, languages, skipped, time.monotonic() - started, alerts)


def _record_failure(db: str, run_id: str, files_seen: int, totals: BatchCounts, exc: Exception) -> None:
    """Mark the run failed if the file can be opened at all; the original error is what the user sees."""
    try:
        with write_connection(db, lock_timeout=5) as con:
            finish_run(con, run_id, files_seen, totals, error=f"{type(exc).__name__}: {exc}")
    except (DatabaseLocked, duckdb.Error, OSError):  # the database itself may be what failed
        pass
