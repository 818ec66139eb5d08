"""Story assignment: near-duplicates found through stored LSH band keys, verified by estimated Jaccard."""

from __future__ import annotations

import os

import duckdb
import numpy as np
import pyarrow as pa

from extractors.minhash import band_keys, estimated_jaccard

from .bulk import insert_rows

THRESHOLD_ENV = "NEWSMON_STORY_THRESHOLD"
# Estimated Jaccard of 3-word shingles at which two bodies are one story (docs/stories.md has the measurements).
DEFAULT_THRESHOLD = 0.5


def story_threshold() -> float:
    return float(os.environ.get(THRESHOLD_ENV) or DEFAULT_THRESHOLD)


def assign_stories(
    con: duckdb.DuckDBPyConnection, items: list[tuple[int, np.ndarray, int | None]], threshold: float | None = None
) -> None:
    """Store fingerprints, band keys and a story for each (article id, signature, duplicate_of), in order.

    Candidates come from one join of the batch's band keys with `lsh_bands` (the persisted index, never
    rebuilt), plus the batch's earlier members; each is verified by estimated Jaccard."""
    if not items:
        return
    threshold = story_threshold() if threshold is None else threshold
    keys = {article_id: band_keys(signature) for article_id, signature, _ in items}
    incoming = pa.table({
        "band": pa.array([b for k in keys.values() for b in range(len(k))], pa.int16()),
        "key": pa.array([key for k in keys.values() for key in k], pa.int64()),
        "article_id": pa.array([a for a, k in keys.items() for _ in k], pa.int64()),
    })
    con.register("incoming_bands", incoming)
    stored = con.execute(
        """
        SELECT DISTINCT q.article_id, b.article_id, f.signature, coalesce(s.story_id, b.article_id)
        FROM incoming_bands q
        JOIN lsh_bands b ON b.band = q.band AND b.key = q.key
        JOIN fingerprints f ON f.article_id = b.article_id
        LEFT JOIN stories s ON s.article_id = b.article_id
        """
    ).fetchall()
    candidates: dict[int, list[tuple[int, np.ndarray, int]]] = {}
    for new_id, old_id, signature, story in stored:
        candidates.setdefault(new_id, []).append((old_id, np.array(signature, dtype=np.uint32), story))
    seen: dict[tuple[int, int], list[int]] = {}  # (band, key) -> earlier articles of this batch
    signatures = {article_id: signature for article_id, signature, _ in items}
    story_of: dict[int, int] = {}
    rows = []
    for article_id, signature, duplicate_of in items:
        matches = list(candidates.get(article_id, []))
        for band, key in enumerate(keys[article_id]):
            for other in seen.get((band, key), []):
                matches.append((other, signatures[other], story_of[other]))
            seen.setdefault((band, key), []).append(article_id)
        verified = [(story, estimated_jaccard(signature, sig)) for _, sig, story in matches]
        verified = [(story, j) for story, j in verified if j >= threshold]
        if duplicate_of is not None:
            original = story_of.get(duplicate_of) or _stored_story(con, duplicate_of)
            verified.append((original, 1.0))
        if verified:
            story, similarity = min(verified, key=lambda sv: (sv[0], -sv[1]))
        else:
            story, similarity = article_id, None
        story_of[article_id] = story
        rows.append({"article_id": article_id, "story_id": story, "similarity": similarity})
    insert_rows(con, "stories", ["article_id", "story_id", "similarity"], rows)
    insert_rows(
        con, "fingerprints", ["article_id", "signature"],
        [{"article_id": a, "signature": s.tolist()} for a, s, _ in items],
    )
    con.execute("INSERT INTO lsh_bands SELECT band, key, article_id FROM incoming_bands")
    con.unregister("incoming_bands")


def _stored_story(con: duckdb.DuckDBPyConnection, article_id: int) -> int:
    row = con.execute("SELECT story_id FROM stories WHERE article_id = ?", [article_id]).fetchall()
    return row[0][0] if row else article_id
