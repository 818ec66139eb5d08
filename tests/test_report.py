"""`newsmon report`: the analyst's report on the designed disputes (tests/fixtures/claims) and on the seeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES

from flows.cli import main
from flows.report import build_report, render_markdown
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
    assert report["stories"] == [report["stories"][0]] and report["stories"][0]["members"] == 2


def test_what_each_source_says_last_per_key(designed):
    figures = {f["key"]: f for f in report_of(designed)["figures"]}
    troops = figures["north_korea/troops/russia/total"]
    assert troops["disputed"] and troops["sources"] == 4
    assert [(s["source"], s["claim_date"]) for s in troops["latest"]] == [
        ("ukraine", "2024-11-02"), ("united_states", "2024-11-04"), ("russia", "2024-11-06"), ("south_korea", "2024-11-17")
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
    assert {f["key"] for f in troops["figures"]} == {"north_korea/troops/russia/total", "north_korea/troops/kursk/total"}
    assert [d["key"] for d in troops["disputes"]] == ["north_korea/troops/kursk/total", "north_korea/troops/russia/total"]
    assert report_of(designed, key="*/killed/*")["overview"]["claims"] == 2
    assert report_of(designed, since=dt.date(2030, 1, 1))["overview"]["articles"] == 0


def test_the_limit_keeps_the_first_and_counts_the_rest(designed):
    report = report_of(designed, limit=1)
    assert len(report["disputes"]) == 1 and report["more_disputes"] == 3
    assert len(report["figures"]) == 1 and report["more_figures"] == 6
    assert "… and 3 more disputes" in render_markdown({**report, "database": designed, "generated": "now"})


def test_seeds_report_no_dispute_and_the_agreed_figures(seeded):
    report = report_of(seeded)
    assert report["disputes"] == [] and report["overview"]["disputes"] == 0
    agreed = {(g["key"].split("/")[1], frozenset(article(c) for c in g["claims"])) for g in report["agreements"]}
    # 003 and 004 both say 500 officers and three generals; "mindestens 11.000" and "etwa 12.000" agree
    assert agreed == {("officers", frozenset({"003", "004"})), ("generals", frozenset({"003", "004"})),
                      ("troops", frozenset({"003", "004"}))}
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


def test_cli_report_markdown_json_and_out(designed, tmp_path, capsys):
    before = hashlib.sha256(Path(designed).read_bytes()).hexdigest()
    assert main(["report", "--db", designed]) == 0
    assert capsys.readouterr().out.startswith("# News report: everything stored")
    assert main(["report", "--db", designed, "--format", "json", "--since", "2024-11-09", "--key", "north_korea"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["database", "generated", "scope", "overview", "disputes", "more_disputes", "dismissed_disputes",
                          "agreements", "more_agreements", "figures", "more_figures", "revisions", "stories",
                          "more_stories", "coverage", "articles"]
    assert data["scope"]["key"] == "north_korea" and data["overview"]["articles"] == 6
    out = tmp_path / "briefing.md"
    assert main(["report", "--db", designed, "--out", str(out), "--limit", "2"]) == 0
    assert "written to" in capsys.readouterr().out and out.read_text("utf-8").count("\n### ") >= 2
    assert hashlib.sha256(Path(designed).read_bytes()).hexdigest() == before  # the report changes nothing


def test_cli_report_mistakes_exit_2(designed, tmp_path, capsys):
    assert main(["report", "--db", designed, "--out", designed]) == 2
    assert "is the database file itself" in capsys.readouterr().err
    assert main(["report", "--db", designed, "--out", str(tmp_path / "no" / "such" / "r.md")]) == 2
    assert "no folder" in capsys.readouterr().err
    assert main(["report", "--db", designed, "--since", "2024-12-01", "--until", "2024-11-01"]) == 2
    assert "is after --until" in capsys.readouterr().err
    assert main(["report", "--db", str(tmp_path / "missing.duckdb")]) == 2
    assert "no database at" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--db", designed, "--limit", "0"])
