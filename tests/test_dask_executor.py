"""`--executor dask`: the read half of a backfill on a real Dask LocalCluster (two worker processes),
the flow's process the only writer. The database must be the one the local pool makes, also when a
worker is killed in the middle of a batch; and the real command must finish (it once hung)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, PROJECT
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from flows.backfill import backfill
from flows.errors import UserError
from flows.executors import Executor, parse_executor
from flows.settings import SettingsError, load_settings
from storage import read_connection

pytestmark = [pytest.mark.flow, pytest.mark.dask, pytest.mark.usefixtures("prefect_server")]

NEWSMON = str(Path(sys.executable).parent / "newsmon")
BATCH = 20  # ~17 batches: several per worker, several in flight


# What the database holds, by content: articles by source, everything else by its article's source.
CONTENT = {
    "articles": """SELECT a.* EXCLUDE (id, duplicate_of, ingested_at, run_id), d.source AS duplicate_of
                   FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of ORDER BY a.source""",
    "figures": """SELECT a.source, f.* EXCLUDE (article_id) FROM figures f JOIN articles a ON a.id = f.article_id
                  ORDER BY ALL""",
    "claims": """SELECT a.source, c.* EXCLUDE (id, article_id) FROM claims c JOIN articles a ON a.id = c.article_id
                 ORDER BY ALL""",
    "stories": """SELECT list(a.source ORDER BY a.source) AS members FROM stories s JOIN articles a ON a.id = s.article_id
                  GROUP BY s.story_id ORDER BY members""",
    "alerts": """SELECT al.kind, al.severity, al.key, al.explanation, na.source, pa.source
                 FROM alerts al JOIN claims n ON n.id = al.new_claim_id JOIN articles na ON na.id = n.article_id
                 JOIN claims p ON p.id = al.previous_claim_id JOIN articles pa ON pa.id = p.article_id ORDER BY ALL""",
}


def content(db: str) -> dict[str, list]:
    with read_connection(db) as con:
        return {table: con.execute(sql).fetchall() for table, sql in CONTENT.items()}


@pytest.fixture(scope="module")
def corpus(shared, tmp_path_factory) -> list[str]:
    """The seeds, the eval pages (100 text, 100 HTML), the claims_dev excerpts as text files and the
    claims fixtures (which raise alerts): 320 files, stories and alerts among them."""
    pages = tmp_path_factory.mktemp("claims_dev")
    for page in sorted((shared / "eval" / "claims_dev" / "pages").glob("*.json")):
        (pages / f"{page.stem}.txt").write_text(json.loads(page.read_text("utf-8"))["text"], "utf-8")
    return [str(shared / "seeds"), str(shared / "eval" / "plaintext"), str(shared / "eval" / "html"),
            str(pages), str(FIXTURES / "claims")]


@pytest.fixture(scope="module")
def local_db(corpus, tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("local") / "local.duckdb")
    backfill(corpus, db=db, batch_size=BATCH, executor="local")
    return db


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            yield cluster, client


def test_the_local_run_has_every_kind_of_row(local_db):
    found = content(local_db)
    assert len(found["articles"]) > 250
    assert all(found[table] for table in CONTENT), {t: len(rows) for t, rows in found.items()}
    assert any(len(members) > 1 for (members,) in found["stories"])


def test_a_dask_cluster_stores_what_the_local_pool_stores(corpus, local_db, cluster, tmp_path):
    _, client = cluster
    db = str(tmp_path / "dask.duckdb")
    summary = backfill(corpus, db=db, batch_size=BATCH, executor=f"dask:{client.scheduler.address}")
    assert summary.counts.stored > 250
    assert content(db) == content(local_db)
    assert all(client.run(lambda: "flows.inputs" in sys.modules).values())  # the workers did read


class KillOnce(WorkerPlugin):
    """Kills the worker's process (SIGKILL: no goodbye to the scheduler) when it starts its second batch;
    the first worker to get there writes its pid into `marker`, so only one is ever killed."""

    def __init__(self, marker: str):
        self.marker = marker
        self.started = 0

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing":
            return
        self.started += 1
        if self.started < 2:
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_batch_loses_nothing(corpus, local_db, cluster, tmp_path):
    _, client = cluster
    marker = tmp_path / "killed.pid"
    client.register_plugin(KillOnce(str(marker)), name="kill-once")
    try:
        db = str(tmp_path / "killed.duckdb")
        backfill(corpus, db=db, batch_size=BATCH, executor=f"dask:{client.scheduler.address}")
    finally:
        client.unregister_worker_plugin("kill-once")
    killed = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(killed, 0)  # that worker is gone; its batch was read again elsewhere
    with read_connection(db) as con:
        assert con.execute("SELECT count(*) - count(DISTINCT source) FROM articles").fetchone() == (0,)
    assert content(db) == content(local_db)


def test_the_command_with_its_own_local_cluster_finishes(seeds, tmp_path):
    """`newsmon backfill --executor dask` from the console script: a LocalCluster started for the run
    and closed after it. It once waited forever (its workers could not import newsmon's storage
    package); the timeout turns a hang into a failure."""
    db = tmp_path / "cli.duckdb"
    env = {**os.environ, "NEWSMON_WORKERS": "2"}
    done = subprocess.run(
        [NEWSMON, "backfill", str(seeds), "--db", str(db), "--executor", "dask"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path, env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "new articles      5" in done.stdout
    with read_connection(str(db)) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (5,)


def test_a_cluster_without_workers_ends_the_run_with_a_message(seeds):
    """Batches sent to a scheduler no worker ever joins would wait forever."""
    from flows.executors import read_on_dask

    files = sorted(str(p) for p in seeds.glob("*.txt"))
    with LocalCluster(n_workers=0, dashboard_address=None) as empty, Client(empty) as client:
        with pytest.raises(UserError, match="no workers for 2 s"):
            list(read_on_dask(client, [files], lambda paths: {}, no_workers_grace=2))


def test_executor_values():
    assert parse_executor(None) == parse_executor("local") == Executor()
    assert parse_executor("dask") == Executor("dask")
    assert parse_executor("dask:tcp://10.1.2.3:8786") == Executor("dask", "tcp://10.1.2.3:8786")
    assert str(parse_executor("dask:tcp://h:1")) == "dask:tcp://h:1"
    for wrong in ("ray", "threads", "Dask"):
        with pytest.raises(UserError, match="local, dask"):
            parse_executor(wrong)
    with pytest.raises(UserError, match="address"):
        parse_executor("dask:")
    with pytest.raises(SettingsError, match="NEWSMON_EXECUTOR"):
        load_settings({"NEWSMON_EXECUTOR": "spark"})
    assert load_settings({"NEWSMON_EXECUTOR": "dask"}).executor == Executor("dask")


def test_a_wrong_executor_stops_the_command_before_any_work(tmp_path):
    done = subprocess.run(
        [NEWSMON, "backfill", str(PROJECT / "samples"), "--db", str(tmp_path / "x.duckdb"), "--executor", "spark"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and "--executor" in done.stderr and "dask" in done.stderr
    assert not (tmp_path / "x.duckdb").exists()
