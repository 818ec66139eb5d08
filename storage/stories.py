"""Story assignment: near-duplicates found through stored LSH band keys, verified by Jaccard."""

from __future__ import annotations

import os
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from extractors.minhash import (
    band_keys,
    estimated_jaccard,
    exact_jaccard,
    shingle_hashes,
    verified_jaccard,
)

from .bulk import insert_rows

THRESHOLD_ENV = "NEWSMON_STORY_THRESHOLD"
# Jaccard of 3-word shingles at which two bodies are one story (docs/stories.md has the measurements).
DEFAULT_THRESHOLD = 0.5


def story_threshold() -> float:
    return float(os.environ.get(THRESHOLD_ENV) or DEFAULT_THRESHOLD)


@dataclass(frozen=True)
class Fingerprinted:
    """An article about to be stored, as story assignment needs it."""

    article_id: int
    signature: np.ndarray
    text: str  # the cleaned body: shingled again only when a pair sits near the threshold
    joins: int | None = None  # its exact original or previous version: joins that story whatever the similarity


def assign_stories(con: duckdb.DuckDBPyConnection, items: list[Fingerprinted], threshold: float | None = None) -> None:
    """Store fingerprints, band keys and a story for each article, in order.

    Candidates come from one join of the batch's band keys with `lsh_bands` (the persisted index, never
    rebuilt), plus the batch's earlier members; each is verified by Jaccard (`verified_jaccard`)."""
    if not items:
        return
    threshold = story_threshold() if threshold is None else threshold
    keys = {item.article_id: band_keys(item.signature) for item in items}
    incoming = pa.table({
        "band": pa.array([b for k in keys.values() for b in range(len(k))], pa.int16()),
        "key": pa.array([key for k in keys.values() for key in k], pa.int64()),
        "article_id": pa.array([a for a, k in keys.items() for _ in k], pa.int64()),
    })
    con.register("incoming_bands", incoming)
    # Of each stored story only the members sharing the most bands come back (at most 3), with the bands
    # the story already holds: a story with hundreds of copies must not send hundreds of signatures to
    # Python for every new article, nor store the same band keys hundreds of times.
    stored = con.execute(
        """
        WITH hits AS (
            SELECT q.article_id AS new_id, b.article_id AS old_id, count(*) AS bands, list(q.band) AS held
            FROM incoming_bands q JOIN lsh_bands b ON b.band = q.band AND b.key = q.key
            GROUP BY 1, 2
        ),
        placed AS (
            SELECT h.*, coalesce(s.story_id, h.old_id) AS story FROM hits h LEFT JOIN stories s ON s.article_id = h.old_id
        ),
        story_held AS (
            SELECT new_id, story, list_distinct(flatten(list(held))) AS held FROM placed GROUP BY 1, 2
        ),
        best AS (
            SELECT new_id, old_id, story FROM placed
            QUALIFY row_number() OVER (PARTITION BY new_id, story ORDER BY bands DESC, old_id) <= 3
        )
        SELECT b.new_id, b.old_id, f.signature, b.story, sh.held
        FROM best b
        JOIN story_held sh ON sh.new_id = b.new_id AND sh.story = b.story
        JOIN fingerprints f ON f.article_id = b.old_id
        """
    ).fetchall()
    candidates: dict[int, list[tuple[int, np.ndarray, int]]] = {}
    held: dict[tuple[int, int], set[int]] = {}  # (article, story) -> bands whose key that story already holds
    for new_id, old_id, signature, story, bands in stored:
        candidates.setdefault(new_id, []).append((old_id, np.array(signature, dtype=np.uint32), story))
        held[new_id, story] = set(bands)
    shingles = _ShingleCache(con, {item.article_id: item.text for item in items})
    seen: dict[tuple[int, int], list[int]] = {}  # (band, key) -> earlier articles of this batch
    signatures = {item.article_id: item.signature for item in items}
    story_of: dict[int, int] = {}
    rows = []
    new_bands: list[tuple[int, int, int]] = []
    for item in items:
        matches = list(candidates.get(item.article_id, []))
        batch_held: dict[int, set[int]] = {}  # story -> bands whose key an earlier article of the batch holds
        for band, key in enumerate(keys[item.article_id]):
            for other in seen.get((band, key), []):
                matches.append((other, signatures[other], story_of[other]))
                batch_held.setdefault(story_of[other], set()).add(band)
        if item.joins is not None:
            story, similarity = story_of.get(item.joins) or _stored_story(con, item.joins), 1.0
        else:
            story, similarity = _earliest_story(item, matches, threshold, shingles)
        story = story or item.article_id
        story_of[item.article_id] = story
        # A band key the story already holds adds nothing to the lookup: the story is found through it anyway.
        skip = held.get((item.article_id, story), set()) | batch_held.get(story, set())
        for band, key in enumerate(keys[item.article_id]):
            if band not in skip:
                seen.setdefault((band, key), []).append(item.article_id)
                new_bands.append((band, key, item.article_id))
        rows.append({"article_id": item.article_id, "story_id": story, "similarity": similarity})
    insert_rows(con, "stories", ["article_id", "story_id", "similarity"], rows)
    insert_rows(
        con, "fingerprints", ["article_id", "signature"],
        [{"article_id": item.article_id, "signature": item.signature.tolist()} for item in items],
    )
    con.unregister("incoming_bands")
    insert_rows(
        con, "lsh_bands", ["band", "key", "article_id"],
        [{"band": band, "key": key, "article_id": article} for band, key, article in new_bands],
        types={"band": pa.int16(), "key": pa.int64()},
    )


def _earliest_story(
    item: Fingerprinted, matches: list[tuple[int, np.ndarray, int]], threshold: float, shingles: "_ShingleCache"
) -> tuple[int | None, float | None]:
    """The lowest story id among verified matches, with the similarity that placed the article there.

    Candidates are tried story by story, most similar first, and the search stops at the first verified
    one: a story with a hundred copies costs one comparison, not a hundred exact Jaccards."""
    ranked = sorted(
        ((story, -estimated_jaccard(item.signature, signature), other) for other, signature, story in matches)
    )
    for story, negative, other in ranked:
        similarity = verified_jaccard(
            -negative, threshold, lambda o=other: exact_jaccard(shingles[item.article_id], shingles[o])
        )
        if similarity is not None:
            return story, similarity
    return None, None


class _ShingleCache(dict):
    """Shingle hashes by article id, computed when first needed: from the batch's texts or the stored body."""

    def __init__(self, con: duckdb.DuckDBPyConnection, texts: dict[int, str]):
        super().__init__()
        self._con, self._texts = con, texts

    def __missing__(self, article_id: int) -> np.ndarray:
        text = self._texts.get(article_id)
        if text is None:
            rows = self._con.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchall()
            text = rows[0][0] if rows else ""
        self[article_id] = value = shingle_hashes(text)
        return value


def _stored_story(con: duckdb.DuckDBPyConnection, article_id: int) -> int:
    row = con.execute("SELECT story_id FROM stories WHERE article_id = ?", [article_id]).fetchall()
    return row[0][0] if row else article_id
