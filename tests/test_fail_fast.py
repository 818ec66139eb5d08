"""What a user gets wrong stops `newsmon` at once, before Prefect starts: one line naming the file or
variable, exit 2 (bad input) or 3 (locked), no traceback. Plus the exit codes and output of the
commands around it: poll's partial failure (4), --trusted, piped output, folders, `| head`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT, SAMPLES
from feedserver import FeedServer, rss

from flows.cli import main
from flows.settings import VARIABLES, load_settings
from storage import read_connection, write_connection

NEWSMON = str(Path(sys.executable).parent / "newsmon")
FAIL_FAST_SECONDS = 2.0  # the requirement: a mistake is reported well before Prefect would have started


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """The real executable, with `env` added to (not replacing) ours; (result, seconds it took)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")} | (env or {})
    started = time.monotonic()
    out = subprocess.run([NEWSMON, *args], capture_output=True, text=True, env=full, cwd=cwd, timeout=60)
    return out, time.monotonic() - started


def assert_fails_fast(out: subprocess.CompletedProcess, seconds: float, code: int, *names: str) -> None:
    assert out.returncode == code, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsmon: "), out.stderr
    for name in names:
        assert name in lines[0]
    assert seconds < FAIL_FAST_SECONDS, f"took {seconds:.2f} s"


# --- the feeds file -----------------------------------------------------------------------------------

BAD_FEEDS = {
    "unknown key": ('[[feed]]\nurl = "https://example.com/rss"\nintervall = 5\n', "unknown keys"),
    "bad url": ('[[feed]]\nurl = "ftp://example.com/rss"\n', "'url' must be an http(s) URL"),
    "bad fetch": ('[[feed]]\nurl = "https://example.com/rss"\nfetch = "everything"\n', "'fetch'"),
    "toml syntax": ('[[feed]\nurl = "https://example.com/rss"\n', "line 1"),
}


@pytest.mark.parametrize("command", ["poll", "serve"])
@pytest.mark.parametrize("case", sorted(BAD_FEEDS))
def test_a_bad_feeds_file_stops_poll_and_serve_before_prefect(tmp_path, command, case):
    text, says = BAD_FEEDS[case]
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(text, "utf-8")
    out, seconds = run(command, "--feeds", str(feeds), "--db", str(tmp_path / "x.duckdb"))
    assert_fails_fast(out, seconds, 2, str(feeds), says)
    assert not (tmp_path / "x.duckdb").exists()


def test_a_missing_feeds_file_stops_poll_and_says_how_to_start_one(tmp_path):
    """(serve only warns: each scheduled poll reads the file anew, so it may be written later.)"""
    out, seconds = run("poll", "--db", str(tmp_path / "x.duckdb"), cwd=tmp_path)  # no ./feeds.toml here
    assert_fails_fast(out, seconds, 2, "feeds.toml", "feeds.example.toml")
    out, seconds = run("poll", "--db", str(tmp_path / "x.duckdb"), env={"NEWSMON_FEEDS": str(tmp_path / "mine.toml")})
    assert_fails_fast(out, seconds, 2, str(tmp_path / "mine.toml"))


@pytest.mark.parametrize("command", ["poll", "serve"])
def test_a_feeds_file_that_is_a_folder_is_named(tmp_path, command):
    out, seconds = run(command, "--feeds", str(tmp_path), "--db", str(tmp_path / "x.duckdb"))
    assert_fails_fast(out, seconds, 2, str(tmp_path), "is a folder")


def test_poll_refuses_a_feed_url_that_is_not_http_and_trusted_without_feed(tmp_path):
    out, seconds = run("poll", "--feed", "file:///etc/passwd", "--db", str(tmp_path / "x.duckdb"))
    assert_fails_fast(out, seconds, 2, "--feed file:///etc/passwd")
    out, seconds = run("poll", "--trusted", "--db", str(tmp_path / "x.duckdb"))
    assert_fails_fast(out, seconds, 2, "--trusted", "trusted = true")


# --- paths --------------------------------------------------------------------------------------------

def test_a_backfill_of_paths_that_do_not_exist_stops_before_prefect(tmp_path):
    db = tmp_path / "x.duckdb"
    out, seconds = run("backfill", str(tmp_path / "nope"), "--db", str(db))
    assert_fails_fast(out, seconds, 2, str(tmp_path / "nope"), "no such file or folder")
    out, seconds = run("backfill", str(tmp_path / "a"), str(tmp_path / "b.txt"), "--db", str(db))
    assert_fails_fast(out, seconds, 2, str(tmp_path / "a"), str(tmp_path / "b.txt"))
    assert not db.exists()


def test_a_database_that_is_a_folder_or_not_duckdb_is_named(tmp_path):
    out, seconds = run("backfill", str(SAMPLES), "--db", str(tmp_path))
    assert_fails_fast(out, seconds, 2, str(tmp_path), "is a folder")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", "utf-8")
    out, seconds = run("backfill", str(SAMPLES), "--db", str(notes))
    assert_fails_fast(out, seconds, 2, str(notes), "not a valid DuckDB database")
    assert notes.read_text("utf-8") == "not a database\n"


def test_batch_size_must_be_positive(tmp_path):
    out, _ = run("backfill", str(SAMPLES), "--batch-size", "0", "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 2 and "--batch-size" in out.stderr and "Traceback" not in out.stderr


# --- the environment ----------------------------------------------------------------------------------

BAD_ENV = [
    ("NEWSMON_LOCK_TIMEOUT", "abc"),
    ("NEWSMON_LOCK_TIMEOUT", "-1"),
    ("NEWSMON_WORKERS", "abc"),
    ("NEWSMON_WORKERS", "0"),
    ("NEWSMON_WORKERS", "1.5"),
    ("NEWSMON_HTTP_TIMEOUT", "abc"),
    ("NEWSMON_HTTP_TIMEOUT", "0"),
    ("NEWSMON_STORY_THRESHOLD", "abc"),
    ("NEWSMON_STORY_THRESHOLD", "1.5"),
    ("NEWSMON_ALERT_REVISIONS", "maybe"),
    ("NEWSMON_WEBHOOKS", "https://hooks.example.com/a, hooks.example.com/b"),
    ("NEWSMON_BOILERPLATE", "/no/such/rules.toml"),
    ("NEWSMON_FIGURES", "/no/such/figures.toml"),
    ("NEWSMON_WATCHLIST", "/no/such/watchlist.toml"),
    ("NEWSMON_CLAIM_WINDOW_DAYS", "a week"),
    ("NEWSMON_CLAIM_WINDOW_DAYS", "-3"),
]


@pytest.mark.parametrize("variable,value", BAD_ENV)
@pytest.mark.parametrize("command", ["backfill", "poll"])
def test_a_bad_environment_value_is_named_before_prefect(tmp_path, variable, value, command):
    args = [str(SAMPLES)] if command == "backfill" else ["--feed", "https://example.com/rss"]
    out, seconds = run(command, *args, "--db", str(tmp_path / "x.duckdb"), env={variable: value})
    assert_fails_fast(out, seconds, 2, variable)
    assert not (tmp_path / "x.duckdb").exists()


def test_a_watchlist_that_is_not_toml_is_named(tmp_path):
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text("[actors.x\n", "utf-8")
    out, seconds = run("clean", str(SAMPLES / "de" / "tagesblick-kursk.txt"), env={"NEWSMON_WATCHLIST": str(watchlist)})
    assert_fails_fast(out, seconds, 2, "NEWSMON_WATCHLIST", str(watchlist))


def test_settings_read_good_values():
    settings = load_settings({
        "NEWSMON_LOCK_TIMEOUT": "0.5", "NEWSMON_WORKERS": " 3 ", "NEWSMON_HTTP_TIMEOUT": "2",
        "NEWSMON_STORY_THRESHOLD": "1", "NEWSMON_ALERT_REVISIONS": "yes",
        "NEWSMON_WEBHOOKS": "https://a.example.com/x, http://127.0.0.1:9/y", "NEWSMON_DB": "news.duckdb",
        "NEWSMON_CLAIM_WINDOW_DAYS": "14",
    })
    assert settings.claim_window_days == 14
    assert (settings.lock_timeout, settings.workers, settings.http_timeout, settings.story_threshold) == (0.5, 3, 2.0, 1.0)
    assert settings.alert_revisions and settings.webhooks == ("https://a.example.com/x", "http://127.0.0.1:9/y")
    unset = load_settings({})
    assert unset.lock_timeout is None and unset.workers is None and not unset.alert_revisions and unset.webhooks == ()


def test_every_newsmon_variable_in_the_code_is_checked_at_start():
    """A variable added to the code without a check in flows/settings.py would fail late again."""
    used = set()
    for folder in ("flows", "storage", "extractors"):
        for file in (PROJECT / folder).rglob("*.py"):
            used |= set(re.findall(r"NEWSMON_[A-Z_]+", file.read_text("utf-8")))
    assert used and used <= set(VARIABLES), sorted(used - set(VARIABLES))
    # that each of them is documented: tests/test_docs_reference.py


# --- a locked database --------------------------------------------------------------------------------

@pytest.fixture
def locked_db(tmp_path):
    """A DuckDB file another process holds open read-write (DuckDB's lock keeps everyone else out)."""
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; con = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield db, holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_a_locked_database_stops_backfill_with_exit_3_before_prefect(locked_db):
    db, pid = locked_db
    out, seconds = run("backfill", str(SAMPLES), "--db", str(db), env={"NEWSMON_LOCK_TIMEOUT": "0.5"})
    assert_fails_fast(out, seconds, 3, str(db), f"PID {pid}", "NEWSMON_LOCK_TIMEOUT")


def test_a_locked_database_stops_poll_with_exit_3_before_prefect(locked_db):
    db, pid = locked_db
    out, seconds = run("poll", "--feed", "https://example.com/rss", "--db", str(db), "--lock-timeout", "0.5")
    assert_fails_fast(out, seconds, 3, str(db), f"PID {pid}")


# --- user errors and bugs -----------------------------------------------------------------------------

def test_verbose_shows_the_traceback_of_a_user_error(tmp_path):
    out, _ = run("backfill", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb"), "-v")
    assert out.returncode == 2 and "Traceback" in out.stderr and "UserError" in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("newsmon: no such file or folder")


def test_only_user_errors_and_a_locked_database_are_reported_without_a_traceback():
    from flows.cli import _exit_code
    from flows.errors import UserError
    from flows.feedlist import FeedsFileError
    from flows.settings import SettingsError
    from storage import DatabaseLocked, NoDatabase

    assert [_exit_code(e) for e in (UserError("x"), FeedsFileError("x"), SettingsError("x"), NoDatabase("x"))] == [2] * 4
    assert _exit_code(DatabaseLocked("x")) == 3
    # a bug is not the user's fault: main re-raises it (traceback, exit 1)
    assert [_exit_code(e) for e in (ValueError("x"), KeyError("x"), TypeError("x"), OSError("x"))] == [None] * 4


def test_sql_errors_stay_the_users_to_fix(tmp_path):
    db = tmp_path / "q.duckdb"
    with write_connection(db):
        pass
    out, _ = run("sql", "select nope from articles", "--db", str(db))
    assert out.returncode == 2 and "nope" in out.stderr and "Traceback" not in out.stderr


# --- output -------------------------------------------------------------------------------------------

def test_sql_output_into_a_pipe_is_not_cut(tmp_path):
    db = tmp_path / "wide.duckdb"
    with write_connection(db):
        pass
    wide = "x" * 150 + "END"
    query = f"select 1 as id, '{wide}' as body, 'second' as other"
    out, _ = run("sql", query, "--db", str(db))  # stdout is a pipe here: csv unless asked otherwise
    assert out.returncode == 0 and out.stdout.splitlines() == ["id,body,other", f"1,{wide},second"]
    out, _ = run("sql", query, "--db", str(db), "--format", "table")
    row = next(line for line in out.stdout.splitlines() if "END" in line)
    assert wide in row and "second" in row


def test_sql_into_head_ends_quietly(tmp_path):
    db = tmp_path / "head.duckdb"
    with write_connection(db):
        pass
    shell = f"'{NEWSMON}' sql 'select * from range(100000)' --format csv --db '{db}' | head -1"
    out = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, timeout=60)
    assert out.stdout == "range\n"
    assert "Broken pipe" not in out.stderr and "BrokenPipeError" not in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("command", ["figures", "clean"])
def test_figures_and_clean_on_a_folder_say_so(command):
    out, seconds = run(command, str(SAMPLES))
    assert_fails_fast(out, seconds, 2, str(SAMPLES), "is a folder", "newsmon backfill")


# --- polling: partial failure and trusted one-off feeds (flows) ----------------------------------------

def _pages(shared: Path) -> list[Path]:
    return sorted((shared / "eval" / "html").glob("*.html"))


def _articles(db: str) -> int:
    with read_connection(db) as con:
        return con.execute("SELECT count(*) FROM articles").fetchall()[0][0]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_poll_exits_4_when_a_feed_failed_after_storing_the_others(tmp_path, shared, capsys):
    pages = _pages(shared)
    with FeedServer(pages[0].parent) as server:
        server.feed("/good.xml", rss([{"title": f"Story {i}", "link": f"{server.url}/page/{p.name}"} for i, p in enumerate(pages[:2])]))
        server.routes["/broken.xml"] = (500, {"Content-Type": "text/plain"}, b"internal error")
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            f'[[feed]]\nurl = "{server.url}/good.xml"\ntrusted = true\n\n[[feed]]\nurl = "{server.url}/broken.xml"\ntrusted = true\n',
            "utf-8",
        )
        db = str(tmp_path / "poll.duckdb")
        assert main(["poll", "--feeds", str(feeds), "--db", db]) == 4
        captured = capsys.readouterr()
        assert f"feed {server.url}/broken.xml: HTTP 500" in captured.out and "1 of 2 feeds failed" in captured.err
        assert _articles(db) == 2

        server.routes["/broken.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss([]))
        assert main(["poll", "--feeds", str(feeds), "--db", db]) == 0


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_trusted_one_off_feed_may_be_on_loopback(tmp_path, shared, capsys):
    pages = _pages(shared)
    with FeedServer(pages[0].parent) as server:
        server.feed("/rss.xml", rss([{"title": "Story", "link": f"{server.url}/page/{pages[0].name}"}]))
        db = str(tmp_path / "trusted.duckdb")
        assert main(["poll", "--feed", f"{server.url}/rss.xml", "--db", db]) == 4  # refused by the address guard
        assert "non-public address" in capsys.readouterr().out and server.hits == {}
        assert main(["poll", "--feed", f"{server.url}/rss.xml", "--trusted", "--db", db]) == 0
        assert _articles(db) == 1 and server.hits[f"/page/{pages[0].name}"] == 1


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_backfill_with_one_missing_path_reads_the_others_and_exits_4(tmp_path, capsys):
    missing = tmp_path / "not-there"
    db = str(tmp_path / "mixed.duckdb")
    assert main(["backfill", str(SAMPLES / "de"), str(missing), "--db", db]) == 4
    captured = capsys.readouterr()
    assert f"no such file or folder: {missing}" in captured.err and "new articles      " in captured.out
    assert _articles(db) > 0
    with read_connection(db) as con:
        assert con.execute("SELECT reason FROM skipped_inputs WHERE source = ?", [str(missing)]).fetchall() == [
            ("path does not exist",)]
