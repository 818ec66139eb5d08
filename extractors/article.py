"""From one document's text to a cleaned Article: the per-document pipeline, without I/O."""

from __future__ import annotations

import datetime as dt

from .formats import HTML_SUFFIXES, MARKDOWN_SUFFIXES
from .html import extract_html
from .language import detect_language
from .markdown import markdown_to_text
from .outlets import masthead, outlet_from_url
from .plaintext import PlainTextResult, strip_boilerplate
from .records import Article
from .rules import Rules, load_rules

MASTHEAD_LINES = 10  # a masthead is looked for among the first lines of a dump (blank ones included)


def clean_text(text: str, lang: str | None = None, rules: Rules | None = None) -> Article:
    """Clean a plain-text page dump; detect its language unless `lang` is given. With no outlet stated,
    the masthead the dump starts with names it."""
    result = strip_boilerplate(text, rules or load_rules())
    found = result.published
    return _article(
        result,
        lang,
        title=result.title,
        published=found.date if found else None,
        precision=found.precision if found else None,
        author=result.author,
        outlet=result.outlet or masthead(text.splitlines()[:MASTHEAD_LINES]),
    )


def clean_html(html: str, lang: str | None = None, rules: Rules | None = None) -> Article:
    """Clean an HTML page: trafilatura's main text and metadata, then our residual rules. With no site
    name stated, the domain of the page's own URL (canonical link, og:url) names the outlet."""
    result, meta = extract_html(html, rules or load_rules())
    published = meta.get("published")
    return _article(
        result,
        lang,
        title=meta.get("title") or result.title,
        published=published,
        precision="day" if published else None,
        author=meta.get("author") or result.author,
        outlet=meta.get("outlet") or result.outlet or outlet_from_url(meta.get("url")),
    )


def clean_document(text: str, suffix: str, rules: Rules | None = None) -> Article:
    """Clean by file kind: HTML through trafilatura, anything else as plain text."""
    if suffix.lower() in HTML_SUFFIXES:
        return clean_html(text, rules=rules)
    if suffix.lower() in MARKDOWN_SUFFIXES:
        return clean_text(markdown_to_text(text), rules=rules)
    return clean_text(text, rules=rules)


def _article(
    result: PlainTextResult,
    lang: str | None,
    *,
    title: str | None,
    published: dt.date | None,
    precision: str | None,
    author: str | None,
    outlet: str | None,
) -> Article:
    """The Article record; language detected on the cleaned body unless the caller knows it."""
    probability = None
    if lang is None:
        detected = detect_language(result.text)
        lang, probability = detected.code, detected.probability
    return Article(
        text=result.text,
        title=title,
        published=published,
        published_precision=precision,
        author=author,
        outlet=outlet,
        language=lang,
        language_probability=probability,
        subheads=result.subheads,
        lines=result.decisions,
    )
