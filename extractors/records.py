"""Records that leave the extractors: plain data, no behaviour."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields


@dataclass(slots=True)  # one per input line: a frozen dataclass cost 0.6 µs each to build, this 0.2
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


@dataclass(frozen=True)
class Figure:
    """One number an article states, with what it counts and the interval its wording allows."""

    value: float
    low: float | None  # None: unbounded below ("bis zu 8.000")
    high: float | None  # None: unbounded above ("mindestens 11.000")
    vague: bool
    qualifier: str | None  # the hedge as written: "etwa", "mindestens", "up to"
    text: str  # the figure as written, hedge to counted noun
    start: int  # offsets of `text` in the cleaned article text
    end: int
    sentence: str
    noun: str | None  # the counted noun as written
    measure: str | None  # normalized: troops, artillery_shells, killed, money, percent ...
    unit: str | None  # for money, percent, weights, distances, durations
    rate: str | None  # "year", "month", "week", "day" for "pro Jahr", "per month"
    part_of: str | None  # "darunter", "including" ... when the figure is a subset
    attribution: str | None  # "laut ukrainischen Angaben", "according to the Pentagon"
    date_hint: str | None  # the date the sentence names, ISO ("2024-10-14" or "2024-07")

    def to_json(self) -> dict:
        # Every field is a scalar: a shallow dict, not asdict()'s deep copy (a tenth of a batch's store time).
        return {f.name: getattr(self, f.name) for f in fields(self)}
