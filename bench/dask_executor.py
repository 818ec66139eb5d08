"""The read half on Dask against the local pool: `make bench-dask` (writes bench/results-dask.json).

One run, side by side, on the same 10,000 generated text files (`make bench`'s text corpus: perturbed
copies of ../shared/eval/plaintext, fixed seed), each into a fresh DuckDB file:
  - `newsmon backfill` with the local pool (one worker process per core);
  - `newsmon backfill --executor dask`: a LocalCluster of two worker processes started for the run;
  - the same read and store through Prefect's DaskTaskRunner (prefect-dask): one `read-batch` task run
    per batch on the same kind of cluster, results stored in order by the flow's process;
and the overhead per batch: the round trip of one read batch (100 articles) through each executor.
--text N for another size.
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import os
import pickle
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import PROJECT, make_corpus, newsmon_backfill  # noqa: E402

RESULTS = PROJECT / "bench" / "results-dask.json"  # beside results.json, not committed
WORKERS = 2
ROUND_TRIPS = 20


def task_runner_backfill(folder: str, db: str, batch_size: int = 100) -> None:
    """The backfill's loop with Prefect's DaskTaskRunner: read batches as task runs on a LocalCluster,
    store them in order here. Prints the lines `newsmon backfill` closes with that the bench reads."""
    from collections import deque

    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.runtime import flow_run
    from prefect.utilities.annotations import quote
    from prefect_dask import DaskTaskRunner

    from flows.backfill import store_batch
    from flows.executors import IN_FLIGHT_PER_THREAD, read_batch
    from flows.inputs import discover
    from flows.runs import begin_run
    from storage import BatchCounts, finish_run, write_connection

    @task(name="read-batch", cache_policy=NO_CACHE, persist_result=False)
    def read(paths: list[str]):
        return read_batch(paths, {})

    cluster = {"n_workers": WORKERS, "threads_per_worker": 1, "processes": True, "dashboard_address": None}

    @flow(name="backfill-dask-task-runner", task_runner=DaskTaskRunner(cluster_kwargs=cluster))
    def run() -> tuple[int, float]:
        started = time.monotonic()
        run_id = flow_run.get_id()
        begin_run(db, run_id, "backfill", [folder], None)
        files = discover([folder]).files
        batches = [files[i : i + batch_size] for i in range(0, len(files), batch_size)]
        window, pending, totals = deque(), iter(batches), BatchCounts()
        for paths in [next(pending) for _ in range(min(len(batches), IN_FLIGHT_PER_THREAD * WORKERS))]:
            window.append(read.submit(paths))  # 100 strings: cheap to walk
        while window:
            batch = window.popleft().result()
            for more in [next(pending, None)]:
                if more is not None:
                    window.append(read.submit(more))
            counts, _ = store_batch(quote(batch), db, run_id)
            totals = totals + counts
        with write_connection(db) as con:
            finish_run(con, run_id, len(files), totals)
        return len(files), time.monotonic() - started

    files, seconds = run()
    print(f"{seconds:.1f} s in the flow\n  files read        {files}")


def round_trips(batch) -> dict:
    """ms for one read batch to go to a worker and back (copy.copy there), median of ROUND_TRIPS: the
    local pool against a two-worker LocalCluster; and an empty task's round trip on each."""
    from distributed import Client, LocalCluster

    def median_ms(submit, payload) -> float:
        submit(payload)  # warm-up
        times = []
        for _ in range(ROUND_TRIPS):
            started = time.perf_counter()
            submit(payload)
            times.append(time.perf_counter() - started)
        return round(statistics.median(times) * 1000, 2)

    found = {"batch_articles": len(batch.rows), "batch_pickle_kb": round(len(pickle.dumps(batch)) / 1024)}
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        found["local_pool_batch_ms"] = median_ms(lambda x: pool.submit(copy.copy, x).result(), batch)
        found["local_pool_empty_ms"] = median_ms(lambda x: pool.submit(copy.copy, x).result(), None)
    started = time.perf_counter()
    with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        found["local_cluster_start_s"] = round(time.perf_counter() - started, 2)
        with Client(cluster) as client:
            found["dask_batch_ms"] = median_ms(lambda x: client.submit(copy.copy, x, pure=False).result(), batch)
            found["dask_empty_ms"] = median_ms(lambda x: client.submit(copy.copy, x, pure=False).result(), None)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=int, default=10_000)
    parser.add_argument("--corpus", default=str(Path(tempfile.gettempdir()) / "newsmon-bench"))
    parser.add_argument("--task-runner", nargs=1, metavar="FOLDER", help=argparse.SUPPRESS)  # the child run
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task_runner:
        task_runner_backfill(args.task_runner[0], args.db)
        return 0
    from flows.inputs import read_files

    root = Path(args.corpus)
    text = make_corpus("plaintext", args.text, root / f"text-{args.text}")
    folder = text[0].parent
    print(f"corpus: {len(text):,} text files in {folder}; {os.cpu_count()} cores, load {os.getloadavg()}", flush=True)
    results: dict = {"cores": os.cpu_count(), "files": len(text), "load_before": [round(x, 2) for x in os.getloadavg()]}
    env = os.environ.get("NEWSMON_WORKERS")
    os.environ["NEWSMON_WORKERS"] = str(WORKERS)
    try:
        runs = {
            "local": ("--executor", "local"),
            "dask": ("--executor", "dask"),
        }
        for name, options in runs.items():
            results[name] = newsmon_backfill(folder, root / f"{name}.duckdb", options)
            print(name, json.dumps(results[name]), flush=True)
        results["dask_task_runner"] = newsmon_backfill(
            folder, root / "dask_task_runner.duckdb", command=[sys.executable, __file__, "--task-runner"]
        )
        print("dask_task_runner", json.dumps(results["dask_task_runner"]), flush=True)
    finally:
        if env is None:
            os.environ.pop("NEWSMON_WORKERS", None)
        else:
            os.environ["NEWSMON_WORKERS"] = env
    batches = -(-len(text) // 100)
    for name in ("dask", "dask_task_runner"):
        extra = results[name]["flow_s"] - results["local"]["flow_s"]
        results[name]["flow_s_more_than_local_per_batch_ms"] = round(extra / batches * 1000, 1)
    results["round_trip"] = round_trips(read_files([str(p) for p in text[:100]], {}))
    print("round_trip", json.dumps(results["round_trip"]), flush=True)
    results["same_database"] = _same_articles(root, ("local", "dask", "dask_task_runner"))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["date"] = time.strftime("%Y-%m-%d")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"written to {RESULTS}")
    return 0


def _same_articles(root: Path, names: tuple[str, ...]) -> bool:
    """Whether the runs stored the same articles, figures and claims (counts and a content checksum)."""
    from storage import read_connection

    sql = """SELECT (SELECT count(*) FROM articles), (SELECT sum(hash(source || content_hash)) FROM articles),
                    (SELECT count(*) FROM figures), (SELECT count(*) FROM claims), (SELECT count(*) FROM stories)"""
    seen = set()
    for name in names:
        with read_connection(str(root / f"{name}.duckdb")) as con:
            seen.add(con.execute(sql).fetchone())
    return len(seen) == 1


if __name__ == "__main__":
    sys.exit(main())
