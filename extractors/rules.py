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
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import ahocorasick
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
    characters (patterns with capitals still get the flag). `words` holds, for each pattern that has
    one, a word it cannot match without ("newsletter abonnieren", "blocker" in "ad-?blocker"): a Gate
    looks for all of them in one scan, and where none occurs only the other patterns are searched."""

    def __init__(self, patterns: list[str]):
        flags = 0 if all(p == p.lower() for p in patterns) else re.IGNORECASE
        patterns = [q for p in patterns for q in _expanded(p)]
        # With re.IGNORECASE a pattern also matches case variants that str.lower() does not produce.
        required = {p: _required_literal(p) for p in patterns} if flags == 0 else {}
        self.words = {p: w for p, w in required.items() if len(w) >= MIN_GATE_CHARS}
        self._patterns, self._flags = patterns, flags
        self._all = _Arranged(patterns, flags)

    @cached_property
    def _ungated(self) -> _Arranged:
        """The patterns without a word, arranged on first use: lists no Gate covers never need them."""
        rest = [p for p in self._patterns if p not in self.words]
        return _Arranged(rest, self._flags) if len(rest) < len(self._patterns) else self._all

    def search(self, lowered: str, gate_open: bool = True) -> re.Match[str] | None:
        """A phrase in `lowered` (a line passed through str.lower()). `gate_open=False` (from a Gate
        over these phrases) means none of `words` occurs in it: only patterns without one can match."""
        return (self._all if gate_open else self._ungated).search(lowered)


class Gate:
    """Which of some phrase lists have a word in a line: one Aho-Corasick scan (pyahocorasick, in C)
    instead of each list's regular expressions, which Python's engine tries at every position. Most
    lines hold none (88 % of the eval dumps' short lines for the drop, caption and marker lists)."""

    def __init__(self, *lists: Phrases):
        owners: dict[str, set[Phrases]] = {}
        for phrases in lists:
            for word in phrases.words.values():
                owners.setdefault(word, set()).add(phrases)
        self._automaton = ahocorasick.Automaton()
        for word, phrases in owners.items():
            self._automaton.add_word(word, frozenset(phrases))
        self._automaton.make_automaton()

    def opened(self, lowered: str) -> set[Phrases]:
        """The lists with a word in `lowered`: for the others `Phrases.search(lowered, gate_open=False)`."""
        found: set[Phrases] = set()
        for _end, phrases in self._automaton.iter(lowered) if len(self._automaton) else ():
            found |= phrases
        return found


# A gate word shorter than this would occur in most lines ("ad", "in") and open the gate for nothing.
MIN_GATE_CHARS = 3


class _Arranged:
    """A union of patterns arranged for Python's engine, without changing what matches: patterns
    anchored with ^ are tried once at the start of the line instead of at every position; the others
    are grouped by their first literal character ("newsletter|nur noch" -> "n(?:ewsletter|ur noch)"),
    so each position tries a few branches, not all eighty; patterns starting with \\b share one \\b, so
    only word starts try them. Patterns that start otherwise (a group, a class) are searched one by
    one: in a union a single one of them stops the engine from skipping to the possible first
    characters (drop list: 4.2 -> 1.9 µs a line); a leading group of alternatives is first multiplied
    out ("^(teilen|drucken)$" -> "^teilen$", "^drucken$"), so its branches join the groups by first
    character. An empty group is left out: searching "(?!)" still visits every position."""

    def __init__(self, patterns: list[str], flags: int):
        anchored = [p[1:] for p in patterns if p.startswith("^") and not _top_level_bar(p)]
        floating = [p for p in patterns if not p.startswith("^") or _top_level_bar(p)]
        at_words = [p[2:] for p in floating if p.startswith("\\b") and not _top_level_bar(p)]
        rest = [p for p in floating if not p.startswith("\\b") or _top_level_bar(p)]
        literal_first = [p for p in rest if _first_literal(p)]
        self._start = re.compile(_grouped(anchored), flags) if anchored else None
        anywhere = [re.compile(_by_first_character(literal_first), flags)] if literal_first else []
        word_start = [re.compile(rf"\b(?:{_grouped(at_words)})", flags)] if at_words else []
        self._searched = tuple(anywhere + word_start + [re.compile(p, flags) for p in rest if not _first_literal(p)])

    def search(self, lowered: str) -> re.Match[str] | None:
        found = self._start.match(lowered) if self._start else None
        for pattern in self._searched:
            if found:
                break
            found = pattern.search(lowered)
        return found


# Inline flags ("(?i)", "(?x)") change what a pattern's characters match, and escapes with an argument
# ("\x41", "\u00e4", "\N{...}", octal or group numbers) are characters the scan below would misread.
_UNREADABLE = re.compile(r"\(\?[aiLmsux]|\\[xuUN0-9]")


def _required_literal(pattern: str) -> str:
    """The longest run of plain characters that every match of `pattern` contains ("ad-?blocker" ->
    "blocker", "^(also )?read:" -> "read:"), "" when there is none: only characters outside groups
    and classes count, and none that a quantifier makes optional or repeats apart from its neighbours."""
    if _top_level_bar(pattern) or _UNREADABLE.search(pattern):
        return ""
    runs, run = [], ""
    for i, token, depth, in_class in _tokens(pattern):
        if in_class or depth:
            literal = ""
        elif token[0] == "\\":  # an escaped character ("\\(", "\\."); "\\d", "\\b", "\\s" are not text
            literal = "" if token[1:].isalnum() else token[1:]
        else:
            literal = token if len(token) == 1 and token not in _SPECIAL else ""
        after = pattern[i + len(token) : i + len(token) + 1]
        if literal and after not in ("?", "*", "{"):
            run += literal
        else:  # a group, class, anchor or quantifier ends the run: "ba+c" holds "ba", not "bac"
            runs.append(run)
            run = ""
    return max([*runs, run], key=len)


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
    for i, token, depth, in_class in _tokens(pattern):
        if not in_class and token in ("(", ")", "|"):
            yield i, token, depth


def _tokens(pattern: str) -> Iterator[tuple[int, str, int, bool]]:
    """(index, token, group depth after it, whether it belongs to a class) for each token of `pattern`:
    a character, an escape ("\\(", "\\d") or a counted quantifier ("{2,40}")."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        if pattern[i] == "\\":
            token = pattern[i : i + 2]
        elif pattern[i] == "{" and not in_class and "}" in pattern[i:]:
            token = pattern[i : pattern.index("}", i) + 1]
        else:
            token = pattern[i]
        was_in_class = in_class
        if in_class:
            in_class = token != "]"
        elif token == "[":
            in_class = True
        elif token in ("(", ")"):
            depth += 1 if token == "(" else -1
        yield i, token, depth, was_in_class or in_class
        i += len(token)


@dataclass(frozen=True, eq=False)  # one cached object per set of files: compared and hashed by identity
class Rules:
    drop: Phrases
    end: Phrases
    aside: Phrases
    teaser: Phrases
    markers: Phrases  # end, aside and teaser together: most lines are none of them
    prefix: re.Pattern[str]
    caption: Phrases
    gate: Gate  # the words of drop, caption and markers: a line with none of them skips most of the lists
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
    drop, caption = Phrases(patterns["drop"]), Phrases(patterns["caption"])
    markers = Phrases(patterns["end"] + patterns["aside"] + patterns["teaser"])
    return Rules(
        drop=drop,
        end=Phrases(patterns["end"]),
        aside=Phrases(patterns["aside"]),
        teaser=Phrases(patterns["teaser"]),
        markers=markers,
        prefix=_union(patterns["prefix"]),
        caption=caption,
        gate=Gate(drop, caption, markers),
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
