"""Sentence boundaries in cleaned news text, with character offsets into it."""

from __future__ import annotations

import re

# A full stop after these does not end a sentence.
ABBREVIATIONS = frozenset(
    "ca bzw vgl z.b u.a d.h dr prof nr mio mrd st mr mrs ms gen lt col sgt no vs etc jan feb mar apr jun jul aug "
    "sep sept oct okt nov dec dez inc co corp approx u.s".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"»«“”’')\]]*\s+(?=[\"»«“”„‘'(\[]?[A-ZÄÖÜ0-9])|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; paragraphs always end one."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == "." and _keeps_going(text[start : m.start()]):
            continue
        _add(spans, text, start, m.end())
        start = m.end()
    _add(spans, text, start, len(text))
    return spans


def _keeps_going(before: str) -> bool:
    """True when the full stop belongs to an abbreviation, an initial or an ordinal ("4. November")."""
    parts = before[-40:].rsplit(None, 1)
    if not parts:
        return False
    word = parts[-1].casefold().strip(".!?…\"»«“”„’'()[]")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or (word.isdigit() and len(word) <= 3)


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# Where a clause ends inside a sentence: punctuation, or a coordinator that starts a new clause.
CLAUSE_BREAK = re.compile(r"[,;:–]|\s(?:und|and|while|während|aber|but|sowie|whereas)\s", re.I)


def clause_start(sentence: str, floor: int, pos: int) -> int:
    """Start of the clause holding `pos`, not before `floor`."""
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(sentence, floor, pos)]
    return breaks[-1] if breaks else floor


def clause_end(sentence: str, pos: int, ceiling: int) -> int:
    """End of the clause after `pos`: the last break before `ceiling`, or `ceiling` itself at the sentence end."""
    if ceiling >= len(sentence):
        return len(sentence)
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(sentence, pos, ceiling)]
    return breaks[-1] if breaks else ceiling
