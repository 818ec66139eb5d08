"""Every figure an article states: value, interval, what it counts, who says it, when.

Works sentence by sentence on cleaned text: find amounts (numerals, number words, vague
words, ranges), drop what is not a count (dates, years, times, ages, model names, calibres,
ordinals, phone numbers), then read the wording around each amount: hedge, unit, counted
noun, rate, part-of marker, attribution and date. Vocabulary comes from data/figures/*.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cache

from .dates import DateMention, find_date_mentions
from .intervals import interval, vague_interval
from .numbers import NUMERAL, number_word_value, parse_number_word, parse_numeral
from .records import Figure
from .rules import Rules, load_rules
from .sentences import clause_end, clause_start, split_sentences
from .vocabulary import Vocabulary, load_vocabulary

# How far around an amount its wording is looked for, in words or characters.
NOUN_WINDOW_WORDS = 4
LOOKBACK_WORDS = 8
RATE_WINDOW_CHARS = 40
HEDGE_WINDOW_CHARS = 40
# How far after a bare number ("80 are still held hostage") its verb may stand to give it a measure.
BARE_PREDICATE_CHARS = 40
# People whom casualty verbs turn into casualties ("Soldaten ... getötet").
PERSON_MEASURES = frozenset({"troops", "officers", "generals", "people", "civilians", "workers"})
CASUALTY_MEASURES = frozenset({"killed", "wounded", "prisoners", "missing", "casualties"})
# A measure a figure took from the one before it that its own predicate can change ("6.88 million
# displaced, ... 1.45 million have fled the country": the 1.45 million are refugees).
INHERITED_REFINED = CASUALTY_MEASURES | {"displaced", "refugees"}
# Counted things whose measure the predicate can narrow: "Opfer ... getötet" are the killed.
REFINED_BY_PREDICATE = PERSON_MEASURES | {"casualties", "hostages"}
# Unit kinds (data/figures/*.toml [units]) that measure rather than count: "drei Tage", "17 km",
# "2.000 Tonnen" keep their unit but get no measure, so they never become claims or compete with counts.
MEASUREMENTS = frozenset({"duration", "distance", "weight", "depth", "magnitude", "temperature"})


_TRANSPARENT = frozenset("-–«»\"„“”‘’'›‹")
# Words and single punctuation marks: the noun search after an amount stops at a comma or a period.
_WORD = re.compile(r"[^\W\d_][\w'’-]*|[^\w\s]")
_PHONE = re.compile(r"(?<!\w)(?:\+\d{1,3}|\(0\d{1,4}\)|0\d{2,4})(?:[\s/-]+\d{2,}){2,}")
_TIME = re.compile(r"(?<!\d)\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm)\b)|(?<!\d)\d{1,2}:\d{2}(?!\d)", re.I)
_UNIT_GAP = re.compile(r"\s*(?:auf|bis|to|und|and|oder|or|von|from|–|-)?\s*", re.I)
# Between two figures that share the first one's verb: "… in Turkey, and another", "… in der Türkei und weitere".
_SHARED_PREDICATE = re.compile(r"[^.;:]{0,40}?,?\s*(?:and|und|sowie)\s+(?:another|other|weitere|noch)?\s*", re.I)
_COORDINATION = re.compile(r"^\s*(?:,|und|and|sowie|as well as|plus|&)\s*$", re.I)
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")
_YEAR = re.compile(r"^(?:1[89]|20|21)\d\d$")
# A small bare number set off by commas or brackets after a name is an age: "Putin (69)", "Juri Schuk, 38,".
_APPOSITION_BEFORE = re.compile(r"[\w.]\s*[,(]\s*$")
_APPOSITION_AFTER = re.compile(r"^\s*[),;]")
MAX_AGE = 120


@dataclass(frozen=True)
class _Amount:
    """A number found in a sentence, before its wording is read. Offsets are in the sentence."""

    start: int
    end: int
    value: float
    granularity: float
    low_value: float | None = None  # for ranges: both ends
    high_value: float | None = None
    vague_unit: float | None = None
    numeral: str | None = None  # digits as written, for year and ordinal checks
    attached: str | None = None  # "bn", "%" glued to the digits
    scaled: bool = False


def extract_figures(
    text: str,
    language: str | None = None,
    published: dt.date | None = None,
    *,
    precision: str = "day",
    rules: Rules | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Figure]:
    """Figures in cleaned article `text`, in text order.

    `published` places dates the text mentions ("am Freitag", "14. Oktober"); with a `precision`
    coarser than "day", weekdays are left unresolved.
    """
    vocab = vocabulary or load_vocabulary(language)
    rules = rules or load_rules()
    figures: list[Figure] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if _may_hold_figure(sentence, vocab):
            found = _sentence_figures(sentence, start, vocab, rules, published, precision == "day", figures)
            figures.extend(found)
    return figures


def _may_hold_figure(sentence: str, vocab: Vocabulary) -> bool:
    """A cheap test that skips most sentences: no digit, number word or vague amount, no figure."""
    if _DIGIT.search(sentence):
        return True
    words = set(_LETTERS.findall(sentence.casefold()))
    exact, prefixes = _triggers(vocab)
    if not words.isdisjoint(exact):
        return True
    # Glued German numbers ("zwölftausend") start like a number word; only those are parsed.
    return any(number_word_value(w, vocab) is not None for w in words if w[:3] in prefixes)


@cache  # one per vocabulary (vocabularies hash by identity)
def _triggers(vocab: Vocabulary) -> tuple[frozenset[str], frozenset[str]]:
    """Words that can carry a worded figure (scales, vague words, number words), and their first letters."""
    pieces = {*vocab.number_words, *vocab.word_multipliers, *vocab.word_fractions, *vocab.word_whole}
    lone = {w for w in vocab.number_words if number_word_value(w, vocab) is None}  # "ein", "one"
    exact = {*vocab.scales, *(p.rsplit(None, 1)[-1] for p in vocab.vague), *(pieces - lone)}
    return frozenset(exact), frozenset(p[:3] for p in pieces)


def _sentence_figures(
    sentence: str,
    offset: int,
    vocab: Vocabulary,
    rules: Rules,
    published: dt.date | None,
    weekdays: bool,
    earlier: list[Figure],
) -> list[Figure]:
    """The figures of one sentence; `offset` is where it starts in the article."""
    dates, blocked = find_date_mentions(sentence, published, rules, vocab, weekdays)
    blocked += [m.span() for m in _PHONE.finditer(sentence)] + [m.span() for m in _TIME.finditer(sentence)]
    amounts = _merge_ranges(sentence, _find_amounts(sentence, vocab, blocked), vocab)
    # Numbers that count nothing go first, so that they do not end the noun search of the amount
    # before them ("500,000 122-millimeter shells": the calibre stands between the count and its noun).
    amounts = [a for a in amounts if a.vague_unit is not None or not _not_a_count(sentence, a, vocab)]
    attribution = None
    found: list[Figure] = []
    for i, amount in enumerate(amounts):
        next_start = amounts[i + 1].start if i + 1 < len(amounts) else len(sentence)
        prev_end = amounts[i - 1].end if i else 0
        figure = _read_figure(sentence, amount, vocab, prev_end, next_start, found or earlier[-3:])
        if figure is None:
            continue
        if not found:  # the sentence's attribution, looked for once it has a figure
            attribution = vocab.attribution.search(sentence)
        if figure.part_of is None and found and found[-1].part_of:
            gap = sentence[found[-1].end - offset : figure.start]
            if _COORDINATION.match(gap):
                figure = replace(figure, part_of=found[-1].part_of)
        figure = replace(
            figure,
            start=figure.start + offset,
            end=figure.end + offset,
            sentence=sentence,
            attribution=attribution.group(0).strip(" ,.;:") if attribution else None,
            date_hint=_nearest_date(dates, amount.start),
        )
        found.append(figure)
    return _share_units(sentence, offset, found)


def _share_units(sentence: str, offset: int, figures: list[Figure]) -> list[Figure]:
    """ "von 2 Milliarden auf 3,5 Milliarden Euro": a bare amount takes the unit of the next one."""
    for i in range(len(figures) - 2, -1, -1):
        here, after = figures[i], figures[i + 1]
        gap = sentence[here.end - offset : after.start - offset]
        if here.noun is None and here.measure is None and after.unit and _UNIT_GAP.fullmatch(gap):
            figures[i] = replace(here, measure=after.measure, unit=after.unit)
    return figures


def _find_amounts(sentence: str, vocab: Vocabulary, blocked: list[tuple[int, int]]) -> list[_Amount]:
    """Numerals, number words and vague words, with any scale word after them; no overlaps."""
    amounts: list[_Amount] = []
    taken = list(blocked)

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    for m in NUMERAL.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        numeral, end = m["num"], m.end()
        attached = (m["attached"] or "").casefold() or None
        if m["sep"] and m["sep"].isspace() and not attached and vocab.never_after.match(sentence[end:]):
            numeral = numeral.rsplit(m["sep"], 1)[0]  # "300 122-mm rockets": a count, then a calibre
            end = m.start() + len(numeral)
        number = parse_numeral(numeral)
        amount = _Amount(m.start(), end, number.value, number.granularity, numeral=numeral, attached=attached)
        amount = _with_scale(sentence, amount, vocab)
        amounts.append(amount)
        taken.append((amount.start, amount.end))
    for m in vocab.vague_pattern.finditer(sentence):
        if free(m.start(), m.end()) and not _scale_of_number_before(sentence, m.start(), vocab):
            value, _low, _high = vague_interval(vocab.vague[_normal(m.group(0))])
            amounts.append(_Amount(m.start(), m.end(), value, 0.0, vague_unit=vocab.vague[_normal(m.group(0))]))
            taken.append(m.span())
    for amount in _word_numbers(sentence, vocab):
        amount = _with_scale(sentence, amount, vocab)
        if free(amount.start, amount.end):
            amounts.append(amount)
            taken.append((amount.start, amount.end))
    return sorted(amounts, key=lambda a: a.start)


def _word_numbers(sentence: str, vocab: Vocabulary) -> list[_Amount]:
    """Number words and runs of them ("eleven thousand", "zweieinhalb"), and "eine halbe Million"."""
    found: list[_Amount] = []
    patterns = _word_patterns(vocab)
    for m in patterns.decimal.finditer(sentence):  # "one-point-six (million)"
        # Both parts are read whole: "one" counts here, as it does before a scale word.
        whole = parse_number_word(re.sub(r"[\s-]+", "", m["whole"]), vocab)
        digits = [parse_number_word(w, vocab) for w in re.split(r"[\s-]+", m["digits"])]
        if whole is not None and all(d is not None and d < 10 and d == int(d) for d in digits):
            value = whole + float("0." + "".join(str(int(d)) for d in digits))
            found.append(_Amount(m.start(), m.end(), value, 10.0 ** -len(digits)))
    for m in patterns.run.finditer(sentence):
        if any(a.start <= m.start() < a.end for a in found):
            continue
        value = _run_value(m.group(0), vocab)
        if value is None:
            continue
        end, granularity = m.end(), _word_granularity(value)
        tail = _WORD_TAIL.match(sentence, end)
        if tail and value >= 1000 and value % 1000 == 0:  # "four-thousand-100"
            value, end, granularity = value + int(tail["digits"]), tail.end(), 0.0
        found.append(_Amount(m.start(), end, value, granularity))
    for m in patterns.lead.finditer(sentence):
        found.append(_Amount(m.start(), m.end("lead"), vocab.scale_lead[_normal(m["lead"])], 0.0))
    return found


_JOINERS = ("und", "and")
# Digits glued to a run of number words by a hyphen (broadcast style): "four-thousand-100".
_WORD_TAIL = re.compile(r"-(?P<digits>\d{1,3})(?![\d.,]?\d)")


def _word_granularity(value: float) -> float:
    """ "zwölftausend" is as round as "12.000"; "zweieinhalb" is precise to a half."""
    if value != int(value):
        return 0.5
    return parse_numeral(str(int(value))).granularity


def _run_value(run: str, vocab: Vocabulary) -> float | None:
    """The value of a run of number words; a lone "ein"/"one" is not a count."""
    words = re.split(r"[\s-]+", run)
    joined = "".join(words)
    return number_word_value(joined, vocab) if len(words) == 1 else parse_number_word(joined, vocab)


@dataclass(frozen=True)
class _WordPatterns:
    run: re.Pattern[str]  # glued or spaced number words
    lead: re.Pattern[str]  # "eine halbe" / "half a" right before a scale word
    decimal: re.Pattern[str]  # "one-point-six": groups "whole" and "digits"


@cache
def _word_patterns(vocab: Vocabulary) -> _WordPatterns:
    """Compiled once per vocabulary: a scan for candidates, checked by parse_number_word after."""
    pieces = [*vocab.number_words, *vocab.word_multipliers, *vocab.word_fractions, *vocab.word_whole]
    piece = "|".join(re.escape(p) for p in sorted(set(pieces), key=len, reverse=True))
    joiner = "|".join(_JOINERS)
    word = rf"(?:{piece})(?:{piece}|{joiner})*"
    scales = "|".join(re.escape(w) for w in sorted(vocab.scales, key=len, reverse=True) if len(w) > 1) or "(?!)"
    leads = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(vocab.scale_lead, key=len, reverse=True))
    point = "|".join(re.escape(w) for w in vocab.decimal_point) or "(?!)"
    run = rf"{word}(?:(?:\s+|-)(?:(?:{joiner})\s+)?{word})*"
    return _WordPatterns(
        # A run may end in "-100" ("four-thousand-100"), not in a hyphen and a word.
        run=re.compile(rf"(?<![\w-]){run}(?!\w)(?!-[^\W\d_])", re.I),
        decimal=re.compile(rf"(?<![\w-])(?P<whole>{run})[\s-]+(?:{point})[\s-]+(?P<digits>{word}(?:[\s-]+{word})*)(?![\w-])", re.I),
        lead=re.compile(rf"(?<![\w-])(?P<lead>{leads or '(?!)'})(?=\s+(?:{scales})(?!\w))", re.I),
    )


def _is_number_word(key: str, vocab: Vocabulary) -> bool:
    return parse_number_word(key, vocab) is not None


@cache
def _scale_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    """A scale word after the number; one-letter scales ("m", "k") only count glued to it."""
    words = sorted((w for w in vocab.scales if len(w) > 1), key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words) or "(?!)"
    return re.compile(rf"(?:\s+|-)(?P<scale>{alternation})(?![\w])", re.I)


def _with_scale(sentence: str, amount: _Amount, vocab: Vocabulary) -> _Amount:
    """Apply "Millionen", "Mio.", "billion", "bn" after (or glued to) the number."""
    scale, end = 1.0, amount.end
    if amount.attached and amount.attached in vocab.scales and amount.attached != "m":
        scale = vocab.scales[amount.attached]
    elif amount.attached == "m" and _currency_before(sentence, amount.start, vocab):
        scale = 1e6
    m = _scale_pattern(vocab).match(sentence, end)
    if m and scale == 1.0:
        scale, end = vocab.scales[m["scale"].casefold()], m.end()
    if scale == 1.0:
        return amount
    granularity = (amount.granularity or 1.0) * scale
    return replace(amount, end=end, value=amount.value * scale, granularity=granularity, scaled=True)


def _scale_of_number_before(sentence: str, start: int, vocab: Vocabulary) -> bool:
    """True for "fünf Millionen": the vague-looking word is the scale of a number before it."""
    before = sentence[:start].rstrip()
    m = re.search(r"(\d|[^\W\d_]+)$", before)
    if not m:
        return False
    token = m.group(1)
    return token.isdigit() or _is_number_word(token.casefold(), vocab) or token.casefold() in vocab.scale_lead


def _merge_ranges(sentence: str, amounts: list[_Amount], vocab: Vocabulary) -> list[_Amount]:
    """ "10.000 bis 12.000", "zwischen 1.000 und 3.000", "11 to 12,000" become one amount."""
    merged: list[_Amount] = []
    i = 0
    to_words = "|".join(re.escape(w) for w in vocab.range_to) or "(?!)"
    and_words = "|".join(re.escape(w) for w in vocab.range_and) or "(?!)"
    between = "|".join(re.escape(w) for w in vocab.range_between) or "(?!)"
    while i < len(amounts):
        a = amounts[i]
        if i + 1 < len(amounts) and a.vague_unit is None and amounts[i + 1].vague_unit is None:
            b = amounts[i + 1]
            gap = sentence[a.end : b.start]
            is_to = re.fullmatch(rf"\s*(?:{to_words})\s*", gap, re.I)
            is_between = re.fullmatch(rf"\s*(?:{and_words})\s*", gap, re.I) and re.search(
                rf"(?<!\w)(?:{between})\s*$", sentence[: a.start], re.I
            )
            if (is_to or is_between) and not a.attached and not _is_change(sentence, a, vocab):
                low = _range_low(a, b)
                if low < b.value:
                    start = a.start
                    if is_between:
                        start = re.search(rf"(?<!\w)(?:{between})\s*$", sentence[: a.start], re.I).start()
                    merged.append(
                        _Amount(start, b.end, low, 0.0, low, b.value, scaled=a.scaled or b.scaled)
                    )
                    i += 2
                    continue
        merged.append(a)
        i += 1
    return merged


def _is_change(sentence: str, a: _Amount, vocab: Vocabulary) -> bool:
    """ "rose from $2 billion to $3.5 billion" is two figures, not a range."""
    return bool(vocab.change_before.search(sentence[max(0, a.start - 30) : a.start]))


def _range_low(a: _Amount, b: _Amount) -> float:
    """The low end; "10 bis 12 Millionen" and "11 to 12,000" borrow the high end's magnitude."""
    if a.scaled or a.value >= b.value:
        return a.value
    for scale in (1e12, 1e9, 1e6, 1e3):
        if b.value >= scale and a.value < 1000 and 0.1 * b.value <= a.value * scale <= b.value:
            return a.value * scale
    return a.value


def _read_figure(
    sentence: str,
    a: _Amount,
    vocab: Vocabulary,
    prev_end: int,
    next_start: int,
    earlier: list[Figure],
) -> Figure | None:
    """The figure an amount makes in its sentence, or None when the number is not a count."""
    after = sentence[a.end :]
    start = a.start
    currency = _currency_before(sentence, start, vocab)
    if currency:  # "an estimated $1.5 billion": the hedge stands before the sign
        start = sentence.rfind(currency[0], 0, start)
    hedge = vocab.hedge_before.search(sentence[max(0, start - HEDGE_WINDOW_CHARS) : start])
    kind, qualifier = "exact", None
    if hedge and a.low_value is None:
        qualifier = hedge["hedge"]
        kind = vocab.hedges[_normal(qualifier)]
        start = max(0, start - HEDGE_WINDOW_CHARS) + hedge.start()
    trailing = vocab.hedge_after.match(after)
    # Unit and counted noun: a unit word, the noun after, "von ihnen", a noun shortly before, or the
    # noun of the figure before it in a list ("3.000 Soldaten im August, 5.000 im September").
    unit = currency[1] if currency else None
    measure = "money" if currency else None
    noun, noun_end, inherited = None, a.end, False
    unit_hit = _unit_after(sentence, a.end, vocab)
    if a.attached == "%":
        measure, unit = "percent", "%"
    elif unit_hit:
        measure, unit = unit_hit[0], unit_hit[1]
        noun, noun_end = sentence[a.end : unit_hit[2]].strip(), unit_hit[2]
    antecedent = _antecedent(after, vocab) if measure not in ("percent", "money") else None
    if antecedent:
        noun_end = a.end + antecedent
        # "von ihnen" points at the whole, not at a subset listed just before ("darunter 500 Offiziere").
        source = next((f for f in reversed(earlier) if f.measure and not f.part_of), None)
        if source:
            noun, measure, inherited = source.noun, source.measure, True
    elif measure is None:
        found = _noun_after(sentence, noun_end, next_start, vocab)
        if found:
            noun, measure, noun_end = found
    if a.vague_unit is None and _is_year(a, measure, unit):
        return None
    if measure is None and (noun is None or antecedent):
        back = _noun_before(sentence, prev_end, a.start, vocab)
        if back:
            noun, measure, inherited = back[0], back[1], True
        elif earlier and earlier[-1].measure and noun is None and earlier[-1].sentence == sentence:
            noun, measure, inherited = earlier[-1].noun, earlier[-1].measure, True
    if measure is None and unit is None and a.vague_unit is None:
        # a bare number with a harm verb of its own: "mindestens 80 starben", "600,000 have fled"
        stop = min(clause_end(sentence, a.end, next_start), a.end + BARE_PREDICATE_CHARS)
        measure = _casualty_measure(sentence[a.end : stop], 0, vocab)
    if measure in REFINED_BY_PREDICATE or (inherited and measure in INHERITED_REFINED):
        # The verb after "und"/"and" belongs to the next figure ("... und 600 Panzer verloren").
        clause_from = clause_start(sentence, prev_end, start)
        clause = sentence[clause_from : clause_end(sentence, noun_end, next_start)]
        measure = _casualty_measure(clause, a.start - clause_from, vocab) or measure
    if (measure in PERSON_MEASURES and earlier and earlier[-1].sentence == sentence
            and earlier[-1].measure in CASUALTY_MEASURES and _SHARED_PREDICATE.fullmatch(sentence[prev_end : a.start])):
        measure = earlier[-1].measure  # "killed 44,218 people in Turkey, and another 5,914 (people) in Syria"
    if noun and vocab.measure_of(noun) in ("killed", "wounded") and _coordinated_casualty(sentence, noun_end, measure, vocab):
        measure = "casualties"  # "3.000 Tote und Verwundete"
    trailing_end = a.end + trailing.end() if trailing else 0
    if not trailing and (trailing := vocab.hedge_after.match(sentence[noun_end:])):  # "500 troops or more"
        trailing_end = noun_end + trailing.end()
    if trailing and kind == "exact":
        qualifier = trailing.group(0).strip()
        kind = vocab.hedges_after[_normal(qualifier)]
        noun_end = max(noun_end, trailing_end)
    # Interval.
    if a.vague_unit is not None:
        value, low, high = vague_interval(a.vague_unit)
    elif a.low_value is not None:
        value, low, high = a.value, a.low_value, a.high_value
    else:
        value = a.value
        low, high = interval(kind, a.value, a.granularity)
    rate = None
    if measure not in MEASUREMENTS:
        window_after = sentence[noun_end : min(next_start, noun_end + RATE_WINDOW_CHARS)]
        window_before = sentence[max(prev_end, start - 25) : start]
        rate_hit = vocab.rate_pattern.search(window_after)
        if rate_hit and re.match(r"\s+\d", sentence[noun_end + rate_hit.end() :]):  # "im Jahr 2023" is a date
            rate_hit = None
        rate_hit = rate_hit or vocab.rate_pattern.search(window_before)
        rate = vocab.rates[_normal(rate_hit.group(0))] if rate_hit else None
    part = vocab.part_of_before.search(sentence[max(prev_end, start - 30) : a.start])
    end = max(noun_end, a.end)
    return Figure(
        value=_clean(value),
        low=_clean(low),
        high=_clean(high),
        vague=a.vague_unit is not None,
        qualifier=qualifier,
        text=sentence[start:end],
        start=start,
        end=end,
        sentence=sentence,
        noun=noun,
        measure=None if measure in MEASUREMENTS else measure,
        unit=unit,
        rate=rate,
        part_of=_normal(part.group(0)).split()[0] if part else None,
        attribution=None,
        date_hint=None,
    )


def _not_a_count(sentence: str, a: _Amount, vocab: Vocabulary) -> bool:
    """Times, ages, calibres, ordinals, page and phone numbers: numbers that count nothing."""
    if a.numeral is None:
        return bool(vocab.never_after.match(sentence[a.end :].lstrip()))
    after = sentence[a.end :]
    if vocab.never_after.match(after.lstrip()) or vocab.never_after.match(after):
        return True
    if vocab.never_before.search(sentence[max(0, a.start - 30) : a.start]):
        return True
    if (
        not a.scaled and a.granularity < 10 and a.value <= MAX_AGE and float(a.value).is_integer()
        and _APPOSITION_BEFORE.search(sentence[: a.start]) and _APPOSITION_AFTER.match(after)
    ):
        return True
    # "528. Regiment", "4. November": a German ordinal, unless the full stop ends the sentence.
    if after.startswith(".") and after[1:].strip(" \"'»«“”)") and not a.scaled:
        return True
    return False


def _is_year(a: _Amount, measure: str | None, unit: str | None) -> bool:
    """ "seit 2022", "in 2024": four digits that read as a year unless they count something named."""
    return bool(a.numeral and _YEAR.match(a.numeral) and not a.scaled and measure is None and unit is None)


def _currency_before(sentence: str, start: int, vocab: Vocabulary) -> tuple[str, str] | None:
    """("$", "USD") when a currency sign stands right before the number."""
    before = sentence[max(0, start - 4) : start].rstrip().casefold()
    for sign in sorted(vocab.currency_signs, key=len, reverse=True):
        if before.endswith(sign):
            return sign, vocab.currency_signs[sign]
    return None


def _unit_after(sentence: str, pos: int, vocab: Vocabulary) -> tuple[str, str, int] | None:
    """(measure, unit, end) for "Prozent", "km", "Dollar", "per cent" right after the amount."""
    m = re.match(r"\s*([^\W\d_][\w-]*(?:\s[^\W\d_][\w-]*)?|%)", sentence[pos:])
    if not m:
        return None
    words = m.group(1).split()
    for count in (2, 1):
        phrase = " ".join(words[:count]).casefold()
        if len(words) >= count and phrase in vocab.units:
            end = pos + m.start(1) + len(" ".join(m.group(1).split()[:count]))
            measure, unit = vocab.units[phrase]
            return measure, unit, end
    return None


def _noun_after(
    sentence: str, pos: int, limit: int, vocab: Vocabulary
) -> tuple[str, str | None, int] | None:
    """The counted noun after an amount: a known measure head within a few words; in German the
    first capitalised noun (adjectives are lower case), in English the word right after."""
    words: list[re.Match[str]] = []
    for m in _WORD.finditer(sentence, pos, limit):
        if not m.group(0)[0].isalpha():
            if m.group(0) in _TRANSPARENT:  # hyphens and quotes: «Tausende» nordkoreanische Soldaten
                continue
            break
        words.append(m)
        if len(words) >= NOUN_WINDOW_WORDS:
            break
    german = vocab.language == "de"
    for i, word in enumerate(words):
        text = word.group(0)
        if i + 1 < len(words):
            pair = f"{text} {words[i + 1].group(0)}"
            if pair.casefold() in vocab.measures:
                return pair, vocab.measures[pair.casefold()], words[i + 1].end()
        measure = vocab.measure_of(text)
        if measure:
            return text, measure, word.end()
        if german and text[0].isupper():
            return text, None, word.end()
        if text.casefold() in vocab.noun_phrase_ends:
            break
    first = words[0].group(0) if words else ""
    if first and not german and first.casefold() not in vocab.noun_phrase_ends:
        return first, None, words[0].end()
    return None


def _noun_before(sentence: str, floor: int, pos: int, vocab: Vocabulary) -> tuple[str, str] | None:
    """ "Die Zahl der getöteten Soldaten stieg auf 600": a measure noun shortly before the amount."""
    words = [m for m in _WORD.finditer(sentence, floor, pos) if m.group(0)[0].isalpha()][-LOOKBACK_WORDS:]
    for word in reversed(words):
        measure = vocab.measure_of(word.group(0))
        if measure:
            return word.group(0), measure
    return None


def _antecedent(after: str, vocab: Vocabulary) -> int | None:
    """Length of "von ihnen" / "of them" right after the amount, if there."""
    stripped = after.lstrip()
    for phrase in vocab.antecedent:
        if stripped.casefold().startswith(phrase) and not stripped[len(phrase) : len(phrase) + 1].isalpha():
            return len(after) - len(stripped) + len(phrase)
    return None


def _coordinated_casualty(sentence: str, pos: int, measure: str, vocab: Vocabulary) -> bool:
    """True for "Tote und Verwundete" / "dead and wounded": one count of both kinds."""
    m = re.match(r"\s+(?:und|and|oder|or)\s+([^\W\d_]+)", sentence[pos:])
    return bool(m) and vocab.measure_of(m.group(1)) in CASUALTY_MEASURES - {measure}


def _casualty_measure(clause: str, pos: int, vocab: Vocabulary) -> str | None:
    """The measure the clause's predicate gives the people counted at `pos`: "verwundet oder getötet"
    or "lost" → casualties; only killed, wounded, missing or captured → that; "were displaced",
    "evakuiert" → displaced, evacuated. Harm of several kinds adds up to casualties; otherwise the
    predicate nearest the amount wins ("5.000 Menschen wurden evakuiert, nachdem die Flut drei tötete")."""
    hits = [(m, vocab.casualty_verbs[_normal(m["stem"] or m["word"])]) for m in vocab.casualty_pattern.finditer(clause)]
    kinds = {kind for _, kind in hits}
    if not kinds:
        return None
    if kinds <= CASUALTY_MEASURES:
        return "casualties" if "casualties" in kinds or len(kinds) > 1 else next(iter(kinds))
    return min(hits, key=lambda hit: abs(hit[0].start() - pos))[1]


def _nearest_date(dates: list[DateMention], pos: int) -> str | None:
    if not dates:
        return None
    return min(dates, key=lambda d: abs(d.start - pos)).hint


def _normal(phrase: str) -> str:
    return " ".join(phrase.casefold().split())


def _clean(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)

