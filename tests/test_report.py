"""`newsmon report` and alert triage: the report's data on the designed disputes (tests/fixtures/claims)
and on the seeds, the HTML, Markdown and JSON written from it, and `newsmon alerts ack/dismiss`.
The page in a real browser: tests/test_report_browser.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES

from flows.cli import main
from flows.report import build_report, render_html, render_markdown
from storage import read_connection
from storage.report import ReportScope, gather_report

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]


@pytest.fixture(scope="module")
def designed(tmp_path_factory) -> str:
    """The designed articles: four disputes, one a source lowering its own total."""
    from flows.backfill import backfill

    db = str(tmp_path_factory.mktemp("report") / "designed.duckdb")
    backfill([str(FIXTURES / "claims")], db=db)
    return db


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, seeds) -> str:
    from flows.backfill import backfill

    db = str(tmp_path_factory.mktemp("report") / "seeds.duckdb")
    backfill([str(seeds)], db=db)
    return db


def report_of(db: str, **scope) -> dict:
    with read_connection(db) as con:
        return gather_report(con, ReportScope(**scope))


def article(claim: dict) -> str:
    return Path(claim["article"]).name[:3]


def test_disputes_come_most_severe_first_with_every_source_lowest_first(designed):
    report = report_of(designed)
    assert [(d["key"], d["severity"]) for d in report["disputes"]] == [
        ("north_korea/artillery_shells/russia/total", "high"),  # latest as-of date first among the high ones
        ("north_korea/troops/kursk/total", "high"),
        ("north_korea/troops/russia/total", "high"),
        ("north_korea/killed/-/total", "medium"),
    ]
    russia = report["disputes"][2]
    assert [(s["source"], s["value"]) for s in russia["sources"]] == [
        ("russia", 1500), ("united_states", 12000), ("ukraine", 11000)  # by interval: up to 1,500; 10,800-13,200; 11,000 and up
    ]
    assert russia["sources"][2]["copies"] == 2  # a11 is an exact copy of a01: one source
    assert russia["explanation"].startswith("contradiction: north_korea/troops/russia/total — 3 sources disagree")
    assert (russia["first_date"], russia["last_date"]) == ("2024-11-02", "2024-11-06")
    # a source that lowered its own total: one member, but the report shows both of its figures
    killed = report["disputes"][3]
    assert [(s["source"], s["value"], article(s)) for s in killed["sources"]] == [("ukraine", 300, "a10"), ("ukraine", 1200, "a09")]
    o = report["overview"]
    assert (o["articles"], o["exact_copies"], o["disputes"]) == (13, 1, 4)
    assert o["disputes_by_severity"] == {"high": 3, "medium": 1, "low": 0}
    assert (o["first_published"], o["last_published"]) == ("2024-11-02", "2024-11-19")
    assert len(report["stories"]) == 13 and report["more_stories"] == 0
    top = report["stories"][0]
    assert (top["members"], top["copies"], top["outlets"]) == (2, 1, ["Südbote"])  # a11 copies a01
    assert all(s["members"] == 1 for s in report["stories"][1:])


def test_what_each_source_says_last_per_key(designed):
    figures = {f["key"]: f for f in report_of(designed)["keys"]}
    troops = figures["north_korea/troops/russia/total"]
    assert troops["disputed"] and troops["sources"] == 4
    assert [(s["source"], s["claim_date"]) for s in troops["latest"]] == [
        ("ukraine", "2024-11-02"), ("united_states", "2024-11-04"), ("russia", "2024-11-06"), ("south_korea", "2024-11-17")
    ]
    assert troops["corroborations"] == 2  # Ukraine's "mindestens 11.000" and the Pentagon's "about 12,000" agree
    assert [(c["claim_date"], c["running_min"], c["running_max"]) for c in troops["timeline"]] == [
        ("2024-11-02", 11000, 11000), ("2024-11-04", 11000, 12000), ("2024-11-06", 1500, 12000), ("2024-11-17", 1500, 12000)
    ]
    assert not figures["russia/casualties/-/total"]["disputed"]
    # a rate is its own key, never mixed with the total
    assert "north_korea/artillery_shells/russia/month" in figures


def test_the_period_and_the_key_choose_the_articles(designed):
    later = report_of(designed, since=dt.date(2024, 11, 9), until=dt.date(2024, 11, 15))
    assert later["overview"]["articles"] == 5  # a06 .. a10
    assert [d["key"] for d in later["disputes"]] == ["north_korea/artillery_shells/russia/total", "north_korea/killed/-/total"]
    assert later["scope"] == {"since": "2024-11-09", "until": "2024-11-15", "key": None, "limit": 20}
    # a dispute that reaches outside the period shows all its sources, the outside ones marked
    kursk = report_of(designed, since=dt.date(2024, 11, 8))["disputes"]
    assert [(article(s), s["in_report"]) for s in kursk[1]["sources"]] == [("a03", False), ("a04", False), ("a05", True)]
    troops = report_of(designed, key="north_korea/troops")
    assert {f["key"] for f in troops["keys"]} == {"north_korea/troops/russia/total", "north_korea/troops/kursk/total"}
    assert [d["key"] for d in troops["disputes"]] == ["north_korea/troops/kursk/total", "north_korea/troops/russia/total"]
    assert report_of(designed, key="*/killed/*")["overview"]["claims"] == 2
    assert report_of(designed, since=dt.date(2030, 1, 1))["overview"]["articles"] == 0


def test_the_limit_keeps_the_first_and_counts_the_rest(designed):
    report = report_of(designed, limit=1)
    assert len(report["disputes"]) == 1 and report["more_disputes"] == 3
    assert len(report["keys"]) == 7 and report["keys"][0]["timeline"] and report["keys"][1]["timeline"] is None  # one charted
    assert "… and 3 more disputes" in render_markdown({**report, "database": designed, "generated": "now"})


def test_seeds_report_no_dispute_and_the_agreed_figures(seeded):
    report = report_of(seeded)
    assert report["disputes"] == [] and report["overview"]["disputes"] == 0
    agreed = {(g["key"], frozenset(article(c) for c in g["claims"])) for g in report["agreements"]}
    # 003 and 004 both say 500 officers and three generals; "mindestens 11.000" and "etwa 12.000" agree
    # (004 places them in Russia, 003 names no place: the same figures, as corroborations_view pairs them)
    assert agreed == {("north_korea/officers/russia/total (subset)", frozenset({"003", "004"})),
                      ("north_korea/generals/russia/total (subset)", frozenset({"003", "004"})),
                      ("north_korea/troops/russia/total", frozenset({"003", "004"}))}
    text = render_markdown(build_report(seeded, ReportScope()))
    assert "**0 open disputes**" in text and "no source contradicts another" in text and "## Disputes" not in text
    # 002's shells total and 003's shells per year are two keys, never one table
    assert "### `north_korea/artillery_shells/russia/total`" in text and "### `russia/artillery_shells/-/year`" in text


def test_markdown_cites_every_article_once_by_number(designed):
    text = render_markdown(build_report(designed, ReportScope()))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    listing = text.split("## Articles cited", 1)[1]
    listed = [int(n) for n in re.findall(r"^(\d+)\. ", listing, re.M)]
    assert listed == sorted(cited) == list(range(1, len(cited) + 1))
    assert text.startswith("# News report: everything stored\n")
    assert "### 1. `north_korea/artillery_shells/russia/total` — HIGH, 2 figures, 2024-11-09 to 2024-11-11" in text
    assert "| russia | höchstens 1.500 nordkoreanische Soldaten | 1,500 | … – 1,500 | 2024-11-06 |" in text
    tables = [line for line in text.splitlines() if line.startswith("|")]
    assert all(line.count("|") == tables[0].count("|") for line in tables if "---" not in line and "story" not in line)


def test_cells_and_lines_cannot_break_the_markdown():
    from flows.report import _cell, _inline, _link

    assert _cell("a | b\nc") == "a \\| b c" and _inline(" one\n\ntwo ") == "one two"
    assert _link("https://example.org/a") == "<https://example.org/a>" and _link("/in/a`b.txt") == "`/in/a'b.txt`"


def test_html_draws_one_mark_per_claim_of_every_dispute_and_loads_nothing(designed):
    report = build_report(designed, ReportScope())
    page = render_html(report)
    disputes = re.findall(r'<article class="dispute[^"]*" id="dispute-(\d+)"[^>]*data-claims="(\d+)">(.*?)</article>', page, re.S)
    assert len(disputes) == 4
    for _, claims, body in disputes:
        assert body.count('aria-roledescription="claim"') == int(claims) > 0
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page) and "<script" not in page and "@import" not in page
    assert page.count("<svg") == 4 + sum(1 for k in report["keys"][:20] if any(c["claim_date"] for c in k["timeline"] or []))
    # the correction: Kyiv's own 1,200 and 300 side by side, the open "at least" bound drawn as a triangle
    assert "1.200 nordkoreanische Soldaten" in page and "300 North Korean soldiers" in page
    assert "mindestens 5.000 nordkoreanische Soldaten" in page and "Höchstens" not in page
    assert 'href="file:///' in page


def test_cli_report_writes_report_html_and_the_other_formats(designed, tmp_path, capsys, monkeypatch):
    before = hashlib.sha256(Path(designed).read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--db", designed]) == 0
    assert f"Report (13 articles, open disputes: 4): {tmp_path / 'report.html'}" in capsys.readouterr().out
    assert (tmp_path / "report.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert main(["report", "--db", designed, "--out", "-", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# News report: everything stored")
    assert main(["report", "--db", designed, "--out", "-", "--format", "json", "--since", "2024-11-09", "--key", "north_korea"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["database", "generated", "scope", "overview", "disputes", "more_disputes", "dismissed_disputes",
                          "agreements", "more_agreements", "keys", "revisions", "stories", "more_stories", "health", "articles"]
    assert data["scope"]["key"] == "north_korea" and data["overview"]["articles"] == 6
    assert data["health"]["last_runs"][0]["status"] == "completed" and data["health"]["last_runs"][0]["files_seen"] == 14
    out = tmp_path / "briefing.md"
    assert main(["report", "--db", designed, "--out", str(out), "--limit", "2", "--format", "markdown"]) == 0
    assert out.read_text("utf-8").count("\n### ") >= 2
    assert hashlib.sha256(Path(designed).read_bytes()).hexdigest() == before  # the report changes nothing


def test_cli_report_mistakes_exit_2(designed, tmp_path, capsys):
    assert main(["report", "--db", designed, "--out", designed]) == 2
    assert "is the database file itself" in capsys.readouterr().err
    assert main(["report", "--db", designed, "--out", str(tmp_path / "no" / "such" / "r.html")]) == 2
    assert "no folder" in capsys.readouterr().err
    assert main(["report", "--db", designed, "--since", "2024-12-01", "--until", "2024-11-01"]) == 2
    assert "is after --until" in capsys.readouterr().err
    assert main(["report", "--db", str(tmp_path / "missing.duckdb")]) == 2
    assert "no database at" in capsys.readouterr().err
    earlier = tmp_path / "earlier-report.html"  # a report already there, and no database
    earlier.write_text("old", "utf-8")
    assert main(["report", "--db", str(tmp_path / "missing.duckdb"), "--out", str(earlier)]) == 2
    assert "no database at" in capsys.readouterr().err and earlier.read_text("utf-8") == "old"
    with pytest.raises(SystemExit):
        main(["report", "--db", designed, "--limit", "0"])


LATE_SOURCE = """Japan sieht noch mehr Nordkoreaner in Kursk
10.11.2024
Von Eva Platzhalter

Nach Angaben der japanischen Regierung kämpfen mindestens 9.000 nordkoreanische Soldaten in der Region Kursk. Tokio beruft sich auf eigene Erkenntnisse.
"""


def test_a_dismissed_dispute_leaves_the_report_until_a_new_source_joins(tmp_path, capsys):
    from flows.backfill import backfill

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a03-bergpost-de.txt", "a04-capital-ledger-en.txt", "a05-tagesblick-de.txt"):
        (folder / name).write_bytes((FIXTURES / "claims" / name).read_bytes())
    db = str(tmp_path / "triage.duckdb")
    backfill([str(folder)], db=db)
    [dispute] = report_of(db)["disputes"]
    assert dispute["key"] == "north_korea/troops/kursk/total" and dispute["state"] == "new"
    alert = dispute["alert"]
    assert main(["alerts", "ack", str(alert), "--db", db]) == 0
    assert f"alert {alert} acknowledged" in capsys.readouterr().out
    assert report_of(db)["disputes"][0]["state"] == "acknowledged"  # seen, still open
    assert main(["alerts", "dismiss", str(alert), "--db", db, "--reason", "Moscow counts only trainees"]) == 0
    assert f"alert {alert} dismissed (dispute {dispute['id']} dismissed too)" in capsys.readouterr().out
    quiet = report_of(db)
    assert quiet["disputes"] == [] and quiet["dismissed_disputes"] == 1
    with read_connection(db) as con:
        assert con.execute("SELECT state, reason, dispute_status FROM alert_states").fetchall() == [
            ("dismissed", "Moscow counts only trainees", "dismissed")]
    assert main(["alerts", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["state"] == "dismissed"
    # a new source joins: Tokyo's "at least 9,000" conflicts with Moscow's "höchstens 1.500" and Kyiv's "up to 3,000"
    (folder / "a15-late-de.txt").write_text(LATE_SOURCE, encoding="utf-8")
    backfill([str(folder)], db=db)
    [reopened] = report_of(db)["disputes"]
    assert reopened["id"] == dispute["id"] and reopened["state"] == "new" and reopened["alert"] > alert
    assert "japan" in {s["source"] for s in reopened["sources"]}
    assert reopened["note"] == "Moscow counts only trainees"  # why it was dismissed once, kept
    assert main(["alerts", "dismiss", "999", "--db", db, "--reason", "x"]) == 2
    assert "no alert 999" in capsys.readouterr().err


def test_a_scheduled_poll_ends_with_the_report_artifact_and_writes_the_page(tmp_path):
    from feedserver import FeedServer, rss
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.feeds import poll_feeds

    with FeedServer() as server:
        items = []
        for name in ("a03-bergpost-de.txt", "a04-capital-ledger-en.txt", "a05-tagesblick-de.txt"):
            server.routes[f"/{name}"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, (FIXTURES / "claims" / name).read_bytes())
            items.append({"title": name, "link": f"{server.url}/{name}"})
        server.feed("/rss.xml", rss(items))
        config = tmp_path / "feeds.toml"
        config.write_text(f'[[feed]]\nname = "loopback"\nurl = "{server.url}/rss.xml"\ntrusted = true\n', "utf-8")
        db, page = str(tmp_path / "poll.duckdb"), tmp_path / "served-report.html"
        summary = poll_feeds(feeds_file=str(config), db=db, report=str(page))  # scheduled: respect_schedule
    assert summary.counts.stored == 3 and len(summary.alerts) == 1
    assert 'aria-roledescription="claim"' in page.read_text("utf-8")
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[summary.run_id]))
        )
    report = {a.key: a.data for a in artifacts}["newsmon-report"]
    assert "**1 open dispute**" in report and "north_korea/troops/kursk/total" in report and str(page.resolve()) in report


def test_serve_s_poll_deployment_carries_the_report_path(tmp_path):
    from flows.deployments import deployments

    poll, backfill_folder = deployments(str(tmp_path / "n.duckdb"), str(tmp_path / "feeds.toml"), report="out/report.html")
    assert poll.parameters["report"] == str(Path("out/report.html").resolve())
    assert "report" not in deployments(str(tmp_path / "n.duckdb"), str(tmp_path / "feeds.toml"))[0].parameters
