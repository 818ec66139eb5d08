"""Boilerplate rules as data: one TOML file per language, plus files a user names.

Every language's rules apply to every text: pages mix languages (an English "Share"
button on a German site), and cleaning must not wait for language detection.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import justext

# Extra rule files, separated by os.pathsep; same keys as data/boilerplate/*.toml.
EXTRA_RULES_ENV = "NEWSMON_BOILERPLATE"
# Stop-word lists (from jusText) used to tell prose from furniture.
STOPWORD_LANGUAGES = ("German", "English", "French", "Spanish", "Italian")
_SECTIONS = ("drop", "end", "aside", "teaser", "prefix", "caption", "byline", "outlet")


class Phrases:
    """Phrase patterns searched case-insensitively anywhere in a line (drop, caption, end, aside, teaser).

    `search` takes the line already lower-cased: a line meets every list, and lower-casing it once
    is cheaper than re.IGNORECASE, with which Python's engine cannot skip ahead by the possible first
    characters (patterns with capitals still get the flag). The union is also arranged for the
    engine, without changing what matches: patterns anchored with ^ are tried once at the start of
    the line instead of at every position; the others are grouped by their first literal character
    ("newsletter|nur noch" -> "n(?:ewsletter|ur noch)"), so each position tries a few branches, not
    all eighty; patterns starting with \b share one \b, so only word starts try them. Patterns that
    start otherwise (a group, a class) are searched one by one: in a union a single one of them stops
    the engine from skipping to the possible first characters (drop list: 4.2 -> 1.9 µs a line); a
    leading group of alternatives is first multiplied out ("^(teilen|drucken)$" -> "^teilen$",
    "^drucken$"), so its branches join the groups by first character."""

    def __init__(self, patterns: list[str]):
        flags = 0 if all(p == p.lower() for p in patterns) else re.IGNORECASE
        patterns = [q for p in patterns for q in _expanded(p)]
        anchored = [p[1:] for p in patterns if p.startswith("^") and not _top_level_bar(p)]
        floating = [p for p in patterns if not p.startswith("^") or _top_level_bar(p)]
        at_words = [p[2:] for p in floating if p.startswith("\\b") and not _top_level_bar(p)]
        rest = [p for p in floating if not p.startswith("\\b") or _top_level_bar(p)]
        self._start = re.compile(_grouped(anchored), flags)
        self._anywhere = re.compile(_by_first_character([p for p in rest if _first_literal(p)]), flags)
        word_start = [re.compile(rf"\b(?:{_grouped(at_words)})", flags)] if at_words else []
        self._others = tuple(word_start + [re.compile(p, flags) for p in rest if not _first_literal(p)])

    def search(self, lowered: str) -> re.Match[str] | None:
        """A phrase in `lowered` (a line passed through str.lower())."""
        found = self._start.match(lowered) or self._anywhere.search(lowered)
        for pattern in self._others:
            if found:
                break
            found = pattern.search(lowered)
        return found


def _grouped(patterns: list[str]) -> str:
    """Patterns with a literal first character grouped by it, then the others."""
    literal = [p for p in patterns if _first_literal(p)]
    branches = [_by_first_character(literal)] if literal else []
    return "|".join(branches + [f"(?:{p})" for p in patterns if p not in literal]) or r"(?!)"


def _alternatives(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns) or r"(?!)"


# Characters that mean something in a pattern: a pattern starting with one has no literal first character.
_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _first_literal(pattern: str) -> str:
    """The literal character `pattern` starts with, as written ("n", "," or an escaped "\\("), or ""
    when it starts with a group, a class, an anchor or a character a quantifier makes optional."""
    first = pattern[:2] if pattern[:1] == "\\" and not pattern[1:2].isalnum() else pattern[:1]
    if not first or first in _SPECIAL or _top_level_bar(pattern):
        return ""
    after = pattern[len(first) : len(first) + 1]
    return first if after and after not in "?*+{" else ""


def _by_first_character(patterns: list[str]) -> str:
    """One branch per leading literal character ("n(?:ewsletter|ur noch)"); every pattern must start
    with one (_first_literal)."""
    groups: dict[str, list[str]] = {}
    for p in patterns:
        first = _first_literal(p)
        groups.setdefault(first, []).append(p[len(first) :])
    return "|".join(f"{first}(?:{_alternatives(tails)})" for first, tails in groups.items()) or r"(?!)"


def _top_level_bar(pattern: str) -> bool:
    """Whether `pattern` is an alternation at its top level ("a|b"), where neither an anchor nor a
    first character can be factored out."""
    return len(_top_level_parts(pattern)) > 1


def _top_level_parts(pattern: str) -> list[str]:
    """`pattern` split at the bars outside any group or class ("a|(b|c)" -> "a", "(b|c)")."""
    bars = [i for i, c, depth in _structure(pattern) if c == "|" and depth == 0]
    return [pattern[i + 1 : j] for i, j in zip([-1, *bars], [*bars, len(pattern)])]


def _expanded(pattern: str) -> list[str]:
    """`pattern` with a leading group of alternatives multiplied out, keeping its anchor ("^" or "\\b"):
    "^(a|b)c" -> "^ac", "^bc". The same strings match (only the group numbers change, and phrase
    patterns use no back-references); anything else comes back as it is."""
    anchor = next((a for a in ("^", "\\b") if pattern.startswith(a)), "")
    body = pattern[len(anchor) :]
    opening = "(?:" if body.startswith("(?:") else "(" if body[:1] == "(" and body[1:2] != "?" else ""
    close = _group_end(body) if opening and not _top_level_bar(pattern) else -1
    if close < 0 or body[close : close + 1] in ("?", "*", "+", "{"):
        return [pattern]
    alternatives = _top_level_parts(body[len(opening) : close - 1])
    return [q for alt in alternatives for q in _expanded(anchor + alt + body[close:])]


def _group_end(pattern: str) -> int:
    """The index just past the group that `pattern` opens with."""
    return next((i + 1 for i, c, depth in _structure(pattern) if c == ")" and depth == 0), -1)


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth after it) for each bracket and bar of `pattern` outside a class
    and not escaped."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[c]
            yield i, c, depth
        i += 1


@dataclass(frozen=True, eq=False)  # one cached object per set of files: compared and hashed by identity
class Rules:
    drop: Phrases
    end: Phrases
    aside: Phrases
    teaser: Phrases
    markers: Phrases  # end, aside and teaser together: most lines are none of them
    prefix: re.Pattern[str]
    caption: Phrases
    byline: re.Pattern[str]
    outlet: re.Pattern[str]
    months: dict[str, int]
    dates: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, precision), most specific first
    stopwords: frozenset[str]


def load_rules(extra: tuple[str, ...] | None = None) -> Rules:
    """Rules from the bundled files plus `extra` paths (default: $NEWSMON_BOILERPLATE)."""
    if extra is None:
        extra = tuple(p for p in os.environ.get(EXTRA_RULES_ENV, "").split(os.pathsep) if p)
    return _load(extra)


@cache
def _load(extra: tuple[str, ...]) -> Rules:
    tables = [tomllib.loads(f.read_text("utf-8")) for f in _bundled_files()]
    for path in extra:
        try:
            tables.append(tomllib.loads(Path(path).read_text("utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read boilerplate rules from {path}: {exc}") from exc
    patterns = {s: [p for t in tables for p in t.get(s, [])] for s in _SECTIONS}
    months = {k.casefold(): v for t in tables for k, v in t.get("months", {}).items()}
    return Rules(
        drop=Phrases(patterns["drop"]),
        end=Phrases(patterns["end"]),
        aside=Phrases(patterns["aside"]),
        teaser=Phrases(patterns["teaser"]),
        markers=Phrases(patterns["end"] + patterns["aside"] + patterns["teaser"]),
        prefix=_union(patterns["prefix"]),
        caption=Phrases(patterns["caption"]),
        byline=_union(patterns["byline"]),
        outlet=_union(patterns["outlet"]),
        months=months,
        dates=_date_patterns(months),
        stopwords=_stopwords(),
    )


def _bundled_files() -> list:
    folder = resources.files("extractors") / "data" / "boilerplate"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _union(patterns: list[str]) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _date_patterns(months: dict[str, int]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Numeric and month-name dates; groups d, m or mn, y."""
    name = "|".join(sorted(map(re.escape, months), key=len, reverse=True)) or "(?!)"
    return (
        (re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)"), "day"),
        (re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"), "day"),
        (re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})\.?\s+(?P<mn>{name})\.?,?\s+(?P<y>\d{{4}})(?!\d)", re.I), "day"),
        (re.compile(rf"(?<!\w)(?P<mn>{name})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)", re.I), "day"),
        (re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})(?![\d-])"), "month"),
        (re.compile(rf"(?<!\w)(?P<mn>{name})\.?\s+(?P<y>\d{{4}})(?!\d)", re.I), "month"),
    )


def _stopwords() -> frozenset[str]:
    return frozenset(w.casefold() for lang in STOPWORD_LANGUAGES for w in justext.get_stoplist(lang))
