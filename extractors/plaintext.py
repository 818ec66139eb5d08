"""Strip page furniture from plain-text dumps of news pages, line by line.

Each line gets a class from its own features (length, sentence end, stop-word share)
and the phrase rules; the article body is then the stretch from the first prose line
to the last one before an end marker (comments, teasers, sources). Inside the body only
prose and single subheads between prose survive; the header above it is read for
title, date, author and outlet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .metadata import FoundDate, find_date, is_date_line, outlet_label, parse_byline
from .records import LineDecision
from .rules import Rules

# A prose line: enough words, ends like a sentence, and reads like language.
MIN_PROSE_WORDS = 7
MIN_STOPWORD_SHARE = 0.12
# A question line this short is a headline ("Sind Soldaten gefallen?"), not prose.
MAX_HEADLINE_QUESTION_WORDS = 15
# Rule phrases only condemn lines up to this length: a long paragraph that mentions
# "cookies" or "newsletter" is still a paragraph.
MAX_BOILERPLATE_CHARS = 250
# An end marker counts only once this many prose lines are in the body (one above it is navigation).
MIN_PROSE_BEFORE_END = 1

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'»«“”„‘’)\]]*$")
_BULLET = re.compile(r"^\s*(?:[•·▪►▶*+–-]|\d+[.)])\s+")
# Three or more short items joined by separators: "Home > World > Asia", "News | Politik | Sport".
_NAVIGATION = re.compile(r"^(?:[^|>»·/]{1,30}\s[|>»·/]\s){2,}[^|>»·/]{1,30}$")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@dataclass
class _Line:
    number: int
    text: str
    kind: str = "blank"  # prose, short, drop, end, caption, date, byline, outlet, title
    rule: str = ""
    # What a metadata line states, found once by _classify and read by _header_facts.
    date: FoundDate | None = None
    byline: tuple[str | None, str | None] = (None, None)
    outlet: str | None = None


@dataclass(frozen=True)
class PlainTextResult:
    text: str
    title: str | None
    published: FoundDate | None
    author: str | None
    outlet: str | None
    subheads: tuple[str, ...]
    decisions: tuple[LineDecision, ...]


def strip_boilerplate(
    text: str, rules: Rules, *, find_body: bool = True, known_title: str | None = None
) -> PlainTextResult:
    """Clean a plain-text page dump.

    `find_body=False` is for text an HTML extractor already cut to the article: only
    the phrase rules and end markers apply, no header or trailer is trimmed by position.
    `known_title` (from HTML metadata) is removed where the body repeats it.
    """
    lines = [_Line(i + 1, raw.strip()) for i, raw in enumerate(_normalize(text).splitlines())]
    published = _cut_prefixes(lines, rules)
    title_key = known_title.strip().casefold() if known_title else None
    for line in lines:
        _classify(line, rules)
        if title_key and line.text.casefold() == title_key:
            line.kind, line.rule = "title", "title"
    _mark_teasers(lines)
    _mark_repeats(lines)
    start, end = _body_bounds(lines, find_body)
    header = [line for line in lines[:start] if line.text]
    title = _title(header, lines)
    author, outlet, header_date = _header_facts([ln for ln in lines[:end] if ln.text])
    kept, subheads = _keep_body(lines, start, end, find_body)
    for line in lines[end:]:
        if line.text and line.kind != "end":
            line.kind, line.rule = "drop", line.rule or "after the article"
    kept_numbers = {ln.number for ln in kept}
    decisions = tuple(
        LineDecision(ln.number, ln.text, ln.number in kept_numbers, ln.rule or ln.kind) for ln in lines if ln.text
    )
    return PlainTextResult(
        text="\n\n".join(ln.text for ln in kept),
        title=title,
        published=published or header_date,
        author=author,
        outlet=outlet,
        subheads=tuple(subheads),
        decisions=decisions,
    )


def _normalize(text: str) -> str:
    """NFC and one plain space for every run of spaces and tabs, over the whole text at once (line by
    line it cost three times as much); no space class matches a line break."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text))


def _mark_teasers(lines: list[_Line]) -> None:
    """The headline right after a lone teaser label ("Lesen Sie auch", "Read more") belongs to the teaser."""
    texts = [ln for ln in lines if ln.text]
    for label, nxt in zip(texts, texts[1:]):
        if label.rule == "teaser label" and nxt.kind == "short":
            nxt.kind, nxt.rule = "drop", f"teaser after line {label.number}"


def _cut_prefixes(lines: list[_Line], rules: Rules) -> FoundDate | None:
    """Cut labels glued before a sentence ("Das Wichtigste in Kürze ...", "date 2024-11 ..."); return a date they carried."""
    published = None
    for line in lines:
        m = rules.prefix.match(line.text) or _DATE_PREFIX.match(line.text)
        if m and m.end() < len(line.text):
            found = find_date(m.group(0), rules)
            published = published or found
            line.text = line.text[m.end() :].lstrip()
    return published


# An ISO date ("date 2024-11 ...", "2024-11-04 ...") at the very start of a line, before a sentence.
_DATE_PREFIX = re.compile(r"^(?:date|datum|published|veröffentlicht)?\s*:?\s*\d{4}-\d{2}(?:-\d{2})?\s+(?=[A-ZÄÖÜ])", re.I)


def _classify(line: _Line, rules: Rules) -> None:
    text = line.text
    if not text:
        return
    words = _WORD.findall(text)
    short_enough = len(text) <= MAX_BOILERPLATE_CHARS
    if rules.end.search(text):
        line.kind, line.rule = "end", "end marker"
    elif rules.teaser.search(text):
        line.kind, line.rule = "drop", "teaser label"
    elif _NAVIGATION.match(text):
        line.kind, line.rule = "drop", "navigation"
    elif short_enough and (phrase := rules.drop.search(text)):
        line.kind, line.rule = "drop", f"phrase: {phrase.group(0)!r}"
    elif short_enough and rules.caption.search(text):
        line.kind, line.rule = "caption", "caption or photo credit"
    elif date := is_date_line(text, rules):
        line.kind, line.rule, line.date = "date", "date line", date
    elif (label := outlet_label(text, rules)) is not None:
        line.kind, line.rule, line.outlet = "outlet", "outlet label", label
    elif len(words) <= 8 and any(byline := parse_byline(text, rules)):
        line.kind, line.rule, line.byline = "byline", "byline", byline
    elif not words:
        line.kind, line.rule = "drop", "no words (numbers, symbols)"
    elif _is_prose(text, words, rules):
        line.kind = "prose"
    else:
        line.kind = "short"


def _is_prose(text: str, words: list[str], rules: Rules) -> bool:
    if len(words) < MIN_PROSE_WORDS or not _SENTENCE_END.search(text):
        return False
    if text.rstrip("\"'»«“”„‘’)").endswith("?") and len(words) <= MAX_HEADLINE_QUESTION_WORDS:
        return False
    stop_share = sum(w.casefold() in rules.stopwords for w in words) / len(words)
    return stop_share >= MIN_STOPWORD_SHARE


def _mark_repeats(lines: list[_Line]) -> None:
    """A line repeated nearby, or a short line that starts the next one, is a title or a caption."""
    seen: dict[str, _Line] = {}
    texts = [ln for ln in lines if ln.text]
    for i, line in enumerate(texts):
        key = line.text.casefold()
        if key in seen and line.number - seen[key].number <= 12 and line.kind in {"short", "prose"}:
            first = seen[key]
            kind = "title" if first.kind == "short" else "caption"
            first.kind = kind
            line.kind, line.rule = kind, f"repeats line {first.number}"
            first.rule = first.rule or "repeated below"
        seen.setdefault(key, line)
        later = texts[i + 1 : i + 3]
        for other in later:
            if (
                line.kind == "short"
                and len(line.text) >= 20
                and other.text != line.text
                and other.text.casefold().startswith(key)
            ):
                line.kind, line.rule = "caption", f"caption: starts line {other.number}"
                other.kind, other.rule = "caption", f"caption: extends line {line.number}"


def _body_bounds(lines: list[_Line], find_body: bool) -> tuple[int, int]:
    """Indexes of the body: first prose line up to the end marker that follows enough prose."""
    prose = [i for i, ln in enumerate(lines) if ln.kind == "prose"]
    if not prose:
        return (0 if not find_body else len(lines)), len(lines)
    start = prose[0] if find_body else 0
    seen = 0
    for i in range(start, len(lines)):
        if lines[i].kind == "prose":
            seen += 1
        elif lines[i].kind == "end" and seen >= MIN_PROSE_BEFORE_END:
            return start, i
    return start, len(lines)


def _keep_body(lines: list[_Line], start: int, end: int, find_body: bool) -> tuple[list[_Line], list[str]]:
    """Prose lines, and lone short lines between prose (subheads); everything else in the body goes.

    Captions and dropped furniture are transparent when looking for a subhead's neighbours:
    a photo between a paragraph and a subhead does not make the subhead furniture.
    """
    body = [ln for ln in lines[start:end] if ln.text and ln.kind not in _TRANSPARENT]
    kept: list[_Line] = []
    subheads: list[str] = []
    edge = "none" if find_body else "prose"  # HTML extractors hand over a body already cut
    for i, line in enumerate(body):
        if line.kind == "prose":
            kept.append(line)
            continue
        before = body[i - 1].kind if i > 0 else edge
        after = body[i + 1].kind if i + 1 < len(body) else "none"
        if line.kind == "short" and before == "prose" and after == "prose":
            kept.append(line)
            subheads.append(line.text)
            line.rule = "subhead"
        elif line.kind == "short":
            line.rule = "short line outside prose"
    return kept, subheads


# Line kinds that never interrupt a run of prose for the subhead rule.
_TRANSPARENT = frozenset({"caption", "drop"})


def _title(header: list[_Line], lines: list[_Line]) -> str | None:
    """A repeated header line, else the longest headline-like line above the body."""
    repeated = [ln for ln in lines if ln.kind == "title"]
    if repeated:
        return repeated[0].text
    candidates = [ln for ln in header if ln.kind == "short" and len(_WORD.findall(ln.text)) >= 3]
    if not candidates:
        return None
    best = max(candidates, key=lambda ln: len(_WORD.findall(ln.text)))
    best.kind, best.rule = "title", "title"
    return best.text


def _header_facts(lines: list[_Line]) -> tuple[str | None, str | None, FoundDate | None]:
    author = outlet = None
    published = None
    for i, line in enumerate(lines):
        if line.kind == "date" and published is None:
            published = line.date
        elif line.kind == "byline":
            name, place = line.byline
            author, outlet = author or name, outlet or place
        elif line.kind == "outlet":
            label = line.outlet
            if not label and i + 1 < len(lines) and len(_WORD.findall(lines[i + 1].text)) <= 3:
                label = lines[i + 1].text
                lines[i + 1].kind, lines[i + 1].rule, lines[i + 1].outlet = "outlet", "outlet name", label
            outlet = outlet or label or None
    return author, outlet, published
