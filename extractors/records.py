"""Records that leave the extractors: plain data, no behaviour."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class LineDecision:
    """Why one input line was kept or dropped; `newsmon clean --explain` prints these."""

    number: int
    text: str
    keep: bool
    rule: str


@dataclass(frozen=True)
class Article:
    """One cleaned article: the body and what the page states about it."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    published_precision: str | None = None  # "day", "month" or "year"
    author: str | None = None
    outlet: str | None = None
    language: str | None = None
    language_probability: float | None = None
    subheads: tuple[str, ...] = ()
    lines: tuple[LineDecision, ...] = field(default=(), repr=False, compare=False)

    def to_json(self) -> dict:
        """The public JSON shape of `newsmon clean --json`."""
        data = asdict(self)
        data.pop("lines")
        data["published"] = self.published.isoformat() if self.published else None
        data["subheads"] = list(self.subheads)
        return data
