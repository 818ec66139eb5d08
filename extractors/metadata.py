"""Publication dates, authors and outlets as page headers state them in plain text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .rules import Rules

_TIME = re.compile(r",?\s*(?:um\s+)?\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm|mez|mesz|cet|cest|utc|gmt|est|edt)\b)?", re.I)
# Words that may stand beside a date on a header line without making it prose.
_DATE_LABELS = re.compile(
    r"\b(?:date|datum|stand|aktualisiert|veröffentlicht|erstellt|published|updated|posted|am|on|at|um|uhr|"
    r"mo|di|mi|do|fr|sa|so|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b\.?",
    re.IGNORECASE,
)
_YEAR_DIGITS = re.compile(r"\d{4}")
# A header date line is short: "Aktualisiert am 15.10.2024, 04:15 Uhr".
MAX_DATE_LINE_CHARS = 80
_NAME = r"[A-ZÄÖÜ][\w'’.-]+(?:\s+(?:von\s+|van\s+|de\s+)?[A-ZÄÖÜ][\w'’.-]+){1,3}"
_NAME_SLASH_OUTLET = re.compile(rf"^(?P<name>{_NAME})\s*[/|,]\s*(?P<outlet>[\w.-]+(?:\s[\w.-]+)?)$")


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    precision: str  # "day" or "month"
    start: int
    end: int


def find_date(line: str, rules: Rules) -> FoundDate | None:
    """The first calendar date written in `line`, in the numeric or month-name forms news pages use."""
    if not _YEAR_DIGITS.search(line):  # every form has a four-digit year: most lines end here
        return None
    for pattern, precision in rules.dates:
        for m in pattern.finditer(line):
            date = _to_date(m, rules)
            if date is not None:
                return FoundDate(date, precision, m.start(), m.end())
    return None


def find_all_dates(text: str, rules: Rules) -> list[FoundDate]:
    """Every full calendar date in `text` (one scan per pattern; the more specific pattern wins overlaps)."""
    found: list[FoundDate] = []
    if not _YEAR_DIGITS.search(text):  # every full date has a four-digit year
        return found
    for pattern, precision in rules.dates:
        for m in pattern.finditer(text):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            date = _to_date(m, rules)
            if date is not None:
                found.append(FoundDate(date, precision, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def only_date_on_line(line: str, found: FoundDate) -> bool:
    """Whether `line` says nothing beside the date `found` in it but a time, labels ("Stand", "Uhr",
    weekdays) and at most one other word."""
    if len(line) > MAX_DATE_LINE_CHARS:  # prose lines are long
        return False
    rest = line[: found.start] + " " + line[found.end :]
    rest = _DATE_LABELS.sub(" ", _TIME.sub(" ", rest))
    return len(re.findall(r"\w{2,}", rest)) <= 1


def parse_byline(line: str, rules: Rules) -> tuple[str | None, str | None]:
    """(author, outlet) from a byline such as "Von Anna Beispiel", "By Jo Doe, Reuters", "Jo Doe / t-online"."""
    text = line.strip()
    m = rules.byline.match(text)
    if m and text[m.end() : m.end() + 1].isspace():
        text = text[m.end() :].strip()
        named = _NAME_SLASH_OUTLET.match(text)
        if named:
            return named["name"], named["outlet"]
        plain = re.match(rf"^({_NAME})(?:\s+(?:und|and)\s+({_NAME}))?$", text)
        if plain:
            return plain.group(0), None
        return None, None
    named = _NAME_SLASH_OUTLET.match(text) if "/" in text else None
    if named:
        return named["name"], named["outlet"]
    return None, None


def outlet_label(line: str, rules: Rules) -> str | None:
    """The outlet in "Ein Artikel von t-online" / "Source: Reuters"; "" when the name is on the next line."""
    text = line.strip()
    m = rules.outlet.match(text)
    if not m or text[m.end() : m.end() + 1].strip():  # a longer word that merely starts alike
        return None
    return text[m.end() :].strip()


def _to_date(m: re.Match[str], rules: Rules) -> dt.date | None:
    groups = m.groupdict()
    month = rules.months.get(groups["mn"].casefold()) if groups.get("mn") else int(groups["m"])
    try:
        return dt.date(int(groups["y"]), month or 0, int(groups.get("d") or 1))
    except ValueError:
        return None
