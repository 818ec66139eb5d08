"""Content hashes that ignore what differs between two saves of one text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def normalized_words(text: str) -> list[str]:
    """Casefolded words only: typographic quotes, dashes, spacing and line breaks do not count."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def normalize_for_hash(text: str) -> str:
    """The normalized words joined by single spaces."""
    return " ".join(normalized_words(text))


def content_hash(text: str) -> str:
    """sha256 of the normalized body: equal for exact duplicates of an article."""
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()


def bytes_hash(data: bytes) -> str:
    """sha256 of a file as stored on disk: lets a re-run skip files it has already read."""
    return hashlib.sha256(data).hexdigest()
