"""Alert delivery as an outbox, end to end: the real backfill flow, a real DuckDB file and a real
webhook receiver on 127.0.0.1 that fails, recovers, stalls, and outlives a kill -9 of newsmon."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES, query

from flows.backfill import backfill
from flows.delivery import MAX_ATTEMPTS, SEND_THREADS, deliver_due

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
ARTICLES = FIXTURES / "claims"
NEWSMON = str(Path(sys.executable).parent / "newsmon")


def one_alert_folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a01-nordkurier-de.txt", "a03-bergpost-de.txt"):  # one contradiction
        shutil.copy(ARTICLES / name, folder / name)
    return folder


def wait_for_delivery_threads() -> None:
    for thread in threading.enumerate():
        if thread.name == "newsmon-delivery":
            thread.join(60)


def test_a_failed_delivery_is_retried_by_the_next_run_with_the_same_key(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("NEWSMON_WEBHOOKS", receiver.url)
    monkeypatch.setenv("NEWSMON_DELIVERY_BACKOFF", "0")  # due again at once
    db = str(tmp_path / "retry.duckdb")
    receiver.mode = "fail"
    first = backfill([str(one_alert_folder(tmp_path))], db=db)
    assert len(first.alerts) == 1 and len(receiver.received) == 1
    assert query(db, "SELECT channel, status, attempts, last_error FROM deliveries") == [
        (f"webhook:{receiver.url}", "pending", 1, "HTTP 500")]
    receiver.mode = "ok"  # the receiver recovers
    again = backfill([str(tmp_path / "in")], db=db)  # nothing new to store: the outbox still sends
    assert again.alerts == [] and len(receiver.received) == 2
    (key_1, alert_1), (key_2, alert_2) = receiver.received
    assert key_1 and key_1 == key_2 and alert_1 == alert_2  # one delivery, one key, however often sent
    assert alert_1["kind"] == "contradiction" and alert_1["key"] == "north_korea/troops/russia/total"
    assert query(db, "SELECT status, attempts, idempotency_key FROM deliveries") == [("delivered", 2, key_1)]
    assert query(db, "SELECT status, attempts FROM alert_deliveries ORDER BY attempts") == [("failed", 1), ("delivered", 2)]
    backfill([str(tmp_path / "in")], db=db)
    assert len(receiver.received) == 2  # delivered is delivered: never sent again


def test_a_delivery_that_keeps_failing_is_given_up_and_shown(tmp_path, monkeypatch):
    dead = "http://127.0.0.1:9/nothing-listens-here"
    monkeypatch.setenv("NEWSMON_WEBHOOKS", dead)
    monkeypatch.setenv("NEWSMON_DELIVERY_BACKOFF", "0")
    db = str(tmp_path / "dead.duckdb")
    backfill([str(one_alert_folder(tmp_path))], db=db)
    while query(db, "SELECT count(*) FROM deliveries WHERE status = 'pending'") != [(0,)]:
        assert deliver_due(db)  # every pass makes one attempt
    assert query(db, "SELECT status, attempts FROM deliveries") == [("gave_up", MAX_ATTEMPTS)]
    assert query(db, "SELECT count(*) FROM alerts") == [(1,)]  # a dead webhook loses no alert
    out = subprocess.run([NEWSMON, "alerts", "--undelivered", "--db", db], capture_output=True, text=True)
    assert out.returncode == 0 and f"webhook:{dead}: gave_up, {MAX_ATTEMPTS} attempts, given up" in out.stdout
    assert "1 deliveries not delivered" in out.stdout


def test_a_slow_receiver_does_not_hold_up_the_backfill(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("NEWSMON_WEBHOOKS", receiver.url)
    monkeypatch.setenv("NEWSMON_DELIVERY_WAIT", "0")  # do not wait at the end either
    receiver.mode = "hold"  # every POST waits until the test releases it
    db = str(tmp_path / "slow.duckdb")
    summary = backfill([str(ARTICLES)], db=db, batch_size=1)  # one batch per file, 4 alerts on the way
    # every article and alert is stored while the first deliveries are still held by the receiver
    assert len(summary.alerts) == 4 and summary.counts.stored + summary.counts.duplicates == len(list(ARTICLES.iterdir()))
    assert receiver.answered == 0 and 1 <= len(receiver.received) <= SEND_THREADS
    receiver.mode = "ok"
    receiver.release.set()
    wait_for_delivery_threads()
    backfill([str(ARTICLES)], db=db)  # sends whatever is still pending
    assert len(receiver.keys()) == 4 and {a["id"] for _, a in receiver.received} == {a["id"] for a in summary.alerts}
    assert query(db, "SELECT status, count(*) FROM deliveries GROUP BY 1") == [("delivered", 4)]


def test_kill_9_during_delivery_then_a_rerun_delivers_everything_once_per_key(tmp_path, receiver, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("NEWSMON_WEBHOOKS", receiver.url)  # for the re-run in this process

    db = str(tmp_path / "killed.duckdb")
    env = {**os.environ, "NEWSMON_WEBHOOKS": receiver.url, "NEWSMON_DELIVERY_BACKOFF": "0",
           "PREFECT_API_URL": PREFECT_API_URL.value()}
    receiver.mode = "hold"
    process = subprocess.Popen([NEWSMON, "backfill", str(ARTICLES), "--db", db, "--batch-size", "1"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert receiver.arrived.wait(180), "no delivery arrived"
    finally:
        process.send_signal(signal.SIGKILL)  # kill -9 while a POST is in flight
        process.wait()
    held = len(receiver.received)
    receiver.mode = "ok"
    receiver.release.set()
    summary = backfill([str(ARTICLES)], db=db)  # the re-run: stores what the killed run did not, sends the rest
    wait_for_delivery_threads()
    alerts = query(db, "SELECT id FROM alerts")
    assert len(alerts) == 4 and held >= 1
    assert query(db, "SELECT status, count(*) FROM deliveries GROUP BY 1") == [("delivered", 4)]
    assert {a["id"] for _, a in receiver.received} == {a for (a,) in alerts}  # every notification arrived
    assert len(receiver.keys()) == 4  # one key per notification: duplicates are the receiver's to drop
    runs = dict(query(db, "SELECT id, status FROM ingest_runs"))
    assert sorted(runs.values()) == ["completed", "crashed"] and runs[summary.run_id] == "completed"
