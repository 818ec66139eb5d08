"""Dates mentioned in article prose ("am 14. Oktober", "Ende Juli", "on Friday"), resolved
against the article's publication date.

Only spans found by these patterns are resolved: a general date parser run over prose
turns ordinary words into dates. Full dates with a year reuse the header patterns of rules.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from .metadata import find_all_dates
from .rules import Rules
from .vocabulary import Vocabulary

# A day and month without a year lies at most this far after publication; later means last year
# (news mostly reports the past; "bis Ende Oktober" in an article of 23 October is the near future).
FUTURE_GRACE = dt.timedelta(days=31)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date
    precision: str  # "day" or "month"

    @property
    def hint(self) -> str:
        return self.date.isoformat() if self.precision == "day" else self.date.strftime("%Y-%m")


def find_date_mentions(
    text: str, published: dt.date | None, rules: Rules, vocab: Vocabulary, weekdays: bool = True
) -> tuple[list[DateMention], list[tuple[int, int]]]:
    """Date mentions in `text` that can be placed on the calendar, in text order, and the spans of
    all dates written there, placeable or not: numbers inside a date are never figures.

    `weekdays=False` when `published` is only known to the month: "am Freitag" cannot be placed then.
    """
    found = [DateMention(f.start, f.end, f.date, f.precision) for f in find_all_dates(text, rules)]
    taken = [(d.start, d.end) for d in found]
    names, patterns = _patterns(rules, vocab)
    has_names = names.search(text) is not None
    for pattern, kind, needs_name in patterns:
        if needs_name and not has_names:  # one scan for any month or day name spares four
            continue
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            base = published if weekdays or kind != "weekday" else None
            date, precision = _resolve(m, kind, base, rules, vocab)
            if date is not None:
                found.append(DateMention(m.start(), m.end(), date, precision))
    return sorted(found, key=lambda d: d.start), taken


def _patterns(rules: Rules, vocab: Vocabulary) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], str, bool], ...]]:
    return _compile(tuple(rules.months), tuple(vocab.weekdays), tuple(vocab.periods))


@cache
def _compile(
    month_names: tuple[str, ...], weekday_names: tuple[str, ...], period_words: tuple[str, ...]
) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], str, bool], ...]]:
    """(any month or day name, ((pattern, kind, needs a name), ...))."""
    # Month and day names are capitalised in German and English; that keeps "may" the verb out.
    months = "|".join(sorted((m.capitalize() for m in month_names), key=len, reverse=True))
    weekdays = "|".join(sorted((w.capitalize() for w in weekday_names), key=len, reverse=True)) or "(?!)"
    periods = "|".join(sorted((re.escape(p) for p in period_words), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"\b(?:{months}|{weekdays})"), (
        (re.compile(rf"(?<![\w.])(?P<d>\d{{1,2}})\.?(?:st|nd|rd|th)?\s+(?P<mn>{months})\b"), "day_month", True),
        (re.compile(rf"\b(?P<mn>{months})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?![.,]?\d)"), "day_month", True),
        (re.compile(r"(?<![\w.,])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?!\d)"), "day_month", False),  # "am 24.10."
        (re.compile(rf"(?i:\b(?P<period>{periods}))[\s-]+(?P<mn>{months})\b(?:\s+(?P<y>\d{{4}}))?"), "month", True),
        (re.compile(rf"(?i:\b(?:im|in|seit|since|bis|until|von|from)\s+)(?P<mn>{months})\b(?:\s+(?P<y>\d{{4}}))?"), "month", True),
        (re.compile(rf"\b(?P<wd>{weekdays})\b"), "weekday", True),
    )


def _resolve(
    m: re.Match[str], kind: str, published: dt.date | None, rules: Rules, vocab: Vocabulary
) -> tuple[dt.date | None, str]:
    groups = m.groupdict()
    if kind == "weekday":
        if published is None:
            return None, "day"
        back = (published.weekday() - vocab.weekdays[groups["wd"].casefold()]) % 7
        return published - dt.timedelta(days=back), "day"
    month = rules.months[groups["mn"].casefold()] if groups.get("mn") else int(groups["m"])
    day = int(groups["d"]) if groups.get("d") else 1
    if groups.get("y"):
        year = int(groups["y"])
    elif published is not None:
        year = published.year
    else:
        return None, "day"
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None, "day"
    if not groups.get("y") and published is not None and date > published + FUTURE_GRACE:
        date = date.replace(year=year - 1)
    return date, "day" if kind == "day_month" else "month"
