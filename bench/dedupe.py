"""Near-duplicate detection measured: `make bench-dedupe`.

1. Quality: a 2,000-article corpus made from the real pages in ../shared/eval (plain text and HTML):
   each page plus perturbed copies (sentences dropped and swapped, 1-10 % of words replaced, other
   boilerplate, another headline). Exact all-pairs shingle Jaccard (a sparse matrix product) is the
   truth; newsmon's candidates (LSH bands) verified as storage verifies them (the estimate far from the
   threshold, exact Jaccard near it) are scored against it.
2. Cost: fingerprint + lookup per article for a batch of 1,000 new articles with 1,000, 10,000 and
   100,000 articles already stored (stored signatures are random: only the index size matters).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from extractors import clean_document, decode_bytes
from extractors.fingerprint import normalize_for_hash
from extractors.minhash import (
    BANDS,
    NUM_PERM,
    SHINGLE_WORDS,
    band_keys,
    estimated_jaccard,
    exact_jaccard,
    minhash_signature,
    shingle_hashes,
    verified_jaccard,
)
from extractors.sentences import split_sentences
from storage import write_connection
from storage.stories import Fingerprinted, assign_stories

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = 2000
SEED = 7
BOILERPLATE = [
    "Anzeige: Jetzt abonnieren und weiterlesen",
    "Subscribe to our newsletter for the latest updates",
    "Lesen Sie auch: Was Sie heute wissen müssen",
    "Share this article on social media",
    "Cookies helfen uns bei der Bereitstellung unserer Dienste",
]


def base_texts() -> list[str]:
    texts = []
    for path in sorted((SHARED / "eval" / "plaintext").glob("*.txt")) + sorted((SHARED / "eval" / "html").glob("*.html")):
        text = clean_document(decode_bytes(path.read_bytes()).text, path.suffix).text
        if len(text.split()) >= 150:
            texts.append(text)
    return texts


def perturb(text: str, rng: random.Random) -> str:
    """A copy as another outlet might print it."""
    sentences = [text[s:e] for s, e in split_sentences(text)]
    for _ in range(rng.randint(0, 2)):
        if len(sentences) > 4:
            sentences.pop(rng.randrange(len(sentences)))
    if len(sentences) > 4 and rng.random() < 0.5:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    words = " ".join(sentences).split()
    for _ in range(int(len(words) * rng.uniform(0.01, 0.10))):
        words[rng.randrange(len(words))] = rng.choice(["zudem", "also", "bereits", "now", "reportedly", "laut", "offenbar"])
    headline = " ".join(rng.sample(words, min(6, len(words))))
    return "\n".join([headline, rng.choice(BOILERPLATE), " ".join(words), rng.choice(BOILERPLATE)])


def corpus(rng: random.Random) -> list[str]:
    bases = base_texts()
    docs = list(bases)
    while len(docs) < CORPUS:
        docs.append(perturb(rng.choice(bases), rng))
    return docs


def shingles(text: str) -> set[str]:
    words = normalize_for_hash(text).split()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def all_pairs_jaccard(docs: list[str]) -> np.ndarray:
    """All pairs at once: |A ∩ B| from a sparse product, |A ∪ B| from the sizes."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, doc in enumerate(docs):
        for s in shingles(doc):
            rows.append(i)
            cols.append(vocabulary.setdefault(s, len(vocabulary)))
    m = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(docs), len(vocabulary)))
    inter = (m @ m.T).toarray()
    sizes = np.asarray(m.sum(axis=1)).ravel()
    return inter / (sizes[:, None] + sizes[None, :] - inter)


def predicted_pairs(docs: list[str], signatures: list[np.ndarray], threshold: float) -> tuple[set[tuple[int, int]], int]:
    """What newsmon's lookup finds: pairs sharing a band key, verified as `assign_stories` verifies them;
    and how many pairs needed the exact Jaccard."""
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, sig in enumerate(signatures):
        for band, key in enumerate(band_keys(sig)):
            buckets.setdefault((band, key), []).append(i)
    candidates = {(a, b) for ids in buckets.values() for x, a in enumerate(ids) for b in ids[x + 1 :]}
    exact_calls = 0

    def exact(a: int, b: int) -> float:
        nonlocal exact_calls
        exact_calls += 1
        return exact_jaccard(shingle_hashes(docs[a]), shingle_hashes(docs[b]))

    found = {
        (a, b) for a, b in candidates
        if verified_jaccard(estimated_jaccard(signatures[a], signatures[b]), threshold, lambda a=a, b=b: exact(a, b)) is not None
    }
    return found, exact_calls


def quality() -> list[str]:
    rng = random.Random(SEED)
    docs = corpus(rng)
    truth = all_pairs_jaccard(docs)
    signatures = [minhash_signature(d) for d in docs]
    lines = [f"quality: {len(docs)} articles, {NUM_PERM} permutations in {BANDS} bands"]
    for threshold in (0.8, 0.5):
        upper = np.triu(truth >= threshold, k=1)
        actual = set(zip(*np.nonzero(upper)))
        found, exact_calls = predicted_pairs(docs, signatures, threshold)
        hit = len(found & actual)
        precision = hit / len(found) if found else 1.0
        recall = hit / len(actual) if actual else 1.0
        lines.append(
            f"  Jaccard >= {threshold}: {len(actual):,} true pairs, {len(found):,} found,"
            f" precision {precision:.3f}, recall {recall:.3f} ({exact_calls:,} pairs settled by exact Jaccard)"
        )
    return lines


def cost() -> list[str]:
    rng = np.random.default_rng(SEED)
    texts = base_texts()
    batch = [texts[i % len(texts)] + f" {i}" for i in range(1000)]
    lines = ["cost: fingerprint + lookup + store for 1,000 new articles (one core)"]
    results = {}
    for stored in (1_000, 10_000, 100_000):
        with tempfile.TemporaryDirectory() as tmp, write_connection(Path(tmp) / "d.duckdb") as con:
            fill = [
                Fingerprinted(i, rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32), "")
                for i in range(1, stored + 1)
            ]
            for start in range(0, len(fill), 10_000):
                assign_stories(con, fill[start : start + 10_000])
            started = time.perf_counter()
            items = [Fingerprinted(stored + 1 + i, minhash_signature(t), t) for i, t in enumerate(batch)]
            fingerprinted = time.perf_counter()
            assign_stories(con, items)
            done = time.perf_counter()
        per = (done - started) / len(batch) * 1000
        results[stored] = per
        lines.append(
            f"  {stored:>7,} stored: {per:.3f} ms/article ({1000 / per:,.0f} articles/s;"
            f" fingerprint {(fingerprinted - started) / len(batch) * 1000:.3f}, lookup + store {(done - fingerprinted) / len(batch) * 1000:.3f})"
        )
    lines.append(f"  100,000 vs 1,000 stored: {results[100_000] / results[1_000]:.2f}x")
    return lines


def main() -> int:
    print("\n".join(quality() + cost()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
