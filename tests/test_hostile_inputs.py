"""Inputs that must never block good ones or vanish without a trace: real files, links, FIFOs and a
real feed on 127.0.0.1, through the real flows and a real DuckDB file."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import pytest
from conftest import FIXTURES, SAMPLES, query
from feedserver import FeedServer, rss

from flows.backfill import backfill
from flows.feeds import poll_feeds
from flows.inputs import discover, source_name

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]


def good_files(folder: Path, count: int) -> None:
    """`count` distinct article files (a sample with a numbered first line, so no two are equal)."""
    body = (SAMPLES / "en" / "harbor-post-troops.txt").read_text("utf-8")
    for i in range(count):
        (folder / f"good-{i:03}.txt").write_text(f"Harbor report number {i}\n" + body, "utf-8")


def test_a_name_that_is_not_utf8_is_stored_escaped_and_blocks_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good_files(folder, 20)
    bad = os.path.join(os.fsencode(folder), b"caf\xe9-\xff.txt")  # Latin-1 bytes in a name: not UTF-8
    with open(bad, "wb") as f:
        f.write((FIXTURES / "claims" / "a01-nordkurier-de.txt").read_bytes())
    db = str(tmp_path / "names.duckdb")
    summary = backfill([str(folder)], db=db, batch_size=8)
    assert summary.counts.stored + summary.counts.duplicates == 21
    ((source,),) = query(db, "SELECT source FROM articles WHERE source LIKE 'file:%'")
    assert source.startswith("file:///") and source.endswith("caf%E9-%FF.txt")
    assert unquote_to_bytes(urlsplit(source).path) == os.fsencode(Path(os.fsdecode(bad)).resolve())  # lossless
    assert query(db, "SELECT status FROM ingest_runs") == [("completed",)]
    again = backfill([str(folder)], db=db)  # the escaped name is found again: nothing read twice
    assert again.counts.unchanged == 21 and again.counts.stored == 0


def test_a_path_given_with_bad_bytes_is_recorded_too(tmp_path):
    missing = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"gone-\xfe"))
    assert source_name(missing).endswith("gone-%FE")
    folder = tmp_path / "in"
    folder.mkdir()
    good_files(folder, 1)
    db = str(tmp_path / "given.duckdb")
    backfill([str(folder), source_name(missing)], db=db)  # as the command passes it: JSON cannot carry the bytes
    assert query(db, "SELECT reason FROM skipped_inputs WHERE source LIKE '%gone-%FE'") == [("path does not exist",)]


def test_links_fifos_and_hidden_folders_each_leave_a_reason(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".cache").mkdir()
    good_files(folder / "sub", 2)
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "to-folder").symlink_to(folder / "sub")
    (folder / "to-file.txt").symlink_to(folder / "sub" / "good-000.txt")  # a link to a file is read
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    db = str(tmp_path / "links.duckdb")
    summary = backfill([str(folder), str(folder / "pipe.txt")], db=db)
    reasons = dict(query(db, "SELECT regexp_extract(source, '[^/]+$'), reason FROM skipped_inputs"))
    assert reasons == {
        "loop-a.txt": "symbolic link loop",
        "loop-b.txt": "symbolic link loop",
        "dangling.txt": f"broken symbolic link (to {folder / 'nowhere.txt'}, which does not exist)",
        "to-folder": "symbolic link to a folder, not followed (give the folder itself to read it)",
        "pipe.txt": "not a regular file (a FIFO)",
        ".cache": "hidden folder, not entered",
    }
    assert summary.counts.stored + summary.counts.duplicates == 2  # to-file.txt is good-000.txt, read once


def test_an_unreadable_folder_is_recorded(tmp_path):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    good_files(folder / "locked", 1)
    good_files(folder, 1)
    (folder / "locked").chmod(0)
    try:
        if os.access(folder / "locked", os.R_OK):
            pytest.skip("this user reads folders whatever their mode (root): no unreadable folder to make")
        found = discover([str(folder)])
        assert [s.reason for s in found.skipped] == ["cannot read folder: Permission denied"]
        assert found.skipped[0].source == str(folder / "locked") and len(found.files) == 1
    finally:
        (folder / "locked").chmod(0o755)


def test_a_dead_run_is_marked_crashed_by_the_next_run(tmp_path):
    import socket

    from flows.runs import begin_run
    from storage import write_connection

    db = str(tmp_path / "runs.duckdb")
    folder = tmp_path / "in"
    folder.mkdir()
    good_files(folder, 1)
    backfill([str(folder)], db=db)
    with write_connection(db) as con:  # a run of this machine whose process is gone (kill -9), one of another
        con.execute("INSERT INTO ingest_runs (id, flow, started_at, status, pid, host) VALUES"
                    " ('dead', 'backfill', now(), 'running', 2147483646, ?),"
                    " ('elsewhere', 'backfill', now(), 'running', 1, 'another-host')", [socket.gethostname()])
    assert begin_run(db, "next", "backfill", [], None) == ["dead"]
    rows = dict(query(db, "SELECT id, status FROM ingest_runs"))
    assert rows["dead"] == "crashed" and rows["elsewhere"] == "running" and rows["next"] == "running"


def test_a_run_interrupted_midway_is_marked_failed_and_a_rerun_loses_nothing(tmp_path, shared):
    """Ctrl-C (a real KeyboardInterrupt in the flow's thread) after the first batch was stored: the run
    ends `failed` with the reason, and the next run stores the rest, each file once."""
    import _thread
    import subprocess
    import sys
    import textwrap
    import threading

    folder = tmp_path / "in"
    folder.mkdir()
    for page in sorted((shared / "eval" / "html").glob("*.html")):
        (folder / page.name).write_bytes(page.read_bytes())
    db = str(tmp_path / "interrupted.duckdb")

    # Watched from another process: a second connection of this one would clash with the flow's.
    watch = textwrap.dedent(f"""
        import time, duckdb
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with duckdb.connect({db!r}, read_only=True) as con:
                    if con.execute("SELECT count(*) FROM articles").fetchone()[0]:
                        break
            except duckdb.Error:  # no file yet, or the writer holds it for a moment
                pass
            time.sleep(0.01)
    """)

    def interrupt_after_the_first_batch():
        subprocess.run([sys.executable, "-c", watch], check=True, timeout=150)
        _thread.interrupt_main()

    watcher = threading.Thread(target=interrupt_after_the_first_batch, daemon=True)
    watcher.start()
    # Python raises the interrupt as KeyboardInterrupt; inside a DuckDB query DuckDB turns it into its
    # "Query interrupted"
    with pytest.raises((KeyboardInterrupt, RuntimeError)):
        backfill([str(folder)], db=db, batch_size=5)
    watcher.join()
    ((status, error),) = query(db, "SELECT status, error FROM ingest_runs")
    assert status == "failed" and error.split(":")[0] in ("KeyboardInterrupt", "RuntimeError"), error
    stored_before = query(db, "SELECT count(*) FROM articles")[0][0]
    files = len(list(folder.iterdir()))
    assert 0 < stored_before < files
    again = backfill([str(folder)], db=db)
    assert query(db, "SELECT status FROM ingest_runs ORDER BY started_at") == [("failed",), ("completed",)]
    assert again.counts.unchanged == stored_before  # what the first run stored is not read again
    total = query(db, "SELECT count(*), count(DISTINCT source) FROM articles")[0]
    skipped = query(db, "SELECT count(DISTINCT source) FROM skipped_inputs")[0][0]
    assert total[0] == total[1] and total[0] + skipped == files  # every file stored once, or recorded


def test_feed_entries_without_a_fetchable_link_are_recorded(tmp_path, shared):
    pages = sorted((shared / "eval" / "html").glob("*.html"))
    with FeedServer(pages[0].parent) as server:
        items = [
            {"title": "Good", "link": f"{server.url}/page/{pages[0].name}"},
            {"title": "Script", "link": "javascript:alert(1)", "guid": "g1"},
            {"title": "Inline", "link": "data:text/html,<p>hi</p>", "guid": "g2"},
            {"title": "Local", "link": "file:///etc/passwd", "guid": "g3"},
            {"title": "Old", "link": "ftp://example.com/story.txt", "guid": "g4"},
            {"title": "Nothing", "link": "", "guid": "g5"},
        ]
        server.feed("/rss.xml", rss(items))
        db = str(tmp_path / "entries.duckdb")
        summary = poll_feeds(feed_urls=[f"{server.url}/rss.xml"], db=db, respect_schedule=False, trust_feed_urls=True)
    assert summary.counts.stored == 1 and not summary.failed
    rows = query(db, "SELECT source, reason FROM skipped_inputs ORDER BY source")
    reasons = {source.split("entry ")[1].rstrip(")"): reason for source, reason in rows}
    assert reasons == {
        "'Script'": "feed entry link is not http(s) (javascript): javascript:alert(1)",
        "'Inline'": "feed entry link is not http(s) (data): data:text/html,<p>hi</p>",
        "'Local'": "feed entry link is not http(s) (file): file://etc/passwd",  # as feedparser gives it
        "'Old'": "feed entry link is not http(s) (ftp): ftp://example.com/story.txt",
        "'Nothing'": "feed entry has no link",
    }
    assert all(source.startswith(f"{server.url}/rss.xml (entry ") for source, _ in rows)
