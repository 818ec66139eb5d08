"""prefect.yaml for real: a `prefect server start` on a free loopback port, `prefect deploy --all`, and the
poll-feeds deployment run by a process worker against the loopback feed server. Slow (~1 min): skip it
locally with `-m "not deployment"`; CI runs it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from conftest import PROJECT
from feedserver import FeedServer, rss

from storage import DatabaseLocked, read_connection

pytestmark = pytest.mark.deployment
PREFECT = str(Path(sys.executable).parent / "prefect")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def prefect_api(tmp_path):
    """A real Prefect server with its own PREFECT_HOME; yields the environment that talks to it."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_CLI_PROMPT": "false",
    }
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prefect server did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield env
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def prefect(env, *args, timeout=180) -> str:
    done = subprocess.run([PREFECT, *args], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_poll_feeds_deployment_runs_through_a_process_worker(tmp_path, prefect_api, shared):
    pages = sorted((shared / "eval" / "html").glob("*.html"))[:3]
    with FeedServer(pages[0].parent) as server:
        server.feed("/rss.xml", rss([{"title": p.stem, "link": f"{server.url}/page/{p.name}"} for p in pages]), etag='"1"')
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(f'[[feed]]\nname = "loopback"\nurl = "{server.url}/rss.xml"\ntrusted = true\n', "utf-8")
        db = tmp_path / "deployed.duckdb"

        prefect(prefect_api, "work-pool", "create", "newsmon", "--type", "process")
        prefect(prefect_api, "--no-prompt", "deploy", "--all")
        listed = prefect(prefect_api, "deployment", "ls")
        assert "poll-feeds/poll-feeds" in listed and "backfill/backfill-folder" in listed
        params = json.dumps({"feeds_file": str(feeds), "db": str(db), "respect_schedule": False})
        prefect(prefect_api, "deployment", "run", "poll-feeds/poll-feeds", "--params", params)
        prefect(prefect_api, "worker", "start", "--pool", "newsmon", "--type", "process", "--run-once", timeout=300)

    with read_connection(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(3,)]
        assert con.execute("SELECT flow, status FROM ingest_runs").fetchall() == [("poll_feeds", "completed")]
        assert con.execute("SELECT name, last_error FROM feed_status").fetchall() == [("loopback", None)]


def test_newsmon_serve_runs_the_deployments_without_a_worker(tmp_path, prefect_api):
    from conftest import SAMPLES

    db = tmp_path / "served.duckdb"
    newsmon = str(Path(sys.executable).parent / "newsmon")
    log = open(tmp_path / "serve.log", "w")
    serving = subprocess.Popen([newsmon, "serve", "--db", str(db), "--feeds", str(tmp_path / "feeds.toml")],
                               env=prefect_api, cwd=tmp_path, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while "backfill/backfill-folder" not in prefect(prefect_api, "deployment", "ls"):
            assert serving.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(1)
        assert "poll-feeds/poll-feeds" in prefect(prefect_api, "deployment", "ls")
        prefect(prefect_api, "deployment", "run", "backfill/backfill-folder", "--params", json.dumps({"paths": [str(SAMPLES)]}))
        while not db.exists() or _count(db) == 0:
            assert serving.poll() is None and time.monotonic() < deadline + 120, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(1)
    finally:
        serving.terminate()
        serving.wait(30)
        log.close()
    assert _count(db) > 0


def _count(db: Path) -> int:
    try:
        with read_connection(db, lock_timeout=1) as con:
            return con.execute("SELECT count(*) FROM ingest_runs WHERE status = 'completed'").fetchall()[0][0]
    except (duckdb.Error, DatabaseLocked):  # the run is still writing (locked) or the schema is not there yet
        return 0
