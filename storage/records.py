"""Rows that flows hand to storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from extractors.claims import Claim
from extractors.records import Figure


@dataclass(frozen=True)
class ArticleRow:
    """One processed input, ready to store; ids and duplicate links are assigned at write time."""

    source: str
    format: str
    encoding: str | None
    raw_hash: str
    raw_size: int
    content_hash: str
    title: str | None
    published: dt.date | None
    published_precision: str | None
    author: str | None
    outlet: str | None
    language: str | None
    language_probability: float | None
    text: str
    figures: tuple[Figure, ...] = ()  # stored in the figures table, in the same transaction
    claims: tuple[Claim, ...] = ()  # stored for originals only: a copy of a text is not another source
    signature: np.ndarray | None = field(default=None, compare=False)  # MinHash of the body, for stories


@dataclass(frozen=True)
class SkippedInput:
    source: str
    reason: str


@dataclass(frozen=True)
class BatchCounts:
    stored: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __add__(self, other: "BatchCounts") -> "BatchCounts":
        return BatchCounts(
            self.stored + other.stored,
            self.duplicates + other.duplicates,
            self.unchanged + other.unchanged,
            self.skipped + other.skipped,
        )
