"""Subjects, places and actors with their German and English aliases, from data/concepts/*.toml.

A user's watchlist file ($NEWSMON_WATCHLIST) adds aliases, new subjects, places (with `part_of`)
and actors under the same section names: [subjects.x], [places.x], [actors.x]; and tracked measures
under [measures] tracked = [...].
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

WATCHLIST_ENV = "NEWSMON_WATCHLIST"
_SECTIONS = ("subjects", "places", "actors")


@dataclass(frozen=True, eq=False)  # one cached object per watchlist: compared by identity
class Concepts:
    subjects: re.Pattern[str]  # named group per concept: the alias that matched
    places: re.Pattern[str]
    actor_aliases: re.Pattern[str]
    actor_speakers: re.Pattern[str]
    parents: dict[str, str]  # place -> the place it is part of
    tracked: frozenset[str]  # measures that make claims

    def ancestors(self, place: str) -> list[str]:
        """The places `place` lies in, nearest first: kursk -> [russia]."""
        chain, seen = [], {place}
        while (place := self.parents.get(place)) and place not in seen:
            chain.append(place)
            seen.add(place)
        return chain

    def is_part_of(self, part: str, whole: str) -> bool:
        return whole in self.ancestors(part)


def load_concepts(watchlist: str | None = None) -> Concepts:
    """The bundled vocabularies plus the watchlist file (default: $NEWSMON_WATCHLIST)."""
    if watchlist is None:
        watchlist = os.environ.get(WATCHLIST_ENV) or ""
    return _load(watchlist)


@cache
def _load(watchlist: str) -> Concepts:
    folder = resources.files("extractors") / "data" / "concepts"
    tables = {name: tomllib.loads((folder / f"{name}.toml").read_text("utf-8")) for name in _SECTIONS}
    tracked = set(tomllib.loads((folder / "measures.toml").read_text("utf-8"))["tracked"])
    if watchlist:
        try:
            extra = tomllib.loads(Path(watchlist).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read watchlist {watchlist}: {exc}") from exc
        tracked.update(extra.get("measures", {}).get("tracked", []))
        for name in _SECTIONS:
            for concept, entry in extra.get(name, {}).items():
                merged = tables[name].setdefault(concept, {})
                for key, value in entry.items():
                    merged[key] = merged.get(key, []) + value if isinstance(value, list) else value
    return Concepts(
        subjects=_pattern({c: e.get("aliases", []) for c, e in tables["subjects"].items()}),
        places=_pattern({c: e.get("aliases", []) for c, e in tables["places"].items()}, whole_words=True),
        actor_aliases=_pattern({c: e.get("aliases", []) for c, e in tables["actors"].items()}),
        actor_speakers=_pattern({c: e.get("speakers", []) for c, e in tables["actors"].items()}),
        parents={c: e["part_of"] for c, e in tables["places"].items() if e.get("part_of")},
        tracked=frozenset(tracked),
    )


def _pattern(aliases: dict[str, list[str]], whole_words: bool = False) -> re.Pattern[str]:
    """One pattern, a named group per concept; aliases match at word starts, longest first.
    Place names match whole words only ("Russia's", not "North Korean" for "north korea")."""
    groups = []
    for concept, words in aliases.items():
        if not concept.isidentifier():
            raise ValueError(f"concept names are letters, digits and underscores: {concept!r}")
        if words:
            ordered = sorted({w.casefold() for w in words}, key=len, reverse=True)
            groups.append(f"(?P<{concept}>{'|'.join(re.escape(w) for w in ordered)})")
    if not groups:
        return re.compile("(?!)")
    end = r"(?![^\W_]|-\w)" if whole_words else ""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(groups)}){end}", re.IGNORECASE)


def matches(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(concept, start, end) for every alias found."""
    end = len(text) if end is None else end
    return [(m.lastgroup, m.start(), m.end()) for m in pattern.finditer(text, start, end) if m.lastgroup]
