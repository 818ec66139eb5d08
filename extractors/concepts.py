"""Who and where a figure is about, and who says it, in German and English, from data/concepts/.

Subjects and places are general, not one story's: every country (names from babel's CLDR data in
German and English, adjectives and demonyms from `countries.toml`), territories and regions with their
`part_of` (`places.toml`), and groups, armies and institutions (`subjects.toml`). Actors (who says a
figure) are in `actors.toml`. Measures and how they behave over time (cumulative or stock) are in
`measures.toml`.

A user's watchlist file ($NEWSMON_WATCHLIST) adds aliases, new subjects, places (with `part_of`)
and actors under the same section names: [subjects.x], [places.x], [actors.x]; and measures under
[measures] tracked = [...], cumulative = [...].
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

WATCHLIST_ENV = "NEWSMON_WATCHLIST"
_SECTIONS = ("subjects", "places", "actors")


@dataclass(frozen=True, eq=False)  # one cached object per watchlist: compared by identity
class Concepts:
    subjects: AliasTable
    places: AliasTable
    actor_aliases: AliasTable
    actor_speakers: AliasTable
    parents: dict[str, str]  # place -> the place it is part of
    tracked: frozenset[str]  # measures that make claims
    cumulative: frozenset[str]  # measures that only grow: deaths so far, shells delivered so far

    def ancestors(self, place: str) -> list[str]:
        """The places `place` lies in, nearest first: kursk -> [russia]."""
        chain, seen = [], {place}
        while (place := self.parents.get(place)) and place not in seen:
            chain.append(place)
            seen.add(place)
        return chain

    def is_part_of(self, part: str, whole: str) -> bool:
        return whole in self.ancestors(part)

    def country_of(self, place: str) -> str:
        """The outermost place `place` lies in (itself when it lies in none): hatay -> turkey."""
        chain = self.ancestors(place)
        return chain[-1] if chain else place


def load_concepts(watchlist: str | None = None) -> Concepts:
    """The bundled vocabularies plus the watchlist file (default: $NEWSMON_WATCHLIST)."""
    if watchlist is None:
        watchlist = os.environ.get(WATCHLIST_ENV) or ""
    return _load(watchlist)


@cache
def _load(watchlist: str) -> Concepts:
    folder = resources.files("extractors") / "data" / "concepts"
    tables = {name: tomllib.loads((folder / f"{name}.toml").read_text("utf-8")) for name in _SECTIONS}
    measures = tomllib.loads((folder / "measures.toml").read_text("utf-8"))
    countries = tomllib.loads((folder / "countries.toml").read_text("utf-8"))
    subjects, places = _country_aliases(countries)
    tracked, cumulative = set(measures["tracked"]), set(measures["cumulative"])
    if watchlist:
        try:
            extra = tomllib.loads(Path(watchlist).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read watchlist {watchlist}: {exc}") from exc
        tracked.update(extra.get("measures", {}).get("tracked", []))
        cumulative.update(extra.get("measures", {}).get("cumulative", []))
        for name in _SECTIONS:
            for concept, entry in extra.get(name, {}).items():
                merged = tables[name].setdefault(concept, {})
                for key, value in entry.items():
                    merged[key] = merged.get(key, []) + value if isinstance(value, list) else value
    # The data files' and the watchlist's aliases come first: an alias two concepts share belongs to them.
    subjects = _first({c: e.get("aliases", []) for c, e in tables["subjects"].items()}, subjects)
    places = _first({c: e.get("aliases", []) for c, e in tables["places"].items()}, places)
    return Concepts(
        subjects=_pattern(subjects),
        places=_pattern(places, whole_words=True),
        actor_aliases=_pattern({c: e.get("aliases", []) for c, e in tables["actors"].items()}),
        actor_speakers=_pattern({c: e.get("speakers", []) for c, e in tables["actors"].items()}),
        parents={c: e["part_of"] for c, e in tables["places"].items() if e.get("part_of")},
        tracked=frozenset(tracked),
        cumulative=frozenset(cumulative),
    )


def _first(preferred: dict[str, list[str]], rest: dict[str, list[str]]) -> dict[str, list[str]]:
    """Both tables in one, `preferred` first (dicts keep insertion order)."""
    merged = {c: list(words) for c, words in preferred.items()}
    for concept, words in rest.items():
        merged.setdefault(concept, []).extend(words)
    return merged


def _country_aliases(countries: dict) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(subject aliases, place aliases) per country: babel's German and English names plus the data's
    names; adjectives and demonyms make subjects only ("russische Soldaten"), names make both."""
    from babel import Locale

    names = {code: [Locale(lang).territories.get(code) for lang in ("de", "en")] for code in
             {entry["code"] for entry in countries.values()}}
    subjects: dict[str, list[str]] = {}
    places: dict[str, list[str]] = {}
    for concept, entry in countries.items():
        own = [n for n in names[entry["code"]] if n] + entry.get("names", [])
        places[concept] = list(own)
        subjects[concept] = own + entry.get("adjectives", []) + entry.get("demonyms", [])
    return subjects, places


@dataclass(frozen=True)
class AliasTable:
    """Aliases of many concepts in one Aho-Corasick automaton: one pass over the text finds every
    alias, whatever their number (a regex alternation of a thousand names tries each at every word).
    At a position the longest alias wins; matches do not overlap, leftmost first."""

    automaton: Any  # ahocorasick.Automaton of lower-cased alias -> (alias, concept)
    whole_words: bool

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
        end = len(text) if end is None else end
        window = text[start:end]
        lowered = window.lower()
        if len(lowered) != len(window):  # a letter whose lower case is longer ("İ"): offsets would shift
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in window)
        found = []
        for last, (alias, concept) in self.automaton.iter(lowered):
            first = last - len(alias) + 1
            before = start + first - 1  # the text before the window counts, as a regex lookbehind sees it
            if before >= 0 and (text[before].isalnum() or text[before] in "_-"):
                continue  # aliases start words ("Russia", not "Belarussia")
            after = last + 1
            if self.whole_words and after < len(window) and (
                window[after].isalnum() or (window[after] == "-" and after + 1 < len(window) and window[after + 1].isalnum())):
                continue  # place names are whole words ("Russia's", not "North Korean" for "north korea")
            found.append((first, after, concept))
        found.sort(key=lambda m: (m[0], -m[1]))
        chosen, reached = [], 0
        for first, after, concept in found:
            if first >= reached:
                chosen.append((concept, start + first, start + after))
                reached = after
        return chosen


def _pattern(aliases: dict[str, list[str]], whole_words: bool = False) -> AliasTable:
    """Aliases match at word starts, longest first, case-insensitively. Place names match whole
    words only. An alias two concepts share belongs to the first."""
    automaton = ahocorasick.Automaton()
    for concept, words in aliases.items():
        if not concept.isidentifier():
            raise ValueError(f"concept names are letters, digits and underscores: {concept!r}")
        for word in words:
            key = word.lower()
            if word and key not in automaton:
                automaton.add_word(key, (key, concept))
    if len(automaton):
        automaton.make_automaton()
    return AliasTable(automaton, whole_words)


def matches(table: AliasTable, text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(concept, start, end) for every alias found."""
    return table.find(text, start, end)
