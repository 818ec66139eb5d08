"""Time to compare 10,000 new claims with 1,000,000 stored ones: `make bench-claims`.

Builds a DuckDB file with synthetic articles and claims (fixed seed): 30 subject/measure/rate keys,
values scattered around a per-key level so most pairs corroborate and a few conflict, as in the news.
Then times what the alert task does: find candidate pairs in SQL, judge them, store the alerts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from extractors.compare import CONTRADICTION, judge_pairs
from extractors.concepts import load_concepts
from storage import write_connection
from storage.claims import mark_compared, pending_pairs, store_verdicts

STORED = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
NEW = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
ARTICLES = max(STORED // 10, 1)


def build(con) -> None:
    """Articles, then the stored claims (compared: their voices' heads built by mark_compared), then the new ones."""
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""INSERT INTO articles (id, source, format, raw_hash, raw_size, content_hash, text, ingested_at, run_id, outlet)
        SELECT i, 'synthetic/' || i, 'text', 'r' || i, 0, 'h' || i, '', now(), 'bench', 'outlet ' || (i % 50)
        FROM range(1, {ARTICLES + 2}) t(i)"""
    )
    # Value around the key's level (1,000 .. 30,000), 0.1 % far off: those are the conflicts to find.
    con.execute(
        f"""CREATE TEMP TABLE synthetic AS
        SELECT i, 1 + (i % {ARTICLES}), i // {ARTICLES}, subject, measure, NULL, rate,
               subject || '/' || measure || '/-/' || rate, v, v * 0.9, v * 1.1, false, v::VARCHAR, '', actor, NULL,
               DATE '2024-01-01' + (i % 300)::INTEGER, false, 'count', NULL
        FROM (
            SELECT i, k,
                   ['north_korea', 'russia', 'ukraine'][1 + k % 3] AS subject,
                   ['troops', 'officers', 'generals', 'artillery_shells', 'missiles'][1 + (k // 3) % 5] AS measure,
                   ['total', 'year'][1 + (k // 15) % 2] AS rate,
                   ['ukraine', 'russia', 'united_states', 'south_korea'][1 + i % 4] AS actor,
                   round((1 + k) * 1000 * (CASE WHEN random() < 0.001 THEN 0.2 ELSE 0.97 + random() * 0.06 END)) AS v
            FROM (SELECT i, i % 30 AS k FROM range(1, {STORED + NEW + 1}) t(i))
        ) ORDER BY i"""
    )
    con.execute(f"INSERT INTO claims SELECT * FROM synthetic WHERE i <= {STORED}")
    mark_compared(con)
    con.execute(f"INSERT INTO claims SELECT * FROM synthetic WHERE i > {STORED}")


def main() -> int:
    concepts = load_concepts()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with write_connection(db) as con:
            started = time.perf_counter()
            build(con)
            built = time.perf_counter() - started
            started = time.perf_counter()
            pairs = pending_pairs(con)
            found = time.perf_counter() - started
            started = time.perf_counter()
            alerts = judge_pairs(pairs, concepts, {CONTRADICTION})
            judged = time.perf_counter() - started
            started = time.perf_counter()
            raised = store_verdicts(con, alerts, "bench")
            mark_compared(con)
            stored = time.perf_counter() - started
    print(f"claims: {NEW:,} new against {STORED:,} stored ({ARTICLES:,} articles; built in {built:.1f} s)")
    print(f"  candidate pairs (SQL)   {len(pairs):>9,}  {found:6.2f} s")
    print(f"  verdicts (Python)       {len(alerts):>9,}  {judged:6.2f} s  contradictions")
    print(f"  disputes, alerts stored {len(raised):>9,}  {stored:6.2f} s")
    print(f"  total                              {found + judged + stored:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
