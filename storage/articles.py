"""Writing batches of articles: one transaction each, exact duplicates linked, re-runs idempotent."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb

from .bulk import insert_rows
from .claims import CLAIM_COLUMNS, claim_records, next_claim_id
from .database import scalar
from .records import ArticleRow, BatchCounts, SkippedInput
from .stories import Fingerprinted, assign_stories
from .transaction import transaction

_ARTICLE_COLUMNS = [f.name for f in dataclasses.fields(ArticleRow) if f.name not in ("figures", "claims", "signature")]
_FIGURE_COLUMNS = [
    "article_id", "position", "value", "low", "high", "vague", "qualifier", "text", "start_offset", "end_offset",
    "sentence", "noun", "measure", "unit", "rate", "part_of", "attribution", "date_hint",
]


def known_inputs(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, frozenset[str]]:
    """Raw hashes already stored per source: files with those bytes need not go through the pipeline again."""
    if not sources:
        return {}
    rows = con.execute(
        "SELECT source, list(DISTINCT raw_hash) FROM articles WHERE source IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1",
        [sources],
    ).fetchall()
    return {source: frozenset(hashes) for source, hashes in rows}


def write_batch(
    con: duckdb.DuckDBPyConnection,
    rows: list[ArticleRow],
    skipped: list[SkippedInput],
    run_id: str,
    unchanged: int = 0,
) -> BatchCounts:
    """Store a batch in one transaction: all of it or, on any error, none of it.

    A row whose (source, content_hash) is already stored is unchanged and not written again;
    a row whose body equals an earlier article's is stored with `duplicate_of` pointing at it;
    a row from a source stored before with another body is a new version (`article_versions`).
    """
    now = dt.datetime.now(dt.timezone.utc)
    with transaction(con):
        counts = _insert_articles(con, rows, run_id, now)
        _insert_skipped(con, skipped, run_id, now)
    return BatchCounts(counts.stored, counts.duplicates, counts.unchanged + unchanged, len(skipped))


def _insert_articles(con: duckdb.DuckDBPyConnection, rows: list[ArticleRow], run_id: str, now: dt.datetime) -> BatchCounts:
    if not rows:
        return BatchCounts()
    stored_pairs, first_with_hash, latest = _stored_matches(
        con, sorted({r.content_hash for r in rows}), sorted({r.source for r in rows})
    )
    next_id = scalar(con, "SELECT coalesce(max(id), 0) + 1 FROM articles")
    new: list[dict] = []
    figures: list[dict] = []
    claims: list[dict] = []
    fingerprinted: list[Fingerprinted] = []
    versions: list[dict] = []
    claim_id = next_claim_id(con)
    unchanged = duplicates = 0
    for row in rows:
        if (row.source, row.content_hash) in stored_pairs:
            unchanged += 1
            continue
        stored_pairs.add((row.source, row.content_hash))
        record = {name: getattr(row, name) for name in _ARTICLE_COLUMNS}
        record["id"] = next_id
        record["duplicate_of"] = first_with_hash.get(row.content_hash)
        record["ingested_at"] = now
        record["run_id"] = run_id
        if record["duplicate_of"] is None:
            first_with_hash[row.content_hash] = next_id
            claims.extend(claim_records(next_id, row.claims, claim_id))
            claim_id += len(row.claims)
        else:
            duplicates += 1
        new.append(record)
        joins = record["duplicate_of"]
        if row.source not in latest:
            latest[row.source] = (next_id, next_id, 1)
        else:  # the source was read before with another body: a revision, in the previous version's story
            first_id, previous_id, count = latest[row.source]
            versions.append({"article_id": next_id, "first_id": first_id, "previous_id": previous_id, "version": count + 1})
            latest[row.source] = (first_id, next_id, count + 1)
            joins = previous_id if joins is None else joins
        if row.signature is not None:
            fingerprinted.append(Fingerprinted(next_id, row.signature, row.text, joins))
        figures.extend(_figure_records(next_id, row))
        next_id += 1
    if new:
        insert_rows(con, "articles", ["id", *_ARTICLE_COLUMNS, "duplicate_of", "ingested_at", "run_id"], new)
    if figures:
        insert_rows(con, "figures", _FIGURE_COLUMNS, figures)
    if claims:
        insert_rows(con, "claims", CLAIM_COLUMNS, claims)
    if versions:
        insert_rows(con, "article_versions", ["article_id", "first_id", "previous_id", "version"], versions)
    assign_stories(con, fingerprinted)
    return BatchCounts(stored=len(new) - duplicates, duplicates=duplicates, unchanged=unchanged)


def _stored_matches(
    con: duckdb.DuckDBPyConnection, hashes: list[str], sources: list[str]
) -> tuple[set[tuple[str, str]], dict[str, int], dict[str, tuple[int, int, int]]]:
    """What is stored already, from one scan of the articles: the (source, content_hash) pairs of these
    hashes, the first original with each hash, and per source already stored (first version's id, latest
    version's id, number of versions)."""
    rows = con.execute(
        "SELECT id, source, content_hash, duplicate_of FROM articles"
        " WHERE content_hash IN (SELECT unnest(?::VARCHAR[])) OR source IN (SELECT unnest(?::VARCHAR[])) ORDER BY id",
        [hashes, sources],
    ).fetchall()
    wanted_hashes, wanted_sources = set(hashes), set(sources)
    pairs: set[tuple[str, str]] = set()
    first_with_hash: dict[str, int] = {}
    versions: dict[str, tuple[int, int, int]] = {}
    for article_id, source, content_hash, duplicate_of in rows:
        if content_hash in wanted_hashes:
            pairs.add((source, content_hash))
            if duplicate_of is None:
                first_with_hash.setdefault(content_hash, article_id)
        if source in wanted_sources:
            first, _, count = versions.get(source, (article_id, article_id, 0))
            versions[source] = (first, article_id, count + 1)
    return pairs, first_with_hash, versions


def _figure_records(article_id: int, row: ArticleRow) -> list[dict]:
    records = []
    for position, figure in enumerate(row.figures):
        record = figure.to_json()
        record["start_offset"], record["end_offset"] = record.pop("start"), record.pop("end")
        records.append({"article_id": article_id, "position": position, **record})
    return records


def _insert_skipped(con: duckdb.DuckDBPyConnection, skipped: list[SkippedInput], run_id: str, now: dt.datetime) -> None:
    if skipped:
        con.executemany(
            "INSERT INTO skipped_inputs (source, reason, run_id, recorded_at) VALUES (?, ?, ?, ?)",
            [(s.source, s.reason, run_id, now) for s in skipped],
        )
