"""The `backfill` flow: a folder of saved articles into the DuckDB file, one task per batch."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from storage import (
    BatchCounts,
    SkippedInput,
    default_db_path,
    finish_run,
    known_inputs,
    language_counts,
    skipped_inputs,
    write_batch,
    write_connection,
)

from .alerts import alerts_artifact, announce_alerts, find_alerts
from .channels import Routing, checked_digest, configured_channels
from .delivery import Outbox
from .executors import LOCAL, dask_reader, executor_from_env, parse_executor
from .inputs import ReadBatch, discover, read_files, source_name, start_worker
from .progress import progress_bar
from .runs import begin_run, record_failure

DEFAULT_BATCH_SIZE = 100
WORKERS_ENV = "NEWSMON_WORKERS"


def default_workers() -> int:
    """Processes that read batches: one per core unless NEWSMON_WORKERS says otherwise."""
    return int(os.environ.get(WORKERS_ENV) or os.cpu_count() or 1)


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


@task(name="store-batch", cache_policy=NO_CACHE)
def store_batch(
    batch: ReadBatch, db: str, run_id: str, lock_timeout: float | None = None, routing: Routing = Routing()
) -> tuple[BatchCounts, list[dict]]:
    """Write one processed batch in one transaction (all of it or, on any error, none of it), then
    compare its claims with the stored ones: (counts, alerts raised)."""
    with write_connection(db, lock_timeout) as con:
        counts = write_batch(con, batch.rows, batch.skipped, run_id, unchanged=batch.unchanged)
        alerts = find_alerts(con, run_id, routing) if counts.stored or counts.duplicates else []
    batch.release()
    announce_alerts(alerts)
    return counts, alerts


@flow(name="backfill")
def backfill(
    paths: list[str],
    db: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    lock_timeout: float | None = None,
    digest: str | None = None,
    executor: str | None = None,
) -> RunSummary:
    """Store every article file under `paths`; files already stored are left alone. The alerts raised go
    to the configured channels, one message each or (`digest` 'hourly' | 'daily') one per period.

    Batches are read in worker processes (one per core, `NEWSMON_WORKERS`), a few at a time so memory
    stays flat, and stored in order by this process, the only writer. `executor` (default
    `NEWSMON_EXECUTOR`, else local) says where they are read: `local`, `dask` or `dask:ADDRESS`
    (flows/executors.py)."""
    logger = get_run_logger()
    started = time.monotonic()
    db = db or default_db_path()
    routing = Routing(configured_channels(), checked_digest(digest))
    run_on = parse_executor(executor) if executor is not None else executor_from_env()
    read_ahead = _read_ahead if run_on.kind == LOCAL else dask_reader(run_on, default_workers())
    run_id = flow_run.get_id() or str(uuid.uuid4())
    begin_run(db, run_id, "backfill", [source_name(str(p)) for p in paths], lock_timeout)
    totals, files = BatchCounts(), []
    alerts: list[dict] = []
    outbox = Outbox(db, lock_timeout, logger).__enter__()  # sends what earlier runs left pending, now
    try:  # from here on, any error marks the run failed
        found = discover(paths)
        files = found.files
        with write_connection(db, lock_timeout) as con:
            totals = write_batch(con, [], found.skipped, run_id)
            known = known_inputs(con, [source_name(f) for f in files])
        stored_hashes = {f: known[source_name(f)] for f in files if source_name(f) in known}
        logger.info("%d files to read, %d skipped, into %s", len(files), len(found.skipped), db)
        batches = [files[i : i + batch_size] for i in range(0, len(files), batch_size)]
        with progress_bar(len(found.files), "backfill") as advance:
            for _, batch in read_ahead(batches, stored_hashes, advance):
                # quote(): Prefect would otherwise walk every row, figure and claim of the batch looking
                # for futures, which cost more than storing the batch
                counts, raised = store_batch(quote(batch), db, run_id, lock_timeout, routing)
                totals = totals + counts
                alerts += raised
                if raised:
                    outbox.wake()  # their deliveries go out while the next batches are read and stored
    except BaseException as exc:  # KeyboardInterrupt too: the run did not finish
        record_failure(db, run_id, len(files), totals, exc)
        outbox.close()
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
    if not outbox.close():
        logger.warning("alert deliveries still in flight at the end of the run: later runs send what stays pending")
    return RunSummary(run_id, db, len(found.files), totals, languages, skipped, time.monotonic() - started, alerts)


def _read_ahead(
    batches: list[list[str]], stored_hashes: dict[str, frozenset[str]], advance: Callable[[int], None] | None = None
):
    """(paths, ReadBatch) in order. A single batch is read in this process; more are read by worker
    processes, at most two per worker in flight, so memory does not grow with the number of files.
    `advance(n)` is called as files are read, whichever process reads them (a progress bar).

    A plain process pool, not Prefect's ProcessPoolTaskRunner: on 1,000 text files the task runner gave
    51 articles/s against this pool's 81 (its workers import Prefect and report each task run to the
    API; docs/performance.md)."""

    def hashes(paths: list[str]) -> dict[str, frozenset[str]]:
        return {p: stored_hashes[p] for p in paths if p in stored_hashes}

    if len(batches) <= 1:
        for paths in batches:
            yield paths, read_files(paths, hashes(paths), advance)
        return
    workers = min(default_workers(), len(batches))
    spawn = multiprocessing.get_context("spawn")  # no fork of a process running Prefect's threads
    # Workers put 1 per file on this queue (a pipe write: ~20 us against milliseconds per article);
    # a thread here hands the counts to `advance`. No queue at all when nobody draws a bar.
    progress = spawn.SimpleQueue() if advance else None
    drain = threading.Thread(target=_drain, args=(progress, advance), name="progress", daemon=True) if advance else None
    if drain:
        drain.start()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=spawn, initializer=start_worker, initargs=(os.getpid(), progress)
        ) as pool:
            yield from _in_order(pool, batches, workers, hashes)
    finally:
        if drain:
            progress.put(None)  # after the pool: every worker's counts are in the pipe before this
            drain.join()
            progress.close()


def _in_order(pool: ProcessPoolExecutor, batches: list[list[str]], workers: int, hashes):
    """The pool's batches in order, at most two per worker in flight."""
    window: deque = deque()
    pending = iter(batches)
    for paths in itertools.islice(pending, 2 * workers):
        window.append((paths, pool.submit(read_files, paths, hashes(paths))))
    while window:
        paths, future = window.popleft()
        batch = future.result()
        for more in itertools.islice(pending, 1):
            window.append((more, pool.submit(read_files, more, hashes(more))))
        yield paths, batch


def _drain(queue, advance: Callable[[int], None]) -> None:
    """The progress thread: the workers' counts into `advance` until None arrives."""
    for n in iter(queue.get, None):
        advance(n)
