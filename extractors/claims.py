"""From figures to claims: who the figure is about, where, who says it, and when.

A claim's key is (subject, measure, scope, rate): "12.000 nordkoreanische Soldaten nach Russland"
and "12,000 North Korean troops in Russia" share north_korea/troops/russia/total.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .concepts import Concepts, load_concepts, matches
from .records import Figure
from .sentences import clause_end, clause_start, split_sentences

# A subject named before the figure counts when it is this close ("Kim Jong-un schickt mindestens 11.000").
SUBJECT_BEFORE_CHARS = 100
# A subject named after the figure belongs to it when it follows this closely ("Soldaten von Nordkorea").
ATTACHED_CHARS = 25
# A place is the scope only after a preposition of place, up to two words before it ("in die Region Kursk").
_PLACE_CONTEXT = re.compile(
    r"(?:\b(?:in|im|ins|nach|bei|aus|an|into|to|near|inside|within|at|across)\s+(?:\S+\s+){0,2}?)$", re.I
)


@dataclass(frozen=True)
class Claim:
    """A figure placed in context so it can be compared with other articles' figures."""

    position: int  # the figure's position in its article
    subject: str | None
    measure: str
    scope: str | None  # a place, None when the text names none
    rate: str  # "total" or "year", "month", ...
    value: float
    low: float | None
    high: float | None
    vague: bool
    text: str
    sentence: str
    actor: str | None  # normalized source: ukraine, south_korea, united_states ...
    attribution: str | None  # the phrase as written
    claim_date: dt.date | None

    @property
    def key(self) -> str:
        return claim_key(self.subject, self.measure, self.scope, self.rate)


def claim_key(subject: str | None, measure: str, scope: str | None, rate: str) -> str:
    """ "north_korea/troops/russia/total": how a key reads in alerts, views and events."""
    return f"{subject or '?'}/{measure}/{scope or '-'}/{rate}"


def claims_from_figures(
    text: str,
    figures: list[Figure],
    published: dt.date | None,
    concepts: Concepts | None = None,
) -> list[Claim]:
    """A claim for every figure whose measure is tracked, in the article `text` the figures came from."""
    concepts = concepts or load_concepts()
    sentences = split_sentences(text)
    claims: list[Claim] = []
    for position, figure in enumerate(figures):
        if figure.measure not in concepts.tracked:
            continue
        sentence_start = text.rfind(figure.sentence, 0, figure.start + len(figure.sentence))
        offset = figure.start - max(sentence_start, 0)  # where the figure stands in its sentence
        subject = _subject(figure, offset, concepts, claims)
        claims.append(
            Claim(
                position=position,
                subject=subject,
                # amounts of money compare only in one currency: money_usd, money_eur ...
                measure=f"money_{figure.unit.casefold()}" if figure.measure == "money" and figure.unit else figure.measure,
                scope=_scope(figure.sentence, offset, figure.end - figure.start, concepts),
                rate=figure.rate or "total",
                value=figure.value,
                low=figure.low,
                high=figure.high,
                vague=figure.vague,
                text=figure.text,
                sentence=figure.sentence,
                actor=_actor(text, sentences, figure, concepts),
                attribution=figure.attribution,
                claim_date=_claim_date(figure.date_hint) or published,
            )
        )
    return claims


def _subject(figure: Figure, offset: int, concepts: Concepts, earlier: list[Claim]) -> str | None:
    """In the figure's own words first ("nordkoreanische Soldaten"), then the nearest name shortly before
    it in the sentence, then one attached after it; names inside the attribution ("Kyiv says") are the
    source, not the subject. None otherwise: a figure about nobody named is stored, never compared."""
    own = matches(concepts.subjects, figure.text)
    if own:
        return own[0][0]
    if re.search(r"\b(?:von ihnen|of them|of whom|davon)\b", figure.text, re.I) and earlier:
        return earlier[-1].subject  # "2.600 von ihnen": the subject of the whole
    sentence = figure.sentence
    quoted = _attribution_span(sentence, figure.attribution)
    found = [m for m in matches(concepts.subjects, sentence) if not (quoted[0] <= m[1] < quoted[1])]
    before = [m for m in found if m[2] <= offset and offset - m[2] <= SUBJECT_BEFORE_CHARS]
    if before:
        return before[-1][0]
    # After the figure only as part of its noun phrase: "8.000 Soldaten von Nordkorea-Diktator Kim".
    end = offset + len(figure.text)
    after = [m for m in found if end <= m[1] <= end + ATTACHED_CHARS]
    return after[0][0] if after else None


def _scope(sentence: str, offset: int, length: int, concepts: Concepts) -> str | None:
    """The place the sentence puts the figure in: the nearest place after a preposition of place,
    the more specific one when two stand together ("in Russia's Kursk region")."""
    places = [m for m in matches(concepts.places, sentence) if _PLACE_CONTEXT.search(sentence[max(0, m[1] - 40) : m[1]])]
    if not places:
        return None
    start, end = clause_start(sentence, 0, offset), clause_end(sentence, offset + length, len(sentence))
    in_clause = [m for m in places if start <= m[1] < end]
    places = in_clause or places
    middle = offset + length / 2
    nearest = min(places, key=lambda m: abs((m[1] + m[2]) / 2 - middle))
    for concept, start, _end in places:
        if abs(start - nearest[1]) <= 30 and concepts.is_part_of(concept, nearest[0]):
            return concept
    return nearest[0]


def _actor(text: str, sentences: list[tuple[int, int]], figure: Figure, concepts: Concepts) -> str | None:
    """Who says it: the attribution phrase, else a named speaker in the sentence or the one before."""
    if figure.attribution:
        found = matches(concepts.actor_aliases, figure.attribution)
        if found:
            return found[0][0]
    found = matches(concepts.actor_speakers, figure.sentence)
    if found:
        return found[0][0]
    index = next((i for i, (s, e) in enumerate(sentences) if s <= figure.start < e), None)
    if index:
        s, e = sentences[index - 1]
        found = matches(concepts.actor_speakers, text, s, e)
        if found:
            return found[-1][0]
    return None


def _attribution_span(sentence: str, attribution: str | None) -> tuple[int, int]:
    if not attribution:
        return (0, 0)
    start = sentence.find(attribution)
    return (start, start + len(attribution)) if start >= 0 else (0, 0)


def _claim_date(hint: str | None) -> dt.date | None:
    if not hint:
        return None
    return dt.date.fromisoformat(hint if len(hint) == 10 else f"{hint}-01")
