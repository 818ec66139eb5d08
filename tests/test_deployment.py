"""Scheduled polling for real: a `prefect server start` on a free loopback port, `newsmon serve`,
`prefect deploy --all` with this checkout's prefect.yaml and a process worker, all against the loopback feed
server. Each test waits for flow runs the server's scheduler (or `prefect deployment run`) created and then
reads the DuckDB file. Slow (about 1 min a test): skip them locally with `-m "not deployment"`; CI runs them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import PROJECT, SAMPLES
from feedserver import FeedServer, rss

from storage import read_connection

pytestmark = pytest.mark.deployment
BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
NEWSMON = str(BIN / "newsmon")
EVERY_MINUTE = "* * * * *"
ONCE_A_YEAR = "0 3 1 1 *"
# a run every minute: the first one is due at the next full minute, then the runner or worker polls (10 s)
SCHEDULED_RUN_DEADLINE = 150


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, chars: int = 3000) -> str:
    return f"--- {path.name} (last {chars} characters) ---\n{path.read_text(errors='replace')[-chars:] if path.exists() else '(missing)'}"


class Processes:
    """Long-running processes of one test (server, serve, worker), each in its own process group and log file;
    `stop()` ends every group, so flow-run subprocesses they started go too."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict, cwd: Path) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        self.running[name] = subprocess.Popen(args, env=env, cwd=cwd, stdout=log, stderr=log, start_new_session=True)
        log.close()  # the child has its own copy
        return self.running[name]

    def logs_tail(self) -> str:
        return "\n".join(tail(self.logs / f"{name}.log") for name in self.running)

    def check_alive(self, what: str) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode} while waiting for {what}\n{self.logs_tail()}")

    def stop(self) -> None:
        for process in reversed(list(self.running.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)  # anything the group left behind
            except ProcessLookupError:
                pass
            process.wait(10)


@pytest.fixture
def processes(tmp_path):
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def prefect_api(tmp_path, processes):
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
    processes.start("server", [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        processes.check_alive("the server to answer /api/health")
        if time.monotonic() > deadline:
            pytest.fail(f"prefect server did not answer within 120 s\n{processes.logs_tail()}")
        time.sleep(0.5)
    return env


def prefect(env, *args, timeout=180) -> str:
    done = subprocess.run([PREFECT, *args], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def api(env, method: str, path: str, **kwargs):
    """One API call; a 429, 502 or 503 (the server's SQLite busy with the scheduler) is retried, as Prefect's own
    client does."""
    for attempt in range(6):
        response = httpx.request(method, env["PREFECT_API_URL"] + path, timeout=15, **kwargs)
        if response.status_code not in (429, 502, 503) or attempt == 5:
            break
        time.sleep(1 + attempt)
    response.raise_for_status()
    return response.json() if response.content else None


def deployment(env, full_name: str) -> dict | None:
    """The deployment `flow/name`, or None while it is not registered."""
    try:
        return api(env, "GET", f"/deployments/name/{full_name}")
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:
            return None
        raise


def flow_runs(env, deployment_id: str) -> list[dict]:
    body = {"flow_runs": {"deployment_id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC", "limit": 100}
    return api(env, "POST", "/flow_runs/filter", json=body)


def _describe(runs: list[dict]) -> str:
    return "; ".join(
        f"{r['name']} auto_scheduled={r['auto_scheduled']} state={r['state_type']} expected={r['expected_start_time']}"
        for r in runs
    ) or "no flow runs at all"


def wait_until(what: str, check, seconds: float, processes: Processes, describe=lambda: ""):
    """Poll `check()` until it returns something truthy; fail after `seconds` with the logs and `describe()`."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        processes.check_alive(what)
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {seconds:.0f} s; {describe()}\n{processes.logs_tail()}")
        time.sleep(2)


def wait_for_deployment(env, full_name: str, processes: Processes) -> dict:
    return wait_until(f"deployment {full_name}", lambda: deployment(env, full_name), 120, processes)


def wait_for_scheduled_run(env, deployment_id: str, processes: Processes) -> dict:
    """The first flow run the server's scheduler created for the deployment, once it is Completed."""
    def completed():
        runs = [r for r in flow_runs(env, deployment_id) if r["auto_scheduled"]]
        failed = [r for r in runs if r["state_type"] in ("FAILED", "CRASHED")]
        if failed:
            pytest.fail(f"a scheduled run failed: {_describe(failed)}\n{processes.logs_tail()}")
        return next((r for r in runs if r["state_type"] == "COMPLETED"), None)

    return wait_until("completed scheduled (auto_scheduled) flow run", completed, SCHEDULED_RUN_DEADLINE, processes,
                      lambda: f"runs of the deployment: {_describe(flow_runs(env, deployment_id))}")


def trigger(env, full_name: str, params: dict) -> str:
    """`prefect deployment run`; returns the new flow run's id."""
    out = prefect(env, "deployment", "run", full_name, "--params", json.dumps(params))
    return next(line.split("UUID:")[1].strip() for line in out.splitlines() if "UUID:" in line)


def wait_for_completed(env, run_ids: dict[str, str], processes: Processes, seconds: float = 240) -> None:
    """Every run of {label: flow run id} reaches Completed; a Failed or Crashed one fails the test at once."""
    def states():
        return {label: api(env, "GET", f"/flow_runs/{run_id}")["state_type"] for label, run_id in run_ids.items()}

    def done():
        now = states()
        broken = {label: state for label, state in now.items() if state in ("FAILED", "CRASHED", "CANCELLED")}
        if broken:
            pytest.fail(f"flow runs ended badly: {broken} (all: {now})\n{processes.logs_tail()}")
        return all(state == "COMPLETED" for state in now.values())

    wait_until("completed triggered runs", done, seconds, processes, lambda: f"states: {states()}")


def loopback_feed(tmp_path, shared, server: FeedServer, count: int = 3) -> tuple[Path, list[str]]:
    """A feeds file with one trusted loopback feed of `count` eval pages; returns it and the page URLs."""
    pages = sorted((shared / "eval" / "html").glob("*.html"))[:count]
    urls = [f"{server.url}/page/{p.name}" for p in pages]
    server.feed("/rss.xml", rss([{"title": p.stem, "link": url} for p, url in zip(pages, urls)]), etag='"1"')
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nname = "loopback"\nurl = "{server.url}/rss.xml"\ntrusted = true\n', "utf-8")
    return feeds, urls


def rows(db: Path, query: str, *params) -> list[tuple]:
    with read_connection(db, lock_timeout=30) as con:
        return con.execute(query, list(params)).fetchall()


def assert_poll_stored(db: Path, run: dict, urls: list[str]) -> None:
    """The flow run's articles are in the file, under its id, and its ingest run completed."""
    assert rows(db, "SELECT flow, status FROM ingest_runs WHERE id = ?", run["id"]) == [("poll_feeds", "completed")]
    stored = rows(db, "SELECT source FROM articles WHERE run_id = ? ORDER BY source", run["id"])
    assert [s for (s,) in stored] == sorted(urls)


def register_serve(env, processes: Processes, tmp_path, feeds: Path, db: Path, cron: str | None = None) -> dict:
    """`newsmon serve` running; returns its poll deployment once both of its deployments are registered."""
    args = [NEWSMON, "serve", "--feeds", str(feeds), "--db", str(db)] + (["--cron", cron] if cron else [])
    processes.start("serve", args, env, tmp_path)
    wait_for_deployment(env, "backfill/backfill-folder-serve", processes)
    return wait_for_deployment(env, "poll-feeds/poll-feeds-serve", processes)


def deploy_all(env) -> dict:
    """`prefect deploy --all` with the checkout's prefect.yaml; returns the poll deployment, checked against the file."""
    prefect(env, "--no-prompt", "deploy", "--all")
    deployed = deployment(env, "poll-feeds/poll-feeds")
    assert deployed and deployment(env, "backfill/backfill-folder"), prefect(env, "deployment", "ls")
    assert [s["schedule"]["cron"] for s in deployed["schedules"]] == ["*/15 * * * *"]
    assert deployed["parameters"] == {"feeds_file": "feeds.toml", "db": "news.duckdb", "digest": None}
    return deployed


def assert_both_kept_their_own(env) -> None:
    """Neither `prefect deploy` nor `newsmon serve` changed the other's deployments (same names once did)."""
    for name in ("poll-feeds/poll-feeds", "backfill/backfill-folder"):  # as prefect.yaml declares them
        d = deployment(env, name)
        assert d["work_pool_name"] == "newsmon" and d["entrypoint"].startswith("flows."), d
        assert d["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(PROJECT)}}], d
    for name in ("poll-feeds/poll-feeds-serve", "backfill/backfill-folder-serve"):  # as serve registered them
        d = deployment(env, name)
        assert d["work_pool_name"] is None and not d["pull_steps"] and d["path"], d


def assert_backfilled(db: Path, run_id: str) -> None:
    assert rows(db, "SELECT flow, status FROM ingest_runs WHERE id = ?", run_id) == [("backfill", "completed")]
    assert rows(db, "SELECT count(*) FROM articles WHERE run_id = ?", run_id)[0][0] > 0


def test_serve_schedules_polls_and_prefect_deploy_after_it_coexists(tmp_path, prefect_api, processes, shared):
    """`newsmon serve --cron "* * * * *"`, then `prefect deploy --all` and a process worker on the same server.
    No trigger for serve's poll: the server's scheduler creates the run, serve executes it, the feed's articles
    land in the file (a scheduler that cannot insert runs, as with SQLAlchemy 2.1, fails here). The other three
    deployments are triggered, as from the UI, and complete."""
    deployed_db, served_db = tmp_path / "deployed.duckdb", tmp_path / "served.duckdb"
    with FeedServer(shared / "eval" / "html") as server:
        feeds, urls = loopback_feed(tmp_path, shared, server)
        served = register_serve(prefect_api, processes, tmp_path, feeds, served_db, cron=EVERY_MINUTE)
        assert [s["schedule"]["cron"] for s in served["schedules"]] == [EVERY_MINUTE]
        prefect(prefect_api, "work-pool", "create", "newsmon", "--type", "process")
        deployed = deploy_all(prefect_api)
        # its own */15 schedule off for the test, so only the triggered run polls into the deployed file
        api(prefect_api, "PATCH", f"/deployments/{deployed['id']}", json={
            "parameters": {"feeds_file": str(feeds), "db": str(deployed_db)},
            "schedules": [{"schedule": {"cron": "*/15 * * * *", "timezone": "UTC"}, "active": False}],
        })
        assert_both_kept_their_own(prefect_api)
        processes.start("worker", [PREFECT, "worker", "start", "--pool", "newsmon", "--type", "process"],
                        prefect_api, PROJECT)
        runs = {
            "deployed poll": trigger(prefect_api, "poll-feeds/poll-feeds",
                                     {"feeds_file": str(feeds), "db": str(deployed_db), "respect_schedule": False}),
            "deployed backfill": trigger(prefect_api, "backfill/backfill-folder", {"paths": [str(SAMPLES)], "db": str(deployed_db)}),
            "served backfill": trigger(prefect_api, "backfill/backfill-folder-serve", {"paths": [str(SAMPLES)]}),
        }
        scheduled = wait_for_scheduled_run(prefect_api, served["id"], processes)
        wait_for_completed(prefect_api, runs, processes)
    assert scheduled["auto_scheduled"] and scheduled["parameters"] == {"feeds_file": str(feeds), "db": str(served_db)}
    assert_poll_stored(served_db, scheduled, urls)
    assert_poll_stored(deployed_db, {"id": runs["deployed poll"]}, urls)
    assert_backfilled(deployed_db, runs["deployed backfill"])
    assert_backfilled(served_db, runs["served backfill"])


def test_prefect_yaml_schedule_runs_through_a_worker_and_serve_after_it_coexists(tmp_path, prefect_api, processes, shared):
    """The README's order: `prefect deploy --all` with the checkout's prefect.yaml, then `newsmon serve`, then a
    process worker. The scheduler's run of poll-feeds is picked up and completed by the worker (the test moves
    the deployment's */15 schedule to every minute and its parameters to files in tmp: all it changes); serve's
    two deployments are triggered and complete in serve's process."""
    deployed_db, served_db = tmp_path / "deployed.duckdb", tmp_path / "served.duckdb"
    with FeedServer(shared / "eval" / "html") as server:
        feeds, urls = loopback_feed(tmp_path, shared, server)
        prefect(prefect_api, "work-pool", "create", "newsmon", "--type", "process")
        deployed = deploy_all(prefect_api)
        assert deployed["work_pool_name"] == "newsmon"
        # the parameters first, in a call of their own, so that every run the scheduler makes from the new
        # schedule finds them (with both in one PATCH it once made an every-minute run with the old ones);
        # replacing the schedules also deletes the runs already scheduled from the old ones (server-side)
        api(prefect_api, "PATCH", f"/deployments/{deployed['id']}",
            json={"parameters": {"feeds_file": str(feeds), "db": str(deployed_db)}})
        api(prefect_api, "PATCH", f"/deployments/{deployed['id']}", json={
            "schedules": [{"schedule": {"cron": EVERY_MINUTE, "timezone": "UTC"}, "active": True}],
        })
        register_serve(prefect_api, processes, tmp_path, feeds, served_db, cron=ONCE_A_YEAR)  # only the triggered poll
        assert_both_kept_their_own(prefect_api)
        processes.start("worker", [PREFECT, "worker", "start", "--pool", "newsmon", "--type", "process"],
                        prefect_api, PROJECT)
        runs = {
            "served poll": trigger(prefect_api, "poll-feeds/poll-feeds-serve", {"respect_schedule": False}),
            "served backfill": trigger(prefect_api, "backfill/backfill-folder-serve", {"paths": [str(SAMPLES)]}),
            "deployed backfill": trigger(prefect_api, "backfill/backfill-folder", {"paths": [str(SAMPLES)], "db": str(deployed_db)}),
        }
        scheduled = wait_for_scheduled_run(prefect_api, deployed["id"], processes)
        wait_for_completed(prefect_api, runs, processes)
    assert scheduled["parameters"] == {"feeds_file": str(feeds), "db": str(deployed_db)}
    assert_poll_stored(deployed_db, scheduled, urls)
    assert rows(deployed_db, "SELECT name, last_error FROM feed_status") == [("loopback", None)]
    assert_poll_stored(served_db, {"id": runs["served poll"]}, urls)
    assert_backfilled(served_db, runs["served backfill"])
    assert_backfilled(deployed_db, runs["deployed backfill"])
