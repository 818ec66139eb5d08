"""The report over a large database: `make bench-report` (default 100,000 articles, 3 claims each).

Builds a DuckDB file with synthetic articles (fixed seed): 1 in 20 a near-duplicate copy of the one
before (a story of two), 3 claims each on 60 subject/measure/place keys said by 12 actors over a year,
values scattered around each key's level so that most agree and a few conflict. Claims are compared by
the pipeline's own code (storage.claims), so disputes and alerts are real. Runs, skipped inputs and a
failing feed fill the health section. Then times `newsmon report` as a user runs it: a new process
(Python and imports included), gathering, charts and HTML, and prints the file's size.

Usage: python bench/report.py [ARTICLES]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractors.compare import CONTRADICTION, judge_pairs
from extractors.concepts import load_concepts
from storage import write_connection
from storage.claims import mark_compared, pending_pairs, store_verdicts

ARTICLES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
CLAIMS_PER_ARTICLE = 3
# Claims of the last articles, compared as one batch would be: these raise the disputes.
NEW = 10_000
NEWSMON = Path(sys.executable).with_name("newsmon")


def build(con) -> None:
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""INSERT INTO articles (id, source, format, raw_hash, raw_size, content_hash, title, published, outlet, language,
                                  text, ingested_at, run_id)
        SELECT i, 'https://news.example/' || (i % 40) || '/article-' || i, 'html', 'r' || i, 4000, 'h' || i,
               'Synthetic article ' || i, DATE '2024-01-01' + (i % 365)::INTEGER, 'Outlet ' || (i % 40),
               ['de', 'en'][1 + i % 2], 'body', now(), 'bench-' || (i % 10)
        FROM range(1, {ARTICLES + 1}) t(i)"""
    )
    con.execute(
        f"""INSERT INTO stories SELECT i, CASE WHEN i % 20 = 0 THEN i - 1 ELSE i END, CASE WHEN i % 20 = 0 THEN 0.8 END
        FROM range(1, {ARTICLES + 1}) t(i)"""
    )
    total = ARTICLES * CLAIMS_PER_ARTICLE
    con.execute(
        f"""CREATE TEMP TABLE synthetic AS
        SELECT i, 1 + (i - 1) // {CLAIMS_PER_ARTICLE} AS article, (i - 1) % {CLAIMS_PER_ARTICLE}, subject, measure, scope, 'total',
               subject || '/' || measure || '/' || coalesce(scope, '-') || '/total', v, v * 0.95, v * 1.05, false,
               v::VARCHAR || ' ' || measure, 'A sentence that says ' || v::VARCHAR || ' ' || measure || '.', actor,
               'according to ' || actor, DATE '2024-01-01' + ((1 + (i - 1) // {CLAIMS_PER_ARTICLE}) % 365)::INTEGER,
               false, 'count', NULL
        FROM (
            SELECT i, k,
                   ['north_korea', 'russia', 'ukraine', 'sudan', 'israel'][1 + k % 5] AS subject,
                   ['troops', 'killed', 'wounded', 'displaced'][1 + (k // 5) % 4] AS measure,
                   [NULL, 'kursk', 'gaza'][1 + (k // 20) % 3] AS scope,
                   ['ukraine', 'russia', 'united_states', 'south_korea', 'who', 'united_nations', 'sudan', 'israel',
                    'hamas', 'united_kingdom', 'unhcr', 'ocha'][1 + i % 12] AS actor,
                   round((1 + k) * 500 * (CASE WHEN random() < 0.002 THEN 0.2 ELSE 0.97 + random() * 0.06 END)) AS v
            FROM (SELECT i, i % 60 AS k FROM range(1, {total + 1}) t(i))
        ) ORDER BY i"""
    )
    con.execute(f"INSERT INTO claims SELECT * FROM synthetic WHERE i <= {total - NEW}")
    mark_compared(con)
    con.execute(f"INSERT INTO claims SELECT * FROM synthetic WHERE i > {total - NEW}")
    store_verdicts(con, judge_pairs(pending_pairs(con), load_concepts(), {CONTRADICTION}), "bench-9")
    mark_compared(con)
    con.execute(
        """INSERT INTO ingest_runs (id, flow, inputs, started_at, finished_at, status, files_seen, articles_stored,
                                    duplicates, unchanged, skipped, error)
        SELECT 'bench-' || i, 'poll_feeds', [], now() - INTERVAL (10 - i) HOUR, now() - INTERVAL (10 - i) HOUR + INTERVAL 40 SECOND,
               CASE WHEN i = 3 THEN 'failed' ELSE 'completed' END, 10000, 9500, 500, 0, 3,
               CASE WHEN i = 3 THEN 'database locked for 60 s' END
        FROM range(10) t(i)"""
    )
    con.execute(
        """INSERT INTO skipped_inputs SELECT 'https://news.example/skip-' || i, ['page could not be fetched', 'empty file'][1 + i % 2],
                  'bench-' || (i % 10), now() FROM range(30) t(i)"""
    )
    con.execute(
        """INSERT INTO feed_status (url, name, last_polled_at, last_error, consecutive_failures, next_poll_at)
           VALUES ('https://feeds.example/broken.xml', 'Broken feed', now(), 'HTTP 503', 4, now() + INTERVAL 8 HOUR)"""
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        with write_connection(db) as con:
            con.execute("SET memory_limit = '2GB'")  # building is not what is measured; a writer's 128 MB is for batches
            build(con)
            claims, disputes, alerts = con.execute(
                "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM disputes), (SELECT count(*) FROM alerts)"
            ).fetchall()[0]
        built = time.perf_counter() - started
        out = Path(tmp) / "report.html"
        started = time.perf_counter()
        done = subprocess.run([str(NEWSMON), "report", "--db", str(db), "--out", str(out)], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"newsmon report failed: {done.stderr[-2000:]}")
        size = out.stat().st_size
        html = out.read_text("utf-8")
        charts, marks = html.count("<svg"), html.count('aria-roledescription="claim"')
    print(f"report over {ARTICLES:,} articles, {claims:,} claims, {disputes:,} disputes, {alerts:,} alerts (built in {built:.1f} s)")
    print(f"  newsmon report (new process)  {seconds:6.2f} s")
    print(f"  report.html                   {size / 1e6:6.2f} MB  ({charts} charts, {marks:,} claim marks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
