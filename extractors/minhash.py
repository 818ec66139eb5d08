"""Near-duplicate fingerprints: MinHash over word shingles, cut into LSH bands.

Two copies of one wire story (other boilerplate, a changed headline, a sentence cut) share most
three-word shingles; their signatures agree in about that share of positions, and at least one of
the bands agrees almost surely, so storing band keys finds candidates with one indexed join.
"""

from __future__ import annotations

import hashlib

import numpy as np
from datasketch import MinHash

from .fingerprint import normalize_for_hash

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs at Jaccard 0.5 become candidates with p = 0.87, at 0.8 with p = 1.0
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
SEED = 1  # fixed: signatures stored today must match signatures computed next year


def minhash_signature(text: str) -> np.ndarray:
    """128 uint32 values; equal texts give equal signatures, similar texts mostly equal ones."""
    words = normalize_for_hash(text).split()
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED)
    sketch.update_batch([s.encode("utf-8") for s in shingles])
    return sketch.hashvalues.astype(np.uint32)


def band_keys(signature: np.ndarray) -> list[int]:
    """One 63-bit key per band (fits DuckDB's BIGINT); equal keys mean the band's rows are equal."""
    rows = signature.reshape(BANDS, ROWS)
    return [int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "big") >> 1 for r in rows]


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The share of positions where two signatures agree: an unbiased estimate of shingle Jaccard."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
