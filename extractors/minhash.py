"""Near-duplicate fingerprints: MinHash over word shingles, cut into LSH bands.

Two copies of one wire story (other boilerplate, a changed headline, a sentence cut) share most
three-word shingles; their signatures agree in about that share of positions, and at least one of
the bands agrees almost surely, so storing band keys finds candidates with one indexed join.
A signature only estimates Jaccard (±0.04 at 128 permutations); `verified_jaccard` settles the pairs
near a threshold with the exact value, so the estimate's noise does not decide them.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable

import numpy as np

from .fingerprint import normalized_words

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs at Jaccard 0.5 become candidates with p = 0.87, at 0.8 with p = 1.0
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
SEED = 1  # fixed: signatures stored today must match signatures computed next year
# Estimates further than this from the threshold decide alone: 3.4 standard errors at Jaccard 0.5.
EXACT_MARGIN = 0.15

# Odd 64-bit multipliers (golden ratio, murmur) that mix three word hashes into one shingle hash.
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted distinct uint32 hashes of the body's 3-word shingles (normalized words).

    Vectorised: CRC32 per word, then the three word hashes of each shingle are mixed in numpy;
    hashing every shingle string in Python was most of the cost of a fingerprint."""
    words = normalized_words(text) or [""]
    h = np.array(list(map(zlib.crc32, map(str.encode, words))), dtype=np.uint64)
    if len(h) < SHINGLE_WORDS:
        h = np.concatenate([h, np.zeros(SHINGLE_WORDS - len(h), dtype=np.uint64)])
    mixed = (h[:-2] * _MIX[0] + h[1:-1] * _MIX[1] + h[2:]) * _MIX[0]  # wraps mod 2^64 by design
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32))


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for seed 1 (a odd, b; uint32 each), drawn as datasketch 2.0
    draws them. Not imported from it: datasketch pulls in scipy, 75 MB in every worker process, for
    these 256 numbers (tests/test_stories.py checks the signatures equal datasketch's)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a.reshape(1, -1), b.reshape(1, -1)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature_of(hashes: np.ndarray) -> np.ndarray:
    """128 uint32 values: datasketch's MinHash (affine32 scheme, seed 1) of the given shingle hashes,
    computed as one numpy expression (tested equal to `MinHash.update_batch`)."""
    a, b = _permutations()
    return (_fmix32(hashes.astype(np.uint32)).reshape(-1, 1) * a + b).min(axis=0)


def minhash_signature(text: str) -> np.ndarray:
    """Equal texts give equal signatures, similar texts mostly equal ones."""
    return signature_of(shingle_hashes(text))


def band_keys(signature: np.ndarray) -> list[int]:
    """One 63-bit key per band (fits DuckDB's BIGINT); equal keys mean the band's rows are equal."""
    rows = signature.reshape(BANDS, ROWS)
    return [int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "big") >> 1 for r in rows]


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The share of positions where two signatures agree: an unbiased estimate of shingle Jaccard."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two sorted distinct shingle-hash arrays."""
    common = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - common
    return common / union if union else 1.0


def verified_jaccard(estimate: float, threshold: float, exact: Callable[[], float]) -> float | None:
    """The similarity of two articles if it reaches `threshold`, else None.

    The signatures' `estimate` decides when it is far from the threshold; near it, `exact()` (the exact
    Jaccard, computed only then) decides, so pairs at 0.78 or 0.82 land on the right side."""
    if estimate < threshold - EXACT_MARGIN:
        return None
    if estimate < threshold + EXACT_MARGIN:
        estimate = exact()
    return estimate if estimate >= threshold else None
