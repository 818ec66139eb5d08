"""Strip page furniture from plain-text dumps of news pages, line by line.

Each line gets a class from its own features (length, sentence end, stop-word share)
and the phrase rules; the article body then runs from the first prose line to an end
marker (comments, sources). A teaser box ("Related", "Mehr zum Thema") or a stretch of
furniture breaks it, and it goes on only where a substantial run of prose follows:
teasers, author bios and promotions are single paragraphs between furniture. Inside the
body only prose and single subheads between prose survive; the header above it is read
for title, date, author and outlet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .metadata import (
    MAX_DATE_LINE_CHARS,
    FoundDate,
    find_date,
    only_date_on_line,
    outlet_label,
    parse_byline,
)
from .records import LineDecision
from .rules import Rules

# A prose line: enough words, ends like a sentence, and reads like language.
MIN_PROSE_WORDS = 7
MIN_STOPWORD_SHARE = 0.12
# A question line this short is a headline ("Sind Soldaten gefallen?"), not prose.
MAX_HEADLINE_QUESTION_WORDS = 15
# Rule phrases only condemn lines up to this length: a long paragraph that mentions
# "cookies" or "newsletter" is still a paragraph, and markers ("Related", "Kommentare") are short.
MAX_BOILERPLATE_CHARS = 250
# End markers and teaser boxes are looked for in lines up to this length (a copyright footer runs long).
MAX_MARKER_CHARS = 500
# A line this short that holds a date is page furniture: "23.06.2016 um 16:14 Uhr - Markus Reuter".
MAX_META_LINE_WORDS = 8
# This many furniture lines in a row (short lines, bylines, dates; not captions or dropped phrases)
# break the body, as a teaser box does.
BREAK_LINES = 3
# A paragraph this long that the page shows twice is the lead (a teaser of it above the article).
MIN_REPEATED_LEAD_CHARS = 150
# The headline is looked for among this many lines above the body, by the share of its words
# (cut to TITLE_STEM letters) that the first TITLE_LEAD_LINES paragraphs use.
TITLE_WINDOW = 15
TITLE_LEAD_LINES = 3
TITLE_STEM = 5
TITLE_MIN_SHARED = 0.25
# After a break the body resumes at a run of this many prose lines, or of one paragraph this long.
# Breaks and teaser boxes count only once the body holds that many paragraphs (above them a teaser
# box is navigation); an end marker counts after one, as a one-paragraph news brief has comments too.
RESUME_PROSE_LINES = 2
RESUME_PROSE_CHARS = 300
# Line classes remembered per process (a few MB): menus, share buttons and comment controls repeat.
LINE_CACHE_SIZE = 8192

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# A sentence end, optionally followed by an agency or author credit: "... hieß es. (FR mit dpa)".
_SENTENCE_END = re.compile(r"[.!?…:;][\"'»«“”„‘’)\]]*(?:\s*[(/][^()]{1,30}\)?)?$")
# A short line that is still a sentence: a letter (or quote) first, a sentence end last, two words
# or more ("Gerne. Bis morgen.").
_SHORT_SENTENCE_START = re.compile(r"[\"'„“»«‚‘(]?[^\W\d_]")
_SHORT_SENTENCE_END = re.compile(r"[.!?][\"'“”»«‘’)]*$")
_BULLET_FIRST = frozenset("•·▪►▶*+–-0123456789")
_BULLET = re.compile(r"^\s*(?:[•·▪►▶*+–-]|\d+[.)])\s+")
# Three or more short items joined by separators: "Home > World > Asia", "News | Politik | Sport".
_NAVIGATION = re.compile(r"^(?:[^|>»·/]{1,30}\s[|>»·/]\s){2,}[^|>»·/]{1,30}$")
# Spaces other than the plain one (tabs, no-break, thin, zero-width, ideographic), and runs of plain spaces.
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_SPACE_RUN = re.compile(r"  +")


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    kind: str = ""  # prose, short, drop, end, aside, caption, date, byline, outlet, title
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
    # Blank lines carry nothing the rules read (runs of prose and furniture skip them): only the
    # numbers of the others are kept, for --explain.
    lines = [_Line(i + 1, line) for i, raw in enumerate(_normalize(text).splitlines()) if (line := raw.strip())]
    published = _cut_prefixes(lines, rules)
    title_key = known_title.strip().casefold() if known_title else None
    prose_seen = False
    for i, line in enumerate(lines):
        _classify(line, rules)
        if title_key and line.text.casefold() == title_key:
            line.kind, line.rule = "title", "title"
        if line.kind == "end" and prose_seen:  # the body ends here (_body_spans): no need to classify the rest
            for rest in lines[i + 1 :]:
                rest.kind, rest.rule = "drop", "after the article"
            break
        prose_seen = prose_seen or line.kind == "prose"
    _mark_cut_end(lines, rules)
    _mark_teasers(lines)
    _mark_repeats(lines)
    spans = _body_spans(lines, find_body)
    start, end = (spans[0][0], spans[-1][1]) if spans else (len(lines), len(lines))
    header = lines[:start]
    author, outlet, header_date = _header_facts(lines[:end])
    lead = [ln for ln in lines[start:end] if ln.kind == "prose"][:TITLE_LEAD_LINES]
    title = _title(header, lead, rules)
    if find_body:
        spans = [(_part_start(lines, first, rules), last) for first, last in spans]
    kept, subheads = _keep_body(lines, spans, find_body, rules)
    _mark_outside(lines, spans)
    kept_numbers = {ln.number for ln in kept}
    decisions = tuple(
        LineDecision(ln.number, ln.text, ln.number in kept_numbers, ln.rule or ln.kind) for ln in lines
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
    line it cost three times as much); no line break is touched. Each kind of odd space present is
    replaced by str.replace and the plain runs collapsed after: one regex for both tried every plain
    space as the start of a run (0.14 -> 0.06 ms a page dump)."""
    text = unicodedata.normalize("NFC", text)
    for odd in set(_ODD_SPACE.findall(text)):
        text = text.replace(odd, " ")
    return _SPACE_RUN.sub(" ", text)


def _mark_cut_end(lines: list[_Line], rules: Rules) -> None:
    """An excerpt cut mid-sentence ("... the group had already released fo") ends in a paragraph
    without its sentence end: the last line is prose when it reads like a paragraph and follows one,
    (or a question subhead), or is a long paragraph itself (a one-paragraph excerpt with no furniture)."""
    if not lines or lines[-1].kind != "short" or not _is_standfirst(lines[-1].text, rules):
        return
    last = lines[-1]
    before = lines[-2] if len(lines) > 1 else None
    follows_prose = before is not None and (
        before.kind == "prose" or (before.kind == "short" and _is_short_sentence(before.text))
    )
    if follows_prose or len(last.text) >= RESUME_PROSE_CHARS:
        last.kind, last.rule = "prose", "paragraph cut at the end of the text"


def _mark_teasers(lines: list[_Line]) -> None:
    """The headline right after a lone teaser label ("Lesen Sie auch", "Read more") belongs to the teaser."""
    for label, nxt in zip(lines, lines[1:]):
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
    line.kind, line.rule, line.date, line.byline, line.outlet = _line_class(line.text, rules)


_NO_BYLINE: tuple[str | None, str | None] = (None, None)


@lru_cache(maxsize=LINE_CACHE_SIZE)
def _line_class(text: str, rules: Rules) -> tuple[str, str, FoundDate | None, tuple[str | None, str | None], str | None]:
    """(kind, rule, date, byline, outlet) of a non-empty line, from its text alone. Cached: a third of
    the lines of a page dump are menu items, share buttons and comment controls that pages repeat."""
    words = _WORD.findall(text)
    short_enough = len(text) <= MAX_BOILERPLATE_CHARS
    lowered = ""
    if len(text) <= MAX_MARKER_CHARS:
        # Phrases see the line without a list bullet: share buttons and menus are often bulleted ("• Teilen").
        bullet = _BULLET.match(text) if text[0] in _BULLET_FIRST else None
        lowered = (text[bullet.end() :] if bullet else text).lower()
    # Lines too long for the drop and caption lists meet only the markers, cheaper than the gate's scan.
    opened = rules.gate.opened(lowered) if short_enough else None
    marker = bool(lowered) and rules.markers.search(lowered, opened is None or rules.markers in opened) is not None
    if marker and rules.end.search(lowered):
        return "end", "end marker", None, _NO_BYLINE, None
    if marker and rules.aside.search(lowered):
        return "aside", "teaser box", None, _NO_BYLINE, None
    if marker and rules.teaser.search(lowered):
        return "drop", "teaser label", None, _NO_BYLINE, None
    if _NAVIGATION.match(text):
        return "drop", "navigation", None, _NO_BYLINE, None
    if short_enough and (phrase := rules.drop.search(lowered, rules.drop in opened)):
        return "drop", f"phrase: {phrase.group(0)!r}", None, _NO_BYLINE, None
    if short_enough and rules.caption.search(lowered, rules.caption in opened):
        return "caption", "caption or photo credit", None, _NO_BYLINE, None
    # One date search serves the date-line and the byline-with-date rules.
    date = find_date(text, rules) if len(text) <= MAX_DATE_LINE_CHARS or len(words) <= MAX_META_LINE_WORDS else None
    if date and only_date_on_line(text, date):
        return "date", "date line", date, _NO_BYLINE, None
    if len(words) <= 8 and (label := outlet_label(text, rules)) is not None:
        return "outlet", "outlet label", None, _NO_BYLINE, label
    if len(words) <= 8 and any(byline := parse_byline(text, rules)):
        return "byline", "byline", None, byline, None
    if len(words) <= MAX_META_LINE_WORDS and date:
        return "date", "date with byline or counts", date, _NO_BYLINE, None
    if not words:
        return "drop", "no words (numbers, symbols)", None, _NO_BYLINE, None
    return ("prose" if _is_prose(text, words, rules) else "short"), "", None, _NO_BYLINE, None


def _is_prose(text: str, words: list[str], rules: Rules) -> bool:
    if len(words) < MIN_PROSE_WORDS or not _SENTENCE_END.search(text):
        return False
    if text.rstrip("\"'»«“”„‘’)").endswith("?") and len(words) <= MAX_HEADLINE_QUESTION_WORDS:
        return False
    return _reads_like_language(words, rules)


def _reads_like_language(words: list[str], rules: Rules) -> bool:
    """Enough stop words: prose and standfirsts have them, menus and lists of names few."""
    return sum(map(rules.stopwords.__contains__, map(str.casefold, words))) / len(words) >= MIN_STOPWORD_SHARE


def _mark_repeats(lines: list[_Line]) -> None:
    """A line repeated nearby is a title or a caption; a short line that starts one of the next two is
    a caption, or the name heading an author box ("Alice Wu" / "Alice Wu has covered ...")."""
    seen: dict[str, _Line] = {}
    keys = [ln.text.casefold() for ln in lines]
    for i, (line, key) in enumerate(zip(lines, keys)):
        if key in seen and line.number - seen[key].number <= 12 and line.kind in {"short", "prose"}:
            first = seen[key]
            if first.kind == "prose" == line.kind and len(line.text) >= MIN_REPEATED_LEAD_CHARS:
                first.kind, first.rule = "drop", f"lead repeated in line {line.number}"
                continue
            kind = "title" if first.kind == "short" else "caption"
            first.kind = kind
            line.kind, line.rule = kind, f"repeats line {first.number}"
            first.rule = first.rule or "repeated below"
        seen.setdefault(key, line)
        if line.kind != "short" or " " not in key:
            continue
        for j in (i + 1, i + 2):
            if j >= len(lines):
                break
            other, other_key = lines[j], keys[j]
            if other_key.startswith(key) and other.text != line.text:
                line.kind, line.rule = "caption", f"caption: starts line {other.number}"
                other.kind, other.rule = "caption", f"caption: extends line {line.number}"
                break


def _body_spans(lines: list[_Line], find_body: bool) -> list[tuple[int, int]]:
    """Index ranges [start, end) of the body's parts: from the first prose line to an end marker,
    leaving out what follows a break (a teaser box, or BREAK_LINES furniture lines in a row) up to
    the next substantial run of prose."""
    prose = [i for i, ln in enumerate(lines) if ln.kind == "prose"]
    if not prose:
        return [] if find_body else [(0, len(lines))]
    spans: list[tuple[int, int]] = []
    start = prose[0] if find_body else 0
    seen = gap = 0
    last_prose = start - 1
    broken = False
    i = start
    while i < len(lines):
        line = lines[i]
        if line.kind == "prose":
            if broken:
                run_end, substantial = _prose_run(lines, i)
                if not substantial:
                    i = run_end
                    continue
                start, broken = i, False
            seen, gap, last_prose = seen + 1, 0, i
        elif (line.kind == "end" and seen) or (line.kind == "aside" and seen >= RESUME_PROSE_LINES):
            if not broken:
                spans.append((start, _part_end(lines, last_prose)))
            if line.kind == "end":
                return spans
            broken = True
        elif line.kind not in _BETWEEN_PARAGRAPHS:
            gap += 1
            if gap >= BREAK_LINES and find_body and not broken and seen >= RESUME_PROSE_LINES:
                spans.append((start, _part_end(lines, last_prose)))
                broken = True
        i += 1
    if not broken:
        spans.append((start, len(lines) if not find_body else _part_end(lines, last_prose)))
    return spans


def _part_end(lines: list[_Line], last_prose: int) -> int:
    """End of a body part: after its last paragraph, or after a short sentence right below it
    (the last turn of an interview: "Gerne. Bis morgen.")."""
    below = last_prose + 1
    if below < len(lines) and lines[below].kind == "short" and _is_short_sentence(lines[below].text):
        return below + 1
    return below


def _prose_run(lines: list[_Line], i: int) -> tuple[int, bool]:
    """Where the run of prose starting at `i` ends (captions, dropped furniture, dates and bylines do
    not end it), and whether it is substantial enough to be the article going on."""
    count = chars = 0
    j = i
    while j < len(lines) and (lines[j].kind in _BETWEEN_PARAGRAPHS or lines[j].kind == "prose"):
        if lines[j].kind == "prose":
            count, chars = count + 1, chars + len(lines[j].text)
        j += 1
    return j, _substantial(count, chars)


def _substantial(lines: int, chars: int) -> bool:
    return lines >= RESUME_PROSE_LINES or chars >= RESUME_PROSE_CHARS


def _keep_body(
    lines: list[_Line], spans: list[tuple[int, int]], find_body: bool, rules: Rules
) -> tuple[list[_Line], list[str]]:
    """Prose lines, lone short lines between prose (subheads), short sentences beside prose and a
    standfirst right above the first paragraph; everything else in the body goes.

    Captions and dropped furniture are transparent when looking for a subhead's neighbours:
    a photo between a paragraph and a subhead does not make the subhead furniture.
    """
    kept: list[_Line] = []
    subheads: list[str] = []
    edge = "none" if find_body else "prose"  # HTML extractors hand over a body already cut
    for start, end in spans:
        body = [ln for ln in lines[start:end] if ln.kind not in _TRANSPARENT]
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
            elif line.kind == "short" and "prose" in (before, after) and _is_short_sentence(line.text):
                kept.append(line)
                line.rule = "short sentence beside prose"
            elif line.kind == "short" and not kept and after == "prose" and _is_standfirst(line.text, rules):
                kept.append(line)
                line.rule = "standfirst"
            elif line.kind == "short":
                line.rule = "short line outside prose"
    return kept, subheads


def _part_start(lines: list[_Line], start: int, rules: Rules) -> int:
    """A body part starts one line earlier where a standfirst or a short sentence stands right above
    its first paragraph ("This post originally appeared on Grist.", an interview's first question)."""
    above = start - 1
    if above >= 0 and lines[above].kind == "short":
        text = lines[above].text
        if _is_standfirst(text, rules) or _is_short_sentence(text):
            return above
    return start


def _is_standfirst(text: str, rules: Rules) -> bool:
    """A line that reads like prose but for the sentence end: the summary under a headline
    ("Penalties for those who refuse to self-isolate are to be increased ...")."""
    words = _WORD.findall(text)
    if len(words) < MIN_PROSE_WORDS or not text[0].isupper():
        return False
    return _reads_like_language(words, rules)


def _is_short_sentence(text: str) -> bool:
    return " " in text and bool(_SHORT_SENTENCE_START.match(text) and _SHORT_SENTENCE_END.search(text))


def _mark_outside(lines: list[_Line], spans: list[tuple[int, int]]) -> None:
    """Name the reason for lines after the body's first part that no part holds."""
    if not spans:
        return
    inside = {i for start, end in spans for i in range(start, end)}
    last = spans[-1][1]
    for i in range(spans[0][1], len(lines)):
        line = lines[i]
        if i in inside or line.kind in {"end", "aside"}:
            continue
        reason = "after the article" if i >= last else "teaser box or furniture inside the article"
        line.kind, line.rule = "drop", line.rule or reason


# Line kinds that never interrupt a run of prose for the subhead rule.
_TRANSPARENT = frozenset({"caption", "drop"})
# Line kinds that do not break a run of paragraphs: those, and the dateline or byline between a
# lead and the rest of the article.
_BETWEEN_PARAGRAPHS = _TRANSPARENT | {"date", "byline", "outlet"}


def _title(header: list[_Line], lead: list[_Line], rules: Rules) -> str | None:
    """The headline: a line the header repeats, else a header line near the body, that shares the
    most words with the first paragraphs. Menus, section names and teasers share none; a line in
    lower case is alt text or a tag list."""
    lead_stems = _stems(" ".join(ln.text for ln in lead), rules)
    repeated = [ln for ln in header if ln.kind == "title"]
    near = [ln for ln in header[-TITLE_WINDOW:] if ln.kind == "short"]
    for candidates in (repeated, near):
        best, best_share = None, TITLE_MIN_SHARED
        for line in candidates:
            stems = _stems(line.text, rules)
            if len(_WORD.findall(line.text)) < 3 or not stems or line.text[0].islower() or find_date(line.text, rules):
                continue
            share = len(stems & lead_stems) / len(stems)
            if share > best_share:
                best, best_share = line, share
        if best is not None:
            best.kind, best.rule = "title", best.rule or "title"
            return best.text
    return None


def _stems(text: str, rules: Rules) -> set[str]:
    """Content words cut to their first letters, so "Nordkoreas" meets "nordkoreanische"."""
    return {w[:TITLE_STEM].casefold() for w in _WORD.findall(text) if w.casefold() not in rules.stopwords}


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
