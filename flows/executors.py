"""Where a backfill's read half runs: the local process pool (default) or a Dask cluster.

The executor only decides where `read_files` batches run. Batches come back in the order they were
given, so the flow's process, the only writer, stores them exactly as it does with the local pool:
stories and alerts depend on that order, and the database is the same whichever executor read it.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import UserError
from .settings import EXECUTOR

if TYPE_CHECKING:  # not at run time: see read_batch
    from .inputs import ReadBatch

LOCAL, DASK = "local", "dask"
# Threads per worker process of the cluster `--executor dask` starts (one process per core,
# NEWSMON_WORKERS): the read half holds the GIL, so a second thread would only wait for it.
LOCAL_CLUSTER_THREADS = 1
# Batches in flight per worker thread: one being read, one waiting, so no worker idles between batches
# and memory stays flat whatever the corpus (as the local pool does).
IN_FLIGHT_PER_THREAD = 2
# A cluster without a single worker for this long ends the run: its batches would wait forever.
NO_WORKERS_GRACE = 60.0


@dataclass(frozen=True)
class Executor:
    """A parsed `--executor` value: `local`, `dask` (a cluster started for the run) or `dask:ADDRESS`."""

    kind: str = LOCAL
    address: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.address}" if self.address else self.kind


def parse_executor(text: str | None) -> Executor:
    """`local`, `dask` or `dask:ADDRESS` (e.g. `dask:tcp://10.0.0.5:8786`); None or '' is local.
    A mistake is a UserError that names the accepted forms."""
    text = (text or "").strip()
    if not text or text == LOCAL:
        return Executor()
    kind, colon, address = text.partition(":")
    if kind == DASK:
        if colon and not address:
            raise UserError(f"executor {text!r}: give the scheduler's address after 'dask:' (dask:tcp://HOST:8786)")
        return Executor(DASK, address or None)
    raise UserError(f"executor {text!r}: use local, dask (a local cluster for the run) or dask:ADDRESS")


def executor_from_env() -> Executor:
    """The executor NEWSMON_EXECUTOR names (local when it is unset)."""
    try:
        return parse_executor(os.environ.get(EXECUTOR))
    except UserError as exc:
        raise UserError(f"{EXECUTOR}: {exc}") from None


Hashes = Callable[[list[str]], dict[str, frozenset[str]]]


@contextmanager
def dask_client(address: str | None, workers: int):
    """A `distributed.Client`: on the scheduler at `address`, or on a LocalCluster of `workers`
    processes started now and closed when the block ends."""
    from distributed import Client, LocalCluster

    # the scheduler's and nannies' INFO lines only when Prefect's own are shown (`newsmon backfill -v`)
    logging.getLogger("distributed").setLevel(max(logging.getLogger("prefect").getEffectiveLevel(), logging.INFO))
    if address:
        try:
            client = Client(address, timeout="30s")
        except OSError as exc:
            raise UserError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        with client:
            yield client
        return
    with LocalCluster(
        n_workers=workers, threads_per_worker=LOCAL_CLUSTER_THREADS, processes=True,
        dashboard_address=None, silence_logs=logging.WARNING,
    ) as cluster, Client(cluster) as client:
        yield client


def read_on_dask(
    client, batches: list[list[str]], hashes: Hashes, advance: Callable[[int], None] | None = None,
    no_workers_grace: float = NO_WORKERS_GRACE,
) -> Iterator[tuple[list[str], ReadBatch]]:
    """(paths, ReadBatch) in order, each batch read by `read_files` on a Dask worker. At most
    IN_FLIGHT_PER_THREAD batches per worker thread are submitted at a time (back-pressure: memory does
    not grow with the corpus). A worker that dies loses nothing: the scheduler runs its batches again
    elsewhere (`distributed.scheduler.allowed-failures` times)."""
    threads = max(1, sum(client.nthreads().values()))
    window: deque = deque()
    pending = iter(batches)

    def submit(paths: list[str]) -> None:
        # pure=False: two batches never share a key, whatever their paths (a rerun reads the files anew)
        window.append((paths, client.submit(read_batch, paths, hashes(paths), pure=False)))

    for paths in itertools.islice(pending, IN_FLIGHT_PER_THREAD * threads):
        submit(paths)
    while window:
        paths, future = window.popleft()
        batch = _result(client, future, no_workers_grace)
        future.release()
        for more in itertools.islice(pending, 1):
            submit(more)
        if advance:
            advance(len(paths))
        yield paths, batch


def dask_reader(executor: Executor, workers: int):
    """A reader with `_read_ahead`'s signature (batches, stored hashes, advance) that reads on Dask: the
    client (and a LocalCluster when no address is given) lives as long as the iteration."""

    def read(batches: list[list[str]], stored_hashes: dict[str, frozenset[str]], advance=None):
        def hashes(paths: list[str]) -> dict[str, frozenset[str]]:
            return {p: stored_hashes[p] for p in paths if p in stored_hashes}

        if not batches:
            return
        with dask_client(executor.address, workers) as client:
            yield from read_on_dask(client, batches, hashes, advance)

    return read


def _result(client, future, grace: float) -> ReadBatch:
    """The future's batch. A cluster left without workers (all of them failed, or none ever joined) is
    reported after `grace` seconds instead of waiting forever; a batch that fails raises."""
    from distributed import TimeoutError as DaskTimeout

    alone_since = None
    while True:
        try:
            return future.result(timeout=1)
        except DaskTimeout:
            if client.scheduler_info(n_workers=1)["workers"]:
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > grace:
                raise UserError(
                    f"the Dask cluster at {client.scheduler.address} has had no workers for "
                    f"{grace:.0f} s: start some (dask worker ADDRESS) or check their logs"
                ) from None


def read_batch(paths: list[str], stored_hashes: dict[str, frozenset[str]]) -> ReadBatch:
    """`read_files` on a Dask worker. This module imports neither flows.inputs nor storage at import
    time: a worker puts its own folder first on sys.path, and that folder holds the worker's spill
    folder, named `storage`. Where newsmon is installed in editable mode (its packages found by an
    import hook that comes after the path), `import storage` would find that empty folder instead of
    newsmon's package; the worker then failed to unpickle every batch, left the cluster, and the run
    waited forever for a worker."""
    _import_own_storage()
    from .inputs import read_files

    return read_files(paths, stored_hashes)


def _import_own_storage() -> None:
    """Import newsmon's `storage` with folders named `storage` that are not packages off sys.path."""
    found = sys.modules.get("storage")
    if found is not None and getattr(found, "__file__", None):
        return
    sys.modules.pop("storage", None)  # a namespace package made of a spill folder
    saved = list(sys.path)
    sys.path[:] = [p for p in saved if not _bare_storage_folder(p)]
    try:
        import storage  # noqa: F401
    finally:
        sys.path[:] = saved


def _bare_storage_folder(entry: str) -> bool:
    folder = os.path.join(entry or ".", "storage")
    return os.path.isdir(folder) and not os.path.isfile(os.path.join(folder, "__init__.py"))
