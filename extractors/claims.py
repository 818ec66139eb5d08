"""From figures to claims: who the figure is about, where, who says it, when, and in what mood.

A claim's key is (subject, measure, scope, rate): "12.000 nordkoreanische Soldaten nach Russland"
and "12,000 North Korean troops in Russia" share north_korea/troops/russia/total. Its modality says
whether it is a count, a plan, an increment or a subset, and it is compared only with its own kind.
Its as-of date is the date the sentence names, else the publication date; a "seit"/"since" date
starts its period instead.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .concepts import Concepts, load_concepts, matches
from .dates import find_date_mentions
from .records import Figure
from .rules import load_rules
from .sentences import CLAUSE_BREAK, clause_end, clause_start, split_sentences
from .vocabulary import load_vocabulary

# A subject named before the figure counts when it is this close ("Kim Jong-un schickt mindestens 11.000").
SUBJECT_BEFORE_CHARS = 100
# A subject named after the figure belongs to it when it follows this closely ("Soldaten von Nordkorea").
ATTACHED_CHARS = 25
# How many sentences back a figure's subject is looked for when its own sentence names none.
CONTEXT_SENTENCES = 3
# How far before a harm figure an attack on a target makes it that target's part ("attacks on health care
# resulting in 34 deaths").
TARGET_BEFORE_CHARS = 60
# A place is the scope only after a preposition of place, up to two words before it ("in die Region Kursk").
_PLACE_CONTEXT = re.compile(
    r"(?:\b(?:in|im|ins|nach|bei|aus|an|into|to|near|inside|within|at|across|of|von|für|for)\s+(?:\S+\s+){0,2}?)$", re.I
)
# The seat of an institution just named: "des Verteidigungsministeriums in Moskau", "the ministry in Kyiv".
_SEAT = re.compile(r"\s+(?:in|aus|from)\s+[^\W\d_][\w-]*", re.I)
# A place right after the figure's noun that says where its people come from, not where they are.
_ORIGIN = re.compile(r"\s*(?:[^\W\d]+\s+)?(?:aus|from)\s+(?:der\s+|dem\s+|the\s+)?", re.I)
# What may stand between a figure and a name after it that still belongs to its noun phrase.
_ATTACHED = re.compile(r"[\s«»\"„“”']*(?:(?:[^\W\d]+\s+)?(?:von|aus|of|from)\s+(?:the\s+|der\s+|dem\s+)?)?", re.I)
# A wire dateline before the first sentence: "Moskau/Kiew (dpa) – ", "GENEVA (Reuters) - ".
_DATELINE = re.compile(r"^[^\W\d][^()]{0,40}\((?:dpa|afp|ap|reuters|kna|epd|apa|sda|ansa|efe|rtr|dpa-afx)[^)]*\)\s*[–—-]\s*", re.I)
# A named institution without a country: "das Gesundheitsministerium", "the health ministry".
_NAMED_INSTITUTION = re.compile(r"\b(?:(?:der|die|das|des|dem|the)\s+)(?:[^\W\d]+\s+)?[^\W\d]+", re.I)
_OWN_SIDE = re.compile(r"\b(?:its|their|seine[nrs]?|ihre[nrs]?)\b", re.I)
# Words that join two figures of one group: "… killed and another 3,825 wounded", "…, 120 wurden verletzt".
_JOINED = re.compile(r"\b(?:and|und|sowie|while|whereas|während)\b|,", re.I)
ELIDED_GAP_CHARS = 60
# A side named as the one counted: "aufseiten Moskaus", "on the side of Kyiv"; "auf israelischer Seite",
# "on the Russian side".
_SIDE_OF = re.compile(r"\b(?:auf\s*seiten|auf\s+(?:der\s+)?seite|on\s+the\s+side\s+of)\s+(?:der\s+|des\s+|von\s+|the\s+)?", re.I)
_SIDE_WORD = re.compile(r"\b(?:auf|on)\s+(?:der\s+|the\s+)?([^\W\d_][\w-]*)\s+(?:seite|side)\b", re.I)
_OWN_TOLL = re.compile(r"\b(?:its|their|seine[nrms]?|ihre[nrms]?)\s+(?:own\s+|eigenen?\s+)?(?:death\s+toll|toll|losses|casualties|"
                       r"verluste|toten|gefallenen|opferzahl|totenzahl)\b", re.I)
_OWN_SUBSET = re.compile(r"\b(?:von ihnen|of them|of whom|davon)\b", re.I)

COUNT, PLAN, INCREMENT, SUBSET = "count", "plan", "increment", "subset"
VERIFIED, EARLIER, WHOLE, COMBINED = "verified", "earlier", "whole", "combined"
# Measures of counted nouns that name fighters, who belong to their side wherever they fall.
FIGHTERS = frozenset({"troops", "officers", "generals"})


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
    actor: str | None  # normalized source: ukraine, who, health_ministry ...
    attribution: str | None  # the phrase as written
    claim_date: dt.date | None  # as of when: the date the sentence names, else the publication date
    modality: str = COUNT  # count | plan | increment | subset[:group] | verified | earlier | whole
    period_start: dt.date | None = None  # "seit September", "since October 7"

    @property
    def key(self) -> str:
        return claim_key(self.subject, self.measure, self.scope, self.rate)


def claim_key(subject: str | None, measure: str, scope: str | None, rate: str) -> str:
    """ "north_korea/troops/russia/total": how a key reads in alerts, views and events."""
    return f"{subject or '?'}/{measure}/{scope or '-'}/{rate}"


@dataclass(frozen=True)
class _Wording:
    """The claims vocabulary of data/concepts/claims.toml, compiled."""

    institutions: re.Pattern[str]  # a word that starts with an institution's name
    institution_word: re.Pattern[str]  # a word that names one, compounds too ("Innenministerium")
    plan: re.Pattern[str]
    increment_before: re.Pattern[str]
    increment_after: re.Pattern[str]
    subset_after: re.Pattern[str]
    verified: re.Pattern[str]
    earlier: re.Pattern[str]
    current: re.Pattern[str]
    part: re.Pattern[str]
    subset_before: re.Pattern[str]
    whole: re.Pattern[str]
    one_day: re.Pattern[str]
    region: re.Pattern[str]
    region_names: dict[str, str]  # a word stem -> the region it names ("nord" -> "north")
    target: re.Pattern[str]
    combined: re.Pattern[str]
    causes: dict[str, re.Pattern[str]]  # cause -> its words
    internal: re.Pattern[str]  # displacement inside the country
    internal_measures: frozenset[str]
    attack: re.Pattern[str]  # a word that names an attack, at the start of the text searched
    period_start: re.Pattern[str]
    as_of: re.Pattern[str]
    reporting: re.Pattern[str]
    located: frozenset[str]
    groups: dict[str, str]  # a counted noun, lower-cased -> the group it names
    group_measures: frozenset[str]  # the measures a group's figure is a part of


@cache
def _wording() -> _Wording:
    folder = resources.files("extractors") / "data" / "concepts"
    data = tomllib.loads((folder / "claims.toml").read_text("utf-8"))
    measures = tomllib.loads((folder / "measures.toml").read_text("utf-8"))
    modality = data["modality"]

    def union(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.I)

    def word_starts(words: list[str]) -> re.Pattern[str]:  # any of the words, at a word start
        return re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})", re.I)

    institutions = "|".join(re.escape(w) for w in sorted(data["institutions"], key=len, reverse=True))
    return _Wording(
        institutions=re.compile(rf"(?:{institutions})", re.I),
        institution_word=re.compile(rf"[^\W\d_]*?(?:{institutions})", re.I),
        plan=union(modality["plan"]),
        increment_before=union(modality["increment_before"]),
        increment_after=union(modality["increment_after"]),
        subset_after=union(modality["subset_after"]),
        verified=union(modality["verified"]),
        earlier=union(modality["earlier"]),
        current=union(modality["current"]),
        part=union(modality["part"]),
        subset_before=union(modality["subset_before"]),
        whole=union(modality["whole"]),
        one_day=union(modality["one_day"]),
        region=union(modality["region"]),
        region_names=data["region_names"],
        target=union(modality["target"]),
        combined=union(modality["combined"]),
        causes={cause: word_starts(words) for cause, words in data["causes"].items()},
        internal=word_starts(data["internal"]["words"]),
        internal_measures=frozenset(data["internal"]["measures"]),
        attack=re.compile(rf"[\w’'-]*\s+(?:[^\W\d_][\w’'-]*\s+)?[^\W\d_]*?(?:{'|'.join(map(re.escape, data['attacks']['stems']))})", re.I),
        period_start=union(modality["period_start"]),
        as_of=union(modality["as_of"]),
        reporting=re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in data['reporting'])})\b", re.I),
        located=frozenset(measures.get("located", [])),
        groups={word: group for group, words in data["groups"].items() if group != "measures" for word in words},
        group_measures=frozenset(data["groups"]["measures"]),
    )


def claims_from_figures(
    text: str,
    figures: list[Figure],
    published: dt.date | None,
    concepts: Concepts | None = None,
    language: str | None = None,
) -> list[Claim]:
    """A claim for every figure whose measure is tracked, in the article `text` the figures came from."""
    concepts = concepts or load_concepts()
    wording = _wording()
    sentences = split_sentences(text)
    claims: list[Claim] = []
    for position, figure in enumerate(figures):
        if figure.measure not in concepts.tracked:
            continue
        sentence_start = text.rfind(figure.sentence, 0, figure.start + len(figure.sentence))
        sentence_start = max(sentence_start, 0)
        offset = figure.start - sentence_start  # where the figure stands in its sentence
        place = _place(figure.sentence, offset, len(figure.text), concepts)
        subject, scope = _subject_and_scope(
            text, sentences, sentence_start, figure, offset, place, concepts, wording, claims, _fighters(figure, language),
            language,
        )
        if place is None and scope is None:
            scope = _article_place(claims, subject, figure.measure)
        as_of, period_start = _as_of(figure, offset, published, language, wording)
        claims.append(
            Claim(
                position=position,
                subject=subject,
                # amounts of money compare only in one currency: money_usd, money_eur ...
                measure=f"money_{figure.unit.casefold()}" if figure.measure == "money" and figure.unit else figure.measure,
                scope=scope,
                rate=figure.rate or _one_day(figure, offset, wording),
                value=figure.value,
                low=figure.low,
                high=figure.high,
                vague=figure.vague,
                text=figure.text,
                sentence=figure.sentence,
                actor=_actor(text, sentences, figure, offset, concepts, wording),
                attribution=figure.attribution,
                claim_date=as_of,
                modality=_modality(figure, offset, wording, concepts, subject, scope, claims),
                period_start=period_start,
            )
        )
    return claims


def _subject_and_scope(
    text: str,
    sentences: list[tuple[int, int]],
    sentence_start: int,
    figure: Figure,
    offset: int,
    place: str | None,
    concepts: Concepts,
    wording: _Wording,
    earlier: list[Claim],
    fighters: bool,
    language: str | None,
) -> tuple[str | None, str | None]:
    """Who the figure is about and where (`place`: the place its sentence puts it in, `_place`).

    In the figure's own words first ("nordkoreanische Soldaten"); for figures counted where something
    happened to people (`located` measures, unless the people are soldiers, who belong to their side) the
    place of its clause ("killed in Gaza") before a country named earlier in the sentence, which is often
    the side that did it; then a name attached after it in its noun phrase, the nearest name shortly
    before it (not a reporting institution's country), for soldiers the side of the article's last claim
    of the measure, the place of its clause, and last the subject or place of the sentences before.
    Names inside the attribution ("Kyiv says") are the source, not the subject. A place makes the
    subject the country it lies in and stays the scope: "in Hatay" -> turkey/hatay. docs/claims.md
    has the same list with examples."""
    own = matches(concepts.subjects, figure.text)
    if own:
        return own[0][0], place
    if shared := _elided_people(figure, offset, earlier, concepts, language):
        return shared.subject, shared.scope
    if side := _side_named(figure.sentence, offset, len(figure.text), concepts):
        return side, place
    if _OWN_SUBSET.search(figure.text) and earlier:
        return earlier[-1].subject, earlier[-1].scope  # "2.600 von ihnen": the subject of the whole
    if place and figure.measure in wording.located and not fighters:
        return _from_place(place, concepts)
    sentence = figure.sentence
    quoted = _attribution_span(sentence, figure.attribution)
    # a country named as the side that attacks is not the one counted: "infolge israelischer Angriffe"
    found = [m for m in matches(concepts.subjects, sentence)
             if not (quoted[0] <= m[1] < quoted[1]) and not wording.attack.match(sentence, m[2])]
    # After the figure only as part of its noun phrase: "1.351 tote russische Soldaten", "8.000 Soldaten
    # von Nordkorea-Diktator Kim".
    end = offset + len(figure.text)
    after = [m for m in found if end <= m[1] <= end + ATTACHED_CHARS and _ATTACHED.fullmatch(sentence[end : m[1]])]
    if after:
        return after[0][0], place
    if figure.measure in wording.located and not fighters:
        # a country's adjective in a place after the figure: "2.300 Menschen in der palästinensischen Enklave"
        stop = _clause(sentence, offset, end)[1]
        placed = [m for m in found if end <= m[1] < stop and _PLACE_CONTEXT.search(sentence[max(0, m[1] - 40) : m[1]])]
        if placed:
            return placed[0][0], place
    # "The Russian military updated its death toll ... fewer than 6,000 soldiers had died": its own dead
    toll = _OWN_TOLL.search(sentence, 0, offset) if fighters else None
    if toll and (owner := [m for m in found if m[2] <= toll.start()]):
        return owner[-1][0], place
    own_side = fighters and _OWN_SIDE.search(sentence[max(0, offset - 12) : offset + len(figure.text)])
    if own_side and (speaker := matches(concepts.subjects, sentence, *quoted)):
        return speaker[0][0], place  # "Russia said 63 of its troops were killed": the speaker's side
    if not own_side:  # "the Ukrainian military said 400 soldiers": the source; "63 of its troops": its side
        found = [m for m in found if not _is_source(sentence, m[2], wording)]
    before = [m for m in found if m[2] <= offset and offset - m[2] <= SUBJECT_BEFORE_CHARS]
    if before:
        return before[-1][0], place
    # a second source's figure in the sentence of the first: "Russland meldete 89 Tote, britischen
    # Geheimdiensten zufolge über 300"
    same = next((c for c in reversed(earlier) if c.subject and c.sentence == sentence), None)
    if same is None and not fighters and figure.measure in wording.located:
        # harm with no side named, told by a country's own institution: "According to Syrian TV, 239 died"
        reporter = matches(concepts.subjects, sentence, *quoted) if quoted != (0, 0) else []
        if reporter:
            return reporter[0][0], place
    if same is None and (fighters or figure.measure in wording.located):  # the side the article was just counting
        same = next((c for c in reversed(earlier) if c.subject and c.measure == figure.measure), None)
    if same:
        return same.subject, place
    if place:
        return _from_place(place, concepts)
    return _from_context(text, sentences, sentence_start, concepts, wording), None


def _elided_people(figure: Figure, offset: int, earlier: list[Claim], concepts: Concepts,
                   language: str | None) -> Claim | None:
    """The claim whose people a figure without people of its own counts too, when the two are joined in one
    sentence ("1,351 Russian servicemen had been killed and another 3,825 wounded", "40 peruanische Soldaten
    starben, 120 wurden verletzt"): the earlier figure names its side in its own words, and nothing between
    the two names another."""
    previous = earlier[-1] if earlier and earlier[-1].sentence == figure.sentence else None
    if previous is None or not previous.subject or not matches(concepts.subjects, previous.text):
        return None
    if figure.noun and load_vocabulary(language).measure_of(figure.noun.split()[-1]) != figure.measure:
        return None  # the figure names people of its own: "and 300 civilians"
    sentence = figure.sentence
    gap_start = sentence.find(previous.text) + len(previous.text)
    gap = sentence[gap_start:offset]
    if not 0 < len(gap) <= ELIDED_GAP_CHARS or not _JOINED.search(gap):
        return None
    if matches(concepts.subjects, gap) or matches(concepts.places, gap):
        return None
    return previous


def _side_named(sentence: str, offset: int, length: int, concepts: Concepts) -> str | None:
    """The side a figure's clause counts on ("13.500 Tote aufseiten Moskaus", "auf israelischer Seite 1.200
    Tote", "losses on the Russian side"), by a country's name or adjective, or a capital or leader that
    stands for it (an actor's alias: "Moskau", "Kyiv")."""
    start, stop = _clause(sentence, clause_start(sentence, 0, offset), offset + length)
    for m in _SIDE_OF.finditer(sentence, start, stop):
        at = m.end()
        named = [n for n in matches(concepts.subjects, sentence, at, at + 40) + matches(concepts.actor_aliases, sentence, at, at + 40)
                 if n[1] == at]
        if named:
            return concepts.country_of(named[0][0])
    for m in _SIDE_WORD.finditer(sentence, start, stop):
        named = [n for n in matches(concepts.subjects, sentence, m.start(1), m.end(1)) if n[1] == m.start(1)]
        if named:
            return named[0][0]
    return None


def _is_source(sentence: str, end: int, wording: _Wording) -> bool:
    """True for a country named as the institution that reports: "the Ukrainian military said"."""
    return _names_institution(sentence, end, wording) and bool(wording.reporting.search(sentence, end, end + 80))


def _names_institution(text: str, end: int, wording: _Wording) -> bool:
    """True for a country named as a source's institution: "Russia's defense ministry", "das
    ukrainische Verteidigungsministerium"."""
    rest = re.match(r"[\w’'-]*\s+", text[end : end + 40])
    if not rest:
        return False
    at = end + rest.end()
    if wording.institution_word.match(text, at):
        return True
    word = re.match(r"\w+\s+", text[at : at + 30])  # "Russia's own defence ministry"
    return bool(word) and bool(wording.institution_word.match(text, at + word.end()))


def _fighters(figure: Figure, language: str | None) -> bool:
    """True when the counted noun names soldiers ("63 Soldaten ... getötet"): they are counted by side."""
    return bool(figure.noun) and load_vocabulary(language).measure_of(figure.noun.split()[-1]) in FIGHTERS


def _article_place(earlier: list[Claim], subject: str | None, measure: str) -> str | None:
    """The place of the article's last figure of this subject and measure, for a figure whose sentence names
    no place at all: an article about the toll in Gaza counts Gaza's dead in the sentences after."""
    same = next((c for c in reversed(earlier) if c.subject == subject and c.measure == measure), None)
    return same.scope if same else None


def _from_place(place: str, concepts: Concepts) -> tuple[str, str | None]:
    country = concepts.country_of(place)
    return country, (place if place != country else None)


def _from_context(text: str, sentences: list[tuple[int, int]], sentence_start: int, concepts: Concepts,
                  wording: _Wording) -> str | None:
    """The subject or place named last in the few sentences before (a lead sets the scene once:
    "Ein Erdbeben hat die Türkei erschüttert. Mehr als 1.000 Menschen starben."), but not the side that
    attacks ("Israeli strikes overnight killed ... The death toll has climbed to 60,034")."""
    index = next((i for i, (s, _e) in enumerate(sentences) if s >= sentence_start), len(sentences))
    for s, e in reversed(sentences[max(0, index - CONTEXT_SENTENCES) : index]):
        found = sorted(matches(concepts.subjects, text, s, e) + matches(concepts.places, text, s, e), key=lambda m: m[1])
        found = [m for m in found if not wording.attack.match(text, m[2])]
        if found:
            return concepts.country_of(found[-1][0])
    return None


def _place(sentence: str, offset: int, length: int, concepts: Concepts) -> str | None:
    """The place the sentence puts the figure in: the nearest place after a preposition of place,
    the more specific one when two stand together ("in Russia's Kursk region")."""
    places = [m for m in matches(concepts.places, sentence) if _PLACE_CONTEXT.search(sentence[max(0, m[1] - 40) : m[1]])
              and not _ORIGIN.fullmatch(sentence[offset + length : m[1]])]  # "7.000 Soldaten aus Russland": their origin
    if not places:
        return None
    start, end = _clause(sentence, clause_start(sentence, 0, offset), offset + length)
    in_clause = [m for m in places if start <= m[1] < end]
    places = in_clause or places
    middle = offset + length / 2
    nearest = min(places, key=lambda m: abs((m[1] + m[2]) / 2 - middle))
    for concept, start, _end in places:
        if abs(start - nearest[1]) <= 30 and concepts.is_part_of(concept, nearest[0]):
            return concept
    return nearest[0]


def _actor(text: str, sentences: list[tuple[int, int]], figure: Figure, offset: int, concepts: Concepts,
           wording: _Wording) -> str | None:
    """Who says it: the attribution phrase when it belongs to this figure (before it, in its clause, or
    closing the sentence) naming a known actor, a country or an institution; else a country or actor
    that reports in the figure's clause ("Russland hatte den Tod von 89 Soldaten gemeldet"); else a named
    speaker or a country's institution in the sentence or the one before. A wire dateline ("Moskau/Kiew
    (dpa) –") names places, not sources."""
    sentence = figure.sentence
    floor = m.end() if (m := _DATELINE.match(sentence)) else 0
    end = offset + len(figure.text)
    # an attribution phrase never spans two clauses: "… gemeldet, den britischen Geheimdiensten zufolge"
    phrase = figure.attribution.rsplit(",", 1)[-1].strip() if figure.attribution else None
    attribution = phrase if _attribution_applies(sentence, phrase, offset, end) else None
    if attribution:
        # an institution's seat right after the phrase names it: "nach Angaben des Ministeriums in Moskau"
        at = sentence.find(attribution) + len(attribution)
        seat = _SEAT.match(sentence, at) if at >= len(attribution) else None
        named = attribution + (seat.group(0) if seat else "")
        found = matches(concepts.actor_aliases, named) or matches(concepts.subjects, named)
        if found:
            return found[0][0]
    clause = _clause(sentence, max(floor, clause_start(sentence, floor, offset)), end)
    reporting = [m for m in matches(concepts.actor_aliases, sentence, *clause) + matches(concepts.subjects, sentence, *clause)
                 if wording.reporting.search(sentence, m[2], clause[1]) and not offset <= m[1] < end + ATTACHED_CHARS]
    if reporting:
        return concepts.country_of(reporting[0][0])
    if institution := _institution(sentence, floor, len(sentence), concepts, wording):  # "Das russische Ministerium"
        return institution[0][0]
    if attribution and (own := _own_words(attribution, wording)):
        return own
    if found := matches(concepts.actor_speakers, sentence, floor):  # its institution was looked for above
        return found[0][0]
    index = next((i for i, (s, e) in enumerate(sentences) if s <= figure.start < e), None)
    if index:
        s, e = sentences[index - 1]
        if found := matches(concepts.actor_speakers, text, s, e) or _institution(text, s, e, concepts, wording):
            return found[-1][0]
    named = _NAMED_INSTITUTION.search(sentence, floor)
    if named and wording.institutions.search(named.group(0)) and wording.reporting.search(sentence, floor):
        return _own_words(named.group(0), wording)
    return None


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """From `start` to the first clause break after `end` (or the sentence end)."""
    after = CLAUSE_BREAK.search(sentence, end)
    return start, after.start() if after else len(sentence)


def _attribution_applies(sentence: str, attribution: str | None, start: int, end: int) -> bool:
    """The sentence's attribution belongs to a figure it stands before, to one in its own clause, and to
    every figure when it closes the sentence ("…, the ministry said on Monday.")."""
    if not attribution:
        return False
    at = sentence.find(attribution)
    if at < 0 or at + len(attribution) <= start:
        return True
    clause = _clause(sentence, clause_start(sentence, 0, start), end)
    if clause[0] <= at < clause[1]:
        return True
    return len(re.findall(r"[^\W\d_]+", sentence[at + len(attribution) :])) <= 2  # "…, the ministry said on Monday."


def _institution(text: str, start: int, end: int, concepts: Concepts, wording: _Wording) -> list[tuple[str, int, int]]:
    """Countries named as a source's institution: "das ukrainische Verteidigungsministerium",
    "Russia's defense ministry", "Turkish authorities"."""
    found = []
    for concept, s, e in matches(concepts.subjects, text, start, end) + matches(concepts.places, text, start, end):
        if _names_institution(text, e, wording):
            found.append((concepts.country_of(concept), s, e))
    return sorted(found, key=lambda m: m[1])


def _own_words(phrase: str, wording: _Wording) -> str | None:
    """An unknown institution by its own words, up to the word that names it: "laut dem
    Gesundheitsministerium" -> "gesundheitsministerium", "the health ministry said" -> "health_ministry";
    an acronym ("AFAD") stands for itself. None when the phrase names no institution ("weiterhin wurden")."""
    words = re.findall(r"[^\W\d_][\w-]*", phrase)
    named = [i for i, w in enumerate(words) if wording.institutions.search(w)]
    if named:
        last = named[-1]
        before = words[last - 1].casefold() if last and words[last - 1][0].islower() else None
        keep = [before] if before and before not in _NOT_A_NAME and not wording.reporting.fullmatch(before) else []
        return "_".join([*keep, words[last].casefold()])
    acronyms = [w for w in words if len(w) >= 2 and w.isupper()]
    return acronyms[0].casefold() if acronyms else None


_NOT_A_NAME = frozenset({"laut", "nach", "angaben", "according", "zufolge", "dem", "der", "des", "den", "die", "das",
                         "the", "eines", "einer", "unter", "auf", "to", "by", "of", "von", "its", "their"})


def _attribution_span(sentence: str, attribution: str | None) -> tuple[int, int]:
    if not attribution:
        return (0, 0)
    start = sentence.find(attribution)
    return (start, start + len(attribution)) if start >= 0 else (0, 0)


def _modality(
    figure: Figure, offset: int, wording: _Wording, concepts: Concepts, subject: str | None, scope: str | None,
    earlier: list[Claim],
) -> str:
    """What kind of figure it is, from the wording around it: a group's or a cause's part of a toll
    ("14,500 children", "60 dengue deaths"), a part ("darunter", "in Hatay alone", "includes"), the whole a
    part is counted out of ("6,8 Millionen der 25 Millionen"), an increment ("weitere 3.000"), a count by
    name, an earlier figure looked back on ("damals", "at that time"), a region's part ("im Nordwesten",
    "under government control", unless a place below the country names the part already), a plan, or a
    count. Each is compared only with its own kind, but a count by name can exceed a count."""
    sentence = figure.sentence
    end = offset + len(figure.text)
    start = clause_start(sentence, 0, offset)
    clause_stop = clause_end(sentence, end, len(sentence))
    # the figure's clause and the one before it, which often sets the scene: "In northern Mozambique, 300 ..."
    scene_start = clause_start(sentence, 0, max(0, start - 2))
    scene = sentence[scene_start:clause_stop]
    before = sentence[max(0, offset - 40) : offset]
    if figure.measure in wording.located:
        group = _group(figure, wording) if figure.measure in wording.group_measures else None
        if group and figure.measure != group:
            return f"{SUBSET}:{group}"
        if figure.measure in wording.internal_measures and wording.internal.search(sentence, max(0, offset - 60), clause_stop):
            return f"{SUBSET}:internal"
        if _attack_on_target(sentence, offset, wording, concepts):
            return f"{SUBSET}:target"
        if cause := next((c for c, words in wording.causes.items() if words.search(sentence, max(0, offset - 60), clause_stop)), None):
            return f"{SUBSET}:{cause}"
    if (figure.part_of or wording.subset_after.match(sentence, end) or _OWN_SUBSET.search(figure.text)
            or wording.subset_before.search(before) or _singled_out(scene, subject, wording, concepts)):
        return SUBSET
    if wording.whole.search(before):
        return WHOLE
    if wording.combined.search(scene):
        return COMBINED
    if wording.increment_before.search(before) or wording.increment_after.match(sentence, end) or re.search(
        r"\b(?:weitere[nrs]?|zusätzliche[nrs]?|additional|more(?!\s+than))\b", figure.text, re.I
    ):
        # "another 5,914 in Syria" after "44,218 in Turkey" is the next place's count, not an increment, and
        # "weitere 1.408 in den von der Regierung kontrollierten Gebieten" the next region's
        if region := _region(sentence, start, clause_stop, offset, wording):
            return f"{SUBSET}:{region}"
        previous = earlier[-1] if earlier and earlier[-1].sentence == sentence else None
        if previous and (previous.subject, previous.scope) != (subject, scope):
            return COUNT
        # "1,351 killed and another 3,825 wounded" counts other harm, not more of the same
        if not (previous and previous.measure != figure.measure):
            return INCREMENT
    if wording.verified.search(sentence, max(0, offset - 60), clause_stop):
        return VERIFIED
    if (cue := _last(wording.earlier, sentence, offset)) is not None and not wording.current.search(sentence, cue, offset):
        return EARLIER
    if (scope is None or concepts.country_of(scope) == scope) and (region := _region(sentence, scene_start, clause_stop, offset, wording)):
        return f"{SUBSET}:{region}"
    # the clause, and the words just before it: "plant, 6.000 Soldaten zu schicken"
    return PLAN if wording.plan.search(sentence[max(0, start - 25) : clause_stop]) else COUNT


def _region(sentence: str, start: int, stop: int, offset: int, wording: _Wording) -> str | None:
    """The region of the country the figure's scene counts in, named by its words ("im Nordwesten" ->
    "region:northwest", "unter Regierungskontrolle" -> "region:government"), the nearest one to the figure
    when the scene names two; "region" alone when its words name no direction or side."""
    found = list(wording.region.finditer(sentence, start, stop))
    if not found:
        return None
    nearest = min(found, key=lambda m: min(abs(m.start() - offset), abs(m.end() - offset)))
    # the side may stand before or after: "von der Regierung kontrollierten", "controlled by the government"
    words = sentence[max(start, nearest.start() - 25) : min(stop, nearest.end() + 25)].casefold()
    named = {name for stem, name in wording.region_names.items() if stem in words}
    compass = "".join(d for d in ("north", "south", "east", "west") if d in named)
    side = next((n for n in sorted(named) if n not in ("north", "south", "east", "west")), None)
    return f"region:{compass or side}" if compass or side else "region"


def _attack_on_target(sentence: str, offset: int, wording: _Wording, concepts: Concepts) -> bool:
    """True when an attack on a target other than a country stands shortly before the figure."""
    for m in wording.target.finditer(sentence, max(0, offset - TARGET_BEFORE_CHARS), offset):
        named = matches(concepts.subjects, sentence, m.end(), m.end() + 30) + matches(concepts.places, sentence, m.end(), m.end() + 30)
        if not any(s == m.end() for _c, s, _e in named):
            return True
    return False


def _singled_out(clause: str, subject: str | None, wording: _Wording, concepts: Concepts) -> bool:
    """True for a part the clause singles out ("in Hatay alone"), but not for the subject's own country
    singled out of a wider toll ("allein in der Türkei": Turkey's whole count)."""
    m = wording.part.search(clause)
    if not m:
        return False
    near = matches(concepts.subjects, clause, max(0, m.start() - 25), m.end() + 15)  # "in Turkey alone", "allein in der Türkei"
    return not any(concept == subject for concept, _s, _e in near)


def _last(pattern: re.Pattern[str], text: str, end: int) -> int | None:
    """Where the last match of `pattern` before `end` ends, or None."""
    found = None
    for m in pattern.finditer(text, 0, end):
        found = m.end()
    return found


def _one_day(figure: Figure, offset: int, wording: _Wording) -> str:
    """ "day" for a figure its sentence counts over one day ("in den vergangenen 24 Stunden 117 Tote"),
    else "total"."""
    stop = clause_end(figure.sentence, offset + len(figure.text), len(figure.sentence))
    return "day" if wording.one_day.search(figure.sentence, 0, stop) else "total"


def _group(figure: Figure, wording: _Wording) -> str | None:
    """The group of people the figure's words name, if any ("14,500 children dead", "aid workers")."""
    words = re.findall(r"[^\W\d_]+", figure.text.casefold())
    for first, second in zip(words, [*words[1:], ""]):
        if group := wording.groups.get(f"{first} {second}") or wording.groups.get(first):
            return group
    return None


def _as_of(
    figure: Figure, offset: int, published: dt.date | None, language: str | None, wording: _Wording
) -> tuple[dt.date | None, dt.date | None]:
    """(as-of date, period start): the date the sentence names nearest the figure, unless a "seit" or
    "since" makes it the start of a period; then, and without a date, the publication date."""
    if not figure.date_hint:
        return published, None
    mentions = _sentence_dates(figure.sentence, published, language)
    starts = [m for m in mentions if wording.period_start.search(figure.sentence[max(0, m.start - 40) : m.start])]
    others = [m for m in mentions if m not in starts]
    period_start = min((m.date for m in starts), default=None)
    # "bis zum 19. Juni", "as of March 3": the date the figure holds up to, before any nearer one
    held = [m for m in others if wording.as_of.search(figure.sentence[max(0, m.start - 20) : m.start])]
    if others:
        nearest = min(held or others, key=lambda m: abs(m.start - offset))
        return nearest.date, period_start
    if not mentions:  # the figure's hint came from a wider search than this sentence's
        return _hint_date(figure.date_hint), None
    return published, period_start


@lru_cache(maxsize=256)  # every dated figure of a sentence asks again
def _sentence_dates(sentence: str, published: dt.date | None, language: str | None) -> tuple:
    return tuple(find_date_mentions(sentence, published, load_rules(), load_vocabulary(language))[0])


def _hint_date(hint: str) -> dt.date:
    return dt.date.fromisoformat(hint if len(hint) == 10 else f"{hint}-01")
