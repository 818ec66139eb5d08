"""Language knowledge for figure extraction, loaded from data/figures/<lang>.toml.

Number words, scales, hedges, counted nouns, units and markers are data, so adding a
language means adding a file. Users extend the bundled files with their own ($NEWSMON_FIGURES).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

EXTRA_VOCABULARY_ENV = "NEWSMON_FIGURES"
# German compounds end in their head noun; shorter heads ("mann") must match the whole word.
MIN_SUFFIX_HEAD = 5
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one cached object per language
class Vocabulary:
    language: str
    number_words: dict[str, float]
    word_multipliers: dict[str, float]
    word_fractions: dict[str, float]
    word_whole: dict[str, float]
    decimal_point: tuple[str, ...]  # "point" / "Komma": "one-point-six million"
    scales: dict[str, float]
    scale_lead: dict[str, float]
    hedges: dict[str, str]  # phrase -> kind
    hedges_after: dict[str, str]
    vague: dict[str, float]  # phrase -> unit it stands for
    measures: dict[str, str]  # noun -> measure
    antecedent: tuple[str, ...]
    units: dict[str, tuple[str, str]]  # word -> (measure, unit)
    currency_signs: dict[str, str]
    casualty_verbs: dict[str, str]  # word -> "killed" | "wounded"
    rates: dict[str, str]  # phrase -> "year" | "month" | ...
    part_of: tuple[str, ...]
    noun_phrase_ends: frozenset[str]
    change_before: re.Pattern[str]  # "rose from": the "to" after it does not make a range
    range_between: tuple[str, ...]
    range_and: tuple[str, ...]
    range_to: tuple[str, ...]
    weekdays: dict[str, int]
    periods: dict[str, str]
    # Compiled from the lists above.
    hedge_before: re.Pattern[str]
    hedge_after: re.Pattern[str]
    vague_pattern: re.Pattern[str]
    part_of_before: re.Pattern[str]
    rate_pattern: re.Pattern[str]
    casualty_pattern: re.Pattern[str]  # group "stem" (entries ending in "*": "getötet*") or "word"
    attribution: re.Pattern[str]
    never_after: re.Pattern[str]
    never_before: re.Pattern[str]
    suffix_heads: tuple[tuple[str, str], ...]  # (head, measure), longest first

    def measure_of(self, word: str) -> str | None:
        """The measure a counted noun names: whole word first, then (German) its compound head."""
        return _measure_of(word.casefold(), self)


@lru_cache(maxsize=8192)
def _measure_of(key: str, vocab: Vocabulary) -> str | None:
    if key in vocab.measures:
        return vocab.measures[key]
    for head, measure in vocab.suffix_heads:
        if key.endswith(head) and len(key) > len(head):
            return measure
    return None


def load_vocabulary(language: str | None, extra: tuple[str, ...] | None = None) -> Vocabulary:
    """The vocabulary for `language`, English when we have none for it; plus $NEWSMON_FIGURES files."""
    if extra is None:
        extra = tuple(p for p in os.environ.get(EXTRA_VOCABULARY_ENV, "").split(os.pathsep) if p)
    code = language if language in bundled_languages() else FALLBACK_LANGUAGE
    return _load(code, extra)


@cache
def bundled_languages() -> frozenset[str]:
    folder = resources.files("extractors") / "data" / "figures"
    return frozenset(f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml"))


@cache
def _load(language: str, extra: tuple[str, ...]) -> Vocabulary:
    folder = resources.files("extractors") / "data" / "figures"
    table = tomllib.loads((folder / f"{language}.toml").read_text("utf-8"))
    for path in extra:
        try:
            _merge(table, tomllib.loads(Path(path).read_text("utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read figure vocabulary from {path}: {exc}") from exc
    return _compile(language, table)


def _merge(base: dict, extra: dict) -> None:
    """Add a user's entries: lists are extended, tables updated, key by key."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + value
        else:
            base[key] = value


def _compile(language: str, t: dict) -> Vocabulary:
    lower = lambda d: {k.casefold(): v for k, v in d.items()}  # noqa: E731
    measures = dict(t.get("measures", {}))
    antecedent = tuple(measures.pop("antecedent", ()))
    hedges = {p.casefold(): kind for kind, phrases in t.get("hedges", {}).items() for p in phrases}
    hedges_after = {p.casefold(): kind for kind, phrases in t.get("hedges_after", {}).items() for p in phrases}
    rates = {p.casefold(): rate for rate, phrases in t.get("rates", {}).items() for p in phrases}
    verbs = {p.casefold().rstrip("*"): kind for kind, phrases in t.get("casualty_verbs", {}).items() for p in phrases}
    stems = {p.rstrip("*") for phrases in t.get("casualty_verbs", {}).values() for p in phrases if p.endswith("*")}
    markers = t.get("markers", {})
    never = t.get("never", {})
    calendar = t.get("calendar", {})
    vague = lower(t.get("vague", {}))
    nouns = {w.casefold(): m for m, words in measures.items() for w in words}
    heads = [(h, m) for h, m in nouns.items() if len(h) >= MIN_SUFFIX_HEAD and " " not in h]
    return Vocabulary(
        language=language,
        number_words=lower(t.get("number_words", {})),
        word_multipliers=lower(t.get("word_multipliers", {})),
        word_fractions=lower(t.get("word_fractions", {})),
        word_whole=lower(t.get("word_whole", {})),
        decimal_point=tuple(w.casefold() for w in t.get("decimal_point", ())),
        scales=lower(t.get("scales", {})),
        scale_lead=lower(t.get("scale_lead", {})),
        hedges=hedges,
        hedges_after=hedges_after,
        vague=vague,
        measures=nouns,
        antecedent=tuple(a.casefold() for a in antecedent),
        units={w.casefold(): (mu[0], mu[1]) for w, mu in t.get("units", {}).items()},
        currency_signs=lower(t.get("currency_signs", {})),
        casualty_verbs=verbs,
        rates=rates,
        part_of=tuple(p.casefold() for p in markers.get("part_of", ())),
        noun_phrase_ends=frozenset(w.casefold() for w in markers.get("noun_phrase_ends", ())),
        change_before=re.compile(rf"(?<!\w)(?:{_alternation(markers.get('change_before', ()))})\s*$", re.I),
        range_between=tuple(markers.get("range_between", ())),
        range_and=tuple(markers.get("range_and", ())),
        range_to=tuple(markers.get("range_to", ())),
        weekdays=lower(calendar.get("weekdays", {})),
        periods=lower(calendar.get("periods", {})),
        hedge_before=re.compile(rf"(?<!\w)(?P<hedge>{_alternation(hedges)})\s*$", re.I),
        hedge_after=re.compile(rf"^\s*(?:{_alternation(hedges_after)})\b", re.I),
        vague_pattern=re.compile(rf"(?<!\w)(?:{_alternation(vague)})(?!\w)", re.I),
        part_of_before=re.compile(
            rf"(?<!\w)(?:{_alternation(markers.get('part_of', ()))})[\s,:]*(?:{_alternation(hedges)})?\s*$", re.I
        ),
        rate_pattern=re.compile(rf"(?<!\w)(?:{_alternation(rates)})(?![\w])(?!\s+\d)", re.I),
        casualty_pattern=re.compile(
            rf"(?<!\w)(?:(?P<stem>{_alternation(stems)})\w*|(?P<word>{_alternation(set(verbs) - stems)})(?!\w))", re.I
        ),
        attribution=_regexes(markers.get("attribution", ())),
        never_after=re.compile("^(?:" + "|".join(never.get("after", ())) + ")", re.I)
        if never.get("after")
        else re.compile("(?!)"),
        never_before=_regexes(never.get("before", ()), re.I),
        suffix_heads=tuple(sorted(heads, key=lambda hm: len(hm[0]), reverse=True)),
    )


def _alternation(phrases) -> str:
    """Longest first, so "mehr als" wins over "mehr"; spaces match any whitespace."""
    ordered = sorted({p for p in phrases}, key=len, reverse=True)
    if not ordered:
        return "(?!)"
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def _regexes(patterns, flags: int = 0) -> re.Pattern[str]:
    if not patterns:
        return re.compile("(?!)")
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
