"""The outlet of an article that names none: the masthead atop a plain-text dump, else the site's domain.

So that every article has a name to be cited by ("Harbor Post vs rheinblatt.de"), never "a copy"."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A masthead is a name, not a sentence: a few words, no digits, no sentence punctuation.
MAX_MASTHEAD_WORDS = 4
MAX_MASTHEAD_CHARS = 40
_MASTHEAD = re.compile(r"^[^\W\d_][\w&'’. -]*[\w.]$")
_SENTENCE_END = re.compile(r"[.!?:]\s|[.!?:]$")
# The section menu printed under a masthead: "Nachrichten | Politik | Wirtschaft" (3 items or more).
_MENU = re.compile(r"^[^|•·/]{1,30}(?:\s[|•·/]\s[^|•·/]{1,30}){2,}$")
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def masthead(lines: list[str]) -> str | None:
    """The outlet's name printed as the first line of a page dump: a short name followed by the section
    menu, or a line that is a domain ("nordkurier.de"). All capitals become title case ("HARBOR POST")."""
    text = [line.strip() for line in lines if line.strip()]
    if not text:
        return None
    first = text[0]
    if _DOMAIN.match(first):
        return first.lower().removeprefix("www.")
    if len(first) > MAX_MASTHEAD_CHARS or len(first.split()) > MAX_MASTHEAD_WORDS:
        return None
    if not _MASTHEAD.match(first) or _SENTENCE_END.search(first) or any(c.isdigit() for c in first):
        return None
    if len(text) < 2 or not _MENU.match(text[1]):
        return None
    return first.title() if first.isupper() else first


def outlet_from_url(url: str | None) -> str | None:
    """The site an http(s) URL belongs to, as readers name it: its host without "www." ("rheinblatt.de");
    None for anything else (a file path, an address without a host)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.lower().removeprefix("www.")
