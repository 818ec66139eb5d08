"""The `newsmon` command as a user runs it."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLES

from flows.cli import main

NEWSMON = str(Path(sys.executable).parent / "newsmon")


def run(*args, env=None):
    return subprocess.run([NEWSMON, *args], capture_output=True, text=True, env=env)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_backfill_prints_summary_and_rerun_says_nothing_new(seeds, tmp_path, capsys, monkeypatch):
    db = tmp_path / "cli.duckdb"
    monkeypatch.setenv("NEWSMON_DB", str(db))  # --db defaults to $NEWSMON_DB
    assert main(["backfill", str(seeds)]) == 0
    first = capsys.readouterr().out
    assert "new articles      5" in first and "languages         de 5" in first and "sql" in first
    assert main(["backfill", str(seeds)]) == 0
    assert "Nothing new: all 5 articles were already stored." in capsys.readouterr().out
    assert db.exists()

    out = run("sql", "select language, count(*) as n from articles group by 1", "--format", "json", env={"NEWSMON_DB": str(db), "PATH": ""})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"language": "de", "n": 5}]
    out = run("sql", "select id, published from articles order by id", "--db", str(db), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["id", "published"] and rows[1] == ["1", "2024-10-15"] and len(rows) == 6
    out = run("sql", "select count(*) as articles from articles", "--db", str(db))
    assert "articles" in out.stdout and "5" in out.stdout


def test_sql_is_read_only(tmp_path):
    from storage import write_connection

    db = tmp_path / "ro.duckdb"
    with write_connection(db):
        pass
    out = run("sql", "delete from articles", "--db", str(db))
    assert out.returncode != 0 and "read-only" in out.stderr.lower()


def test_sql_on_a_missing_file_explains(tmp_path):
    out = run("sql", "select 1", "--db", str(tmp_path / "none.duckdb"))
    assert out.returncode == 2 and "no database at" in out.stderr and "newsmon backfill" in out.stderr


def test_clean_json_has_exactly_the_documented_keys():
    out = run("clean", str(SAMPLES / "de" / "tagesblick-kursk.txt"), "--json")
    data = json.loads(out.stdout)
    assert list(data) == ["title", "published", "language", "author", "outlet", "text"]
    assert data["published"] == "2024-11-07" and data["language"] == "de" and data["author"] == "Marta Keller"
    assert "20.000 Mann" not in data["text"]  # a reader's comment is not the article


def test_clean_explain_lists_each_line_with_its_rule():
    out = run("clean", str(SAMPLES / "en" / "harbor-post-troops.txt"), "--explain")
    lines = out.stdout.splitlines()
    assert any("KEEP" in ln and "WASHINGTON" in ln for ln in lines)
    assert any("drop" in ln and "end marker" in ln and "Comments" in ln for ln in lines)


def test_figures_json_has_exactly_the_documented_keys():
    out = run("figures", str(SAMPLES / "en" / "harbor-post-troops.txt"), "--json")
    figures = json.loads(out.stdout)
    keys = ["value", "low", "high", "vague", "qualifier", "text", "start", "end", "sentence", "noun", "measure",
            "unit", "rate", "part_of", "attribution", "date_hint"]
    assert figures and all(list(f) == keys for f in figures)
    assert any(f["high"] == 10000 and f["low"] is None and f["measure"] == "troops" for f in figures)


def test_figures_table_and_errors():
    out = run("figures", str(SAMPLES / "de" / "tagesblick-kursk.txt"))
    assert out.returncode == 0 and "figures" in out.stdout.splitlines()[-1]
    out = run("figures", str(SAMPLES / "exports" / "feed-export.json"))
    assert out.returncode == 2 and "unsupported file type" in out.stderr


def test_alerts_json_shape_and_since(tmp_path):
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a01-nordkurier-de.txt", "a03-bergpost-de.txt"):
        shutil.copy(FIXTURES / "claims" / name, folder / name)
    db = str(tmp_path / "alerts.duckdb")
    out = run("backfill", str(folder), "--db", db)  # with its own temporary Prefect server
    assert out.returncode == 0, out.stderr
    assert "telemetry" not in out.stderr.lower()  # newsmon's Prefect defaults keep it offline and quiet
    alerts = json.loads(run("alerts", "--db", db, "--json").stdout)
    side = ["value", "low", "high", "text", "sentence", "source", "published", "article"]
    assert [list(a) for a in alerts] == [["id", "kind", "severity", "explanation", "key", "new", "previous", "dispute", "state", "sources"]]
    assert [s["article"][-7:] for s in alerts[0]["sources"]] == ["-de.txt", "-de.txt"] and alerts[0]["dispute"] == 1
    assert list(alerts[0]["new"]) == side and list(alerts[0]["previous"]) == side
    assert alerts[0]["new"]["article"].endswith("a03-bergpost-de.txt") and alerts[0]["previous"]["published"] == "2024-11-02"
    assert json.loads(run("alerts", "--db", db, "--json", "--since", "2999-01-01").stdout) == []
    assert "1 alerts" in run("alerts", "--db", db).stdout


def test_clean_refuses_unsupported_files():
    out = run("clean", str(SAMPLES / "exports" / "feed-export.json"))
    assert out.returncode == 2 and "unsupported file type" in out.stderr
