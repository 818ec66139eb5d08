"""Content hashes that ignore what differs between two saves of one text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")


def normalize_for_hash(text: str) -> str:
    """Casefolded words only: typographic quotes, dashes, spacing and line breaks do not count."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def content_hash(text: str) -> str:
    """sha256 of the normalized body: equal for exact duplicates of an article."""
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()


def bytes_hash(data: bytes) -> str:
    """sha256 of a file as stored on disk: lets a re-run skip files it has already read."""
    return hashlib.sha256(data).hexdigest()
