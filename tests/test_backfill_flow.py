"""The real `backfill` flow, run through Prefect, into real DuckDB files."""

import codecs
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, query, seed_line

from flows.backfill import backfill

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]


def test_seeds_twice_store_five_then_nothing(seeds, tmp_path):
    db = str(tmp_path / "seeds.duckdb")
    first = backfill([str(seeds)], db=db, batch_size=2)  # three batches, three transactions
    second = backfill([str(seeds)], db=db)
    assert (first.counts.stored, first.counts.duplicates, first.files_seen) == (5, 0, 5)
    assert (second.counts.stored, second.counts.duplicates, second.counts.unchanged) == (0, 0, 5)
    assert query(db, "SELECT language, count(*) FROM articles GROUP BY 1") == [("de", 5)]
    runs = query(db, "SELECT id, flow, status, articles_stored, unchanged, finished_at IS NOT NULL FROM ingest_runs ORDER BY started_at")
    assert [r[1:] for r in runs] == [("backfill", "completed", 5, 0, True), ("backfill", "completed", 0, 5, True)]
    assert runs[0][0] == first.run_id != second.run_id


def test_figures_are_stored_once_and_agree_with_the_extractor(seeds, tmp_path):
    from extractors import extract_figures

    db = str(tmp_path / "figures.duckdb")
    backfill([str(seeds)], db=db)
    backfill([str(seeds)], db=db)  # a re-run adds nothing
    articles = query(db, "SELECT id, text, language, published, published_precision FROM articles ORDER BY id")
    stored = query(db, "SELECT article_id, value, low, high, measure, text, start_offset FROM figures ORDER BY 1, position")
    expected = [
        (article_id, f.value, f.low, f.high, f.measure, f.text, f.start)
        for article_id, text, lang, published, precision in articles
        for f in extract_figures(text, lang, published, precision=precision or "day")
    ]
    assert stored == expected and len(stored) >= 20
    assert (11000.0, None, "troops") in [(v, hi, m) for _, v, _, hi, m, _, _ in stored]  # "mindestens 11.000 Truppen"


def test_seed_furniture_never_reaches_the_database(seeds, tmp_path):
    db = str(tmp_path / "furniture.duckdb")
    backfill([str(seeds)], db=db)
    stored = {src.rsplit("/", 1)[1][:3]: text for src, text in query(db, "SELECT source, text FROM articles")}
    ad_blocker_and_paywall = [1, 3, 5, 7, 8, 9, 10, 11, 13]
    donation = range(65, 73)
    comments = range(76, 102)
    for name, numbers in (("004", ad_blocker_and_paywall), ("000", [*donation, *comments])):
        for n in numbers:
            line = seed_line(seeds, name, n)
            if len(line) > 12:  # "Melden", "451": too short to tell apart from body words
                assert line not in stored[name], f"seed {name} line {n} was stored"
    assert seed_line(seeds, "000", 18) in stored["000"]  # and the body is there


def test_samples_store_languages_duplicates_and_skips(tmp_path):
    db = str(tmp_path / "samples.duckdb")
    summary = backfill([str(SAMPLES)], db=db)
    assert summary.counts.stored == 8
    assert summary.counts.duplicates == 1  # the same wire story from two outlets
    assert summary.languages == {"de": 5, "en": 4}
    # Moscow's "höchstens 1.500" against Seoul's "at least 8,000" in Kursk: the demo shows a dispute
    assert [a["key"] for a in summary.alerts] == ["north_korea/troops/kursk/total"]
    dup = query(db, "SELECT a.source, b.source, a.encoding FROM articles a JOIN articles b ON a.duplicate_of = b.id")
    assert len(dup) == 1 and "wire-" in dup[0][0] and "wire-" in dup[0][1]
    assert {dup[0][2], *[e for (e,) in query(db, "SELECT encoding FROM articles")]} >= {"cp1252", "utf-8"}
    skipped = query(db, "SELECT source, reason FROM skipped_inputs WHERE run_id = ?", [summary.run_id])
    assert len(skipped) == 1 and skipped[0][0].endswith("feed-export.json") and "unsupported" in skipped[0][1]
    html = query(db, "SELECT title, outlet, author, published, format FROM articles WHERE source LIKE '%capital-ledger%'")
    assert html[0][1:] == ("The Capital Ledger", "Helen Park", __import__("datetime").date(2024, 10, 21), "html")


def test_bad_inputs_are_recorded_with_reasons_and_the_rest_goes_on(tmp_path):
    folder = tmp_path / "in"
    (folder / "nested" / ".git").mkdir(parents=True)
    shutil.copy(SAMPLES / "en" / "harbor-post-troops.txt", folder / "nested" / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00")
    (folder / "bom.md").write_bytes(codecs.BOM_UTF8 + (SAMPLES / "en" / "eastern-wire-analysis.md").read_bytes())
    (folder / "furniture.html").write_text("<html><body><nav>Home | News</nav></body></html>")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "nested" / ".git" / "config").write_text("[core]")
    db = str(tmp_path / "bad.duckdb")
    summary = backfill([str(folder), str(tmp_path / "missing")], db=db)
    reasons = dict(query(db, "SELECT regexp_extract(source, '[^/]+$'), reason FROM skipped_inputs"))
    assert reasons == {
        "empty.txt": "empty file",
        "binary.txt": "binary file (contains NUL bytes)",
        "furniture.html": "no article text found after removing boilerplate",
        "scan.pdf": "unsupported file type '.pdf' (reads .txt, .md, .markdown, .html, .htm)",
        "missing": "path does not exist",
        ".git": "hidden folder, not entered",
    }
    assert summary.counts.stored == 2 and summary.counts.skipped == 6
    assert query(db, "SELECT encoding FROM articles WHERE source LIKE '%bom.md'") == [("utf-8-sig",)]


def test_database_is_readable_by_a_second_process_after_the_run(seeds, tmp_path):
    """Write connections are closed when the flow ends: another process can open the file at once."""
    import subprocess
    import sys

    db = str(tmp_path / "closed.duckdb")
    backfill([str(seeds)], db=db)
    code = "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from articles').fetchall()[0][0])"
    out = subprocess.run([sys.executable, "-c", code, db], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "5"


def test_every_example_query_in_the_schema_docs_runs(tmp_path):
    from conftest import PROJECT

    db = str(tmp_path / "docs.duckdb")
    backfill([str(SAMPLES)], db=db)
    doc = (PROJECT / "docs" / "schema.md").read_text("utf-8")
    blocks = [b.split("```", 1)[0] for b in doc.split("```sql")[1:]]
    statements = [s.strip() for block in blocks for s in block.split(";") if s.strip()]
    assert len(statements) >= 5
    for sql in statements:
        query(db, sql)  # raises on any error


def test_a_killed_run_leaves_whole_batches_and_a_rerun_completes(tmp_path):
    """kill -9 in the middle of a backfill: every stored batch is complete, and the next run finishes the job."""
    import os
    import signal
    import subprocess
    import sys

    import psutil
    from prefect.settings import PREFECT_API_URL

    folder = tmp_path / "many"
    folder.mkdir()
    base = (SAMPLES / "en" / "harbor-post-troops.txt").read_text("utf-8")
    for i in range(400):  # distinct bodies, so every file is a new article
        (folder / f"a{i:03d}.txt").write_text(base.replace("10,000 North Korean", f"{i} North Korean"), "utf-8")
    db = tmp_path / "killed.duckdb"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_LOGGING_LEVEL": "INFO"}
    newsmon = str(Path(sys.executable).parent / "newsmon")
    proc = subprocess.Popen(
        [newsmon, "backfill", str(folder), "--db", str(db), "--batch-size", "40", "-v"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    for line in proc.stdout:  # wait until at least one batch has been committed
        if "store-batch" in line and "Completed" in line:
            break
    workers = psutil.Process(proc.pid).children()  # the processes reading batches
    assert workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive  # orphaned workers notice and exit
    stored = query(str(db), "SELECT count(*) FROM articles")[0][0]
    assert 40 <= stored < 400 and stored % 40 == 0, stored
    assert query(str(db), "SELECT status, finished_at FROM ingest_runs") == [("running", None)]
    summary = backfill([str(folder)], db=str(db), batch_size=40)
    assert (summary.counts.unchanged, summary.counts.stored) == (stored, 400 - stored)
    assert query(str(db), "SELECT count(DISTINCT source), count(*) FROM articles") == [(400, 400)]


def test_backfill_workers_report_progress_per_article(seeds):
    from flows.backfill import _read_ahead

    files = sorted(str(p) for p in seeds.glob("*.txt"))
    assert len(files) >= 4
    batches = [files[:2], files[2:]]  # two batches: read by worker processes
    counts: list[int] = []
    read = [paths for paths, _ in _read_ahead(batches, {}, counts.append)]
    assert read == batches
    assert counts == [1] * len(files)  # one report per file, not one per batch
