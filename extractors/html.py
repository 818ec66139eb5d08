"""HTML pages: trafilatura finds the article and its metadata; our rules clean what it leaves."""

from __future__ import annotations

import datetime as dt

import trafilatura

from .plaintext import PlainTextResult, strip_boilerplate
from .rules import Rules


def extract_html(html: str, rules: Rules) -> tuple[PlainTextResult, dict]:
    """Main text (residually cleaned) and trafilatura's metadata: title, date, author, sitename."""
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False
    )
    if doc is None:
        return strip_boilerplate("", rules, find_body=False), {}
    result = strip_boilerplate(doc.text or "", rules, find_body=False, known_title=doc.title)
    meta = {
        "title": doc.title or None,
        "published": _iso_date(doc.date),
        "author": doc.author or None,
        "outlet": doc.sitename or None,
    }
    return result, meta


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
