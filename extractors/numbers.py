"""Numbers as news text writes them: digits with any separator, and number words.

A parsed number keeps its granularity (the place value of its last written digit),
because "12.000" is a rounder, vaguer statement than "11.837" (see intervals.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .vocabulary import Vocabulary

# Thousands groups joined by one separator (".", ",", apostrophes or (narrow) spaces; the same one
# throughout, so "500,000 122-mm shells" is two numbers), then an optional decimal part;
# or plain digits with an optional decimal part. Not inside words ("KN23", "F-16", "810th").
_GROUP_SEPARATORS = ".,'’\u202f\u00a0 "
NUMERAL = re.compile(
    r"(?<![\w.,'’-])(?<!\w-)"
    r"(?P<num>\d{1,3}(?P<sep>[.,'’\u202f\u00a0 ])\d{3}(?:(?P=sep)\d{3})*(?:[.,]\d+)?(?![.,'’]?\d)|\d+(?:[.,]\d+)?)"
    r"(?P<attached>bn|mn|mio|mrd|k|m|%)?"
    r"(?![\w])"
)


@dataclass(frozen=True)
class Number:
    value: float
    granularity: float  # place value of the last written digit; 0 for an exact count


def parse_numeral(text: str) -> Number:
    """Digits to a value: a separator followed by exactly three digits groups thousands."""
    text = text.strip()
    groups = re.split(r"[.,'’\u202f\u00a0 ]", text)
    separators = re.findall(r"[.,'’\u202f\u00a0 ]", text)
    decimals = ""
    if separators and len(groups[-1]) != 3:
        decimals = groups.pop()
        separators.pop()
    elif len(separators) == 1 and separators[0] in ".," and len(groups[0]) > 3:
        decimals = groups.pop()  # "1234.567": a decimal, since thousands come in threes
    whole = "".join(groups)
    value = float(f"{whole}.{decimals}" if decimals else whole)
    if decimals:
        granularity = 10.0 ** -len(decimals)
    else:
        zeros = len(whole) - len(whole.rstrip("0"))
        granularity = float(10**zeros) if zeros and whole.strip("0") else 0.0
    return Number(value, granularity)


@lru_cache(maxsize=4096)
def parse_number_word(word: str, vocab: Vocabulary) -> float | None:
    """A word or glued compound of number words ("zwölftausend", "zweieinhalb", "twenty-five")."""
    key = word.casefold()
    if key in vocab.word_whole:
        return vocab.word_whole[key]
    pieces = _split_compound(key.replace("-", ""), vocab)
    if not pieces:
        return None
    total, current, fraction, seen_value = 0.0, 0.0, 0.0, False
    for kind, value in pieces:
        if kind == "value":
            current += value
            seen_value = True
        elif kind == "multiplier":
            if value < 1000:
                current = (current or 1) * value
            else:
                total += (current or 1) * value
                current = 0.0
            seen_value = True
        elif kind == "fraction":
            fraction = value
    if not seen_value:
        return None
    return total + current + fraction


def number_word_value(word: str, vocab: Vocabulary) -> float | None:
    """Like parse_number_word, but "ein"/"one" alone are not counts (articles and pronouns)."""
    value = parse_number_word(word, vocab)
    if value == 1 and word.casefold() in vocab.number_words:
        return None
    return value


def _split_compound(word: str, vocab: Vocabulary) -> list[tuple[str, float]] | None:
    """Longest-first split of a word into known number parts; None if any rest is left."""
    parts: list[tuple[str, float]] = []
    i = 0
    joiners = ("und", "and")
    while i < len(word):
        for length in range(min(len(word) - i, 12), 0, -1):
            piece = word[i : i + length]
            if piece in vocab.word_fractions:
                parts.append(("fraction", vocab.word_fractions[piece]))
            elif piece in vocab.number_words:
                parts.append(("value", vocab.number_words[piece]))
            elif piece in vocab.word_multipliers:
                parts.append(("multiplier", vocab.word_multipliers[piece]))
            elif piece in joiners and parts and i + length < len(word):
                parts.append(("joiner", 0.0))
            else:
                continue
            i += length
            break
        else:
            return None
    return parts
