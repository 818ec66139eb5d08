"""Claims and alerts end to end: the real backfill flow, real DuckDB files, webhooks on 127.0.0.1."""

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from conftest import FIXTURES, query

from flows.backfill import backfill

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
ARTICLES = FIXTURES / "claims"
# The disputes written into tests/fixtures/claims: the alert's (newer article, most recent conflicting
# article, severity) -> every article the alert names (one alert per dispute, not one per pair).
DESIGNED = {
    # Moscow "höchstens 1.500" vs Ukraine "mindestens 11.000" (de) and the Pentagon "about 12,000" (en)
    ("a03", "a02", "high"): {"a01", "a02", "a03"},
    # Kursk: at least 5,000 (Seoul) vs up to 3,000 (Kyiv), and vs at most 1,500 in all Russia (a part exceeds the whole)
    ("a05", "a04", "high"): {"a03", "a04", "a05"},
    ("a08", "a06", "high"): {"a06", "a08"},  # shells: 200,000 (Moscow) vs more than five million (Seoul)
    ("a10", "a09", "medium"): {"a09", "a10"},  # Kyiv lowers its own count of the killed: 1,200 -> 300
}


def alert_pairs(db):
    rows = query(
        db,
        "SELECT n.article, p.article, a.severity, a.kind FROM alerts a"
        " JOIN claims_view n ON n.claim_id = a.new_claim_id JOIN claims_view p ON p.claim_id = a.previous_claim_id",
    )
    assert all(kind == "contradiction" for *_, kind in rows)
    return {(Path(n).name[:3], Path(p).name[:3], severity) for n, p, severity, _ in rows}


def test_seeds_raise_no_contradiction_and_show_the_corroborations(seeds, tmp_path):
    db = str(tmp_path / "seeds.duckdb")
    summary = backfill([str(seeds)], db=db)
    assert summary.alerts == [] and query(db, "SELECT count(*) FROM alerts") == [(0,)]
    corroborated = query(
        db,
        "SELECT c.measure, regexp_extract(c.article, '(\\d{3})_', 1), regexp_extract(o.article, '(\\d{3})_', 1)"
        " FROM corroborations_view v"
        " JOIN claims_view c ON c.claim_id = v.claim_id JOIN claims_view o ON o.claim_id = v.corroborated_by",
    )
    # 003 and 004 both say 500 officers and three generals; "mindestens 11.000" and "etwa 12.000" agree.
    assert {(m, *sorted((a, b))) for m, a, b in corroborated} == {
        ("officers", "003", "004"), ("generals", "003", "004"), ("troops", "003", "004")
    }


def named(alert) -> set[str]:
    return {Path(s["article"]).name[:3] for s in alert["sources"]}


def test_own_articles_raise_exactly_the_designed_contradictions_once(tmp_path):
    db = str(tmp_path / "claims.duckdb")
    first = backfill([str(ARTICLES)], db=db)
    assert alert_pairs(db) == set(DESIGNED)
    assert len(first.alerts) == len(DESIGNED)
    assert {(Path(a["new"]["article"]).name[:3], Path(a["previous"]["article"]).name[:3], a["severity"]): named(a)
            for a in first.alerts} == DESIGNED
    assert query(db, "SELECT count(*), count(DISTINCT key) FROM disputes WHERE status = 'open'") == [(4, 4)]
    again = backfill([str(ARTICLES)], db=db)  # re-running fires nothing new
    assert again.alerts == [] and query(db, "SELECT count(*) FROM alerts") == [(len(DESIGNED),)]
    # a copy of a01 under another outlet's name is stored as a duplicate and makes no claims of its own
    assert query(db, "SELECT count(*) FROM claims_view WHERE article LIKE '%a11-%'") == [(0,)]


def test_articles_arriving_in_two_runs_compare_old_with_new(tmp_path):
    db = str(tmp_path / "two.duckdb")
    early, late = tmp_path / "early", tmp_path / "late"
    early.mkdir(), late.mkdir()
    for name in ("a01-nordkurier-de.txt", "a02-harbor-post-en.txt"):
        shutil.copy(ARTICLES / name, early / name)
    shutil.copy(ARTICLES / "a03-bergpost-de.txt", late / "a03-bergpost-de.txt")
    assert backfill([str(early)], db=db).alerts == []
    (alert,) = backfill([str(late)], db=db).alerts  # one alert naming both stored claims
    assert named(alert) == {"a01", "a02", "a03"}
    assert {(n, p) for n, p, _ in alert_pairs(db)} == {("a03", "a02")}


def test_a_new_claim_meets_what_each_source_says_now_not_what_it_said_before(tmp_path):
    db = str(tmp_path / "heads.duckdb")
    early, late = tmp_path / "early", tmp_path / "late"
    early.mkdir(), late.mkdir()
    for name in ("a09-nordkurier-de.txt", "a10-harbor-post-en.txt"):  # Kyiv: 1,200 killed, later 300
        shutil.copy(ARTICLES / name, early / name)
    backfill([str(early)], db=db)
    assert {(n, p) for n, p, _ in alert_pairs(db)} == {("a10", "a09")}
    (late / "pentagon.txt").write_text(
        "Pentagon confirms losses\nNovember 20, 2024\nBy Alex Writer\n\n"
        "According to the Pentagon, 300 North Korean soldiers have been killed so far in the fighting.\n\n"
        "The figure matches the one given by officials in Kyiv earlier this week.\n", "utf-8")
    # Kyiv's current count is 300: agreeing with it is no contradiction, whatever Kyiv said before
    assert backfill([str(late)], db=db).alerts == []
    (late / "moscow.txt").write_text(
        "Moscow disputes losses\nNovember 22, 2024\nBy Alex Writer\n\n"
        "According to the Kremlin, 40 North Korean soldiers have been killed so far in the fighting.\n\n"
        "Russian officials gave no details on how the number was counted or verified.\n", "utf-8")
    (alert,) = backfill([str(late)], db=db).alerts
    # against Kyiv's latest (a10) and the Pentagon, not against Kyiv's withdrawn 1,200 (a09)
    assert named(alert) == {"mos", "a10", "pen"}


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver.received
    server.shutdown()


def test_webhooks_receive_each_alert_and_failures_are_recorded(tmp_path, webhook, monkeypatch):
    url, received = webhook
    dead = "http://127.0.0.1:9/nothing-listens-here"
    monkeypatch.setenv("NEWSMON_WEBHOOKS", f"{url}, {dead}")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a01-nordkurier-de.txt", "a03-bergpost-de.txt"):
        shutil.copy(ARTICLES / name, folder / name)
    db = str(tmp_path / "hook.duckdb")
    summary = backfill([str(folder)], db=db)
    assert len(summary.alerts) == 1 and len(received) == 1
    content_type, alert = received[0]
    assert content_type == "application/json"
    assert alert["kind"] == "contradiction" and alert["key"] == "north_korea/troops/russia/total"
    assert alert["new"]["value"] == 1500 and alert["previous"]["low"] == 11000
    assert alert["new"]["source"] == "russia" and alert["previous"]["source"] == "ukraine"
    assert alert["explanation"].startswith("contradiction: ")
    deliveries = query(db, "SELECT channel, status, attempts, last_error IS NULL FROM deliveries ORDER BY status")
    assert deliveries == [(f"webhook:{url}", "delivered", 1, True), (f"webhook:{dead}", "pending", 1, False)]
    attempts = query(db, "SELECT target, status, attempts FROM alert_deliveries ORDER BY status")
    assert attempts == [(f"webhook:{url}", "delivered", 1), (f"webhook:{dead}", "failed", 1)]  # the log
    assert query(db, "SELECT count(*) FROM alerts") == [(1,)]  # a dead webhook loses nothing


def test_the_run_gets_a_table_artifact_of_its_alerts(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a01-nordkurier-de.txt", "a03-bergpost-de.txt"):
        shutil.copy(ARTICLES / name, folder / name)
    summary = backfill([str(folder)], db=str(tmp_path / "art.duckdb"))
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[summary.run_id]))
        )
    assert [a.key for a in artifacts] == ["newsmon-alerts"]
    rows = json.loads(artifacts[0].data)
    assert len(rows) == 1 and rows[0]["kind"] == "contradiction" and "höchstens 1.500" in rows[0]["explanation"]


def test_a_hundred_unrelated_news_pages_raise_no_alert(shared, tmp_path):
    """Pages about other stories name no watched subject next to their figures: nothing to compare."""
    db = str(tmp_path / "eval.duckdb")
    summary = backfill([str(shared / "eval" / "plaintext")], db=db)
    assert summary.counts.stored == 100 and summary.alerts == []
    assert query(db, "SELECT count(*) FROM figures")[0][0] > 500


def test_each_contradiction_is_a_prefect_event(tmp_path):
    """Users attach Prefect Automations to `newsmon.claim.contradiction`; the event carries both claims."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter
    from prefect.types._datetime import now

    started = now("UTC")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a01-nordkurier-de.txt", "a03-bergpost-de.txt"):
        shutil.copy(ARTICLES / name, folder / name)
    backfill([str(folder)], db=str(tmp_path / "events.duckdb"))
    wanted = EventFilter(event=EventNameFilter(name=["newsmon.claim.contradiction"]), occurred=EventOccurredFilter(since=started))
    events = []
    with get_client(sync_client=True) as client:
        for _ in range(40):  # events are sent in the background: give them a moment to arrive
            events = client.read_events(filter=wanted, limit=50).events  # the server caps pages at 50
            if events:
                break
            time.sleep(0.25)
    assert len(events) == 1
    event = events[0]
    assert event.resource.id == "newsmon.claim.north_korea/troops/russia/total"
    assert event.payload["new"]["value"] == 1500 and event.payload["previous"]["low"] == 11000
