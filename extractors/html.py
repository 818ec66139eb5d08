"""HTML pages: trafilatura finds the article and its metadata; our rules clean what it leaves."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import trafilatura

from .plaintext import PlainTextResult, strip_boilerplate
from .rules import Rules

# This many leading characters of the page description identify it in the text and in the page body.
STANDFIRST_PROBE = 50
_SCRIPTS = re.compile(r"<script\b.*?</script>", re.S | re.I)


def extract_html(html: str, rules: Rules) -> tuple[PlainTextResult, dict]:
    """Main text (residually cleaned, with the standfirst the page shows) and trafilatura's
    metadata: title, date, author, sitename."""
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False
    )
    if doc is None:
        return strip_boilerplate("", rules, find_body=False), {}
    text = _with_standfirst(doc.text or "", doc.description, html)
    result = strip_boilerplate(text, rules, find_body=False, known_title=doc.title)
    meta = {
        "title": doc.title or None,
        "published": _iso_date(doc.date),
        "author": doc.author or None,
        "outlet": doc.sitename or None,
        "url": doc.url or None,  # the page's own address (canonical link, og:url), when it states one
    }
    return result, meta


def _with_standfirst(text: str, description: str | None, html: str) -> str:
    """The page's description goes in front of the text where the page shows it in its body and the
    text lacks it: trafilatura often leaves out the standfirst (a teaser element above the article),
    while a description that lives only in <meta> tags is not article text."""
    desc = " ".join((description or "").split())
    if len(desc) < STANDFIRST_PROBE or desc[:STANDFIRST_PROBE] in " ".join(text.split()):
        return text
    start = html.find("<body")
    body = _SCRIPTS.sub(" ", html[start:] if start >= 0 else html)  # JSON-LD repeats the description
    probe = desc[:STANDFIRST_PROBE]
    if probe in body or probe in " ".join(unescape(body).split()):
        return desc + "\n" + text
    return text


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
