"""OPML subscription lists, the format every feed reader imports and exports: parsed with listparser,
written with the standard library. Bytes in, records out; no file or network access here."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate

import listparser


class NotOpml(ValueError):
    """The bytes hold no OPML subscription list."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str  # the outline's xmlUrl
    title: str | None = None  # its text (or title) attribute
    category: str | None = None  # the folders it sits in, outermost first, joined by "/"


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every feed outline of an OPML document, in document order, each URL once.

    Bytes only: listparser fetches a str that starts with http:// itself, and fetching is not ours to do here.
    Raises NotOpml when the document is not OPML at all."""
    parsed = listparser.parse(bytes(data))
    if not parsed.get("version", "").startswith("opml"):
        reason = parsed.get("bozo_exception") or "no <opml> element"
        raise NotOpml(f"not an OPML subscription list ({reason})")
    feeds = []
    for feed in parsed["feeds"]:
        folders = next((path for path in feed.get("categories", []) if path), None)
        feeds.append(OpmlFeed(
            url=feed["url"], title=feed.get("title") or None,
            category="/".join(folders) if folders else None,
        ))
    return feeds


def write_opml(feeds: list[OpmlFeed], title: str) -> str:
    """An OPML 2.0 document: one outline per feed, inside nested folder outlines for its category."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}
    for feed in feeds:
        path = tuple(part for part in (feed.category or "").split("/") if part.strip())
        for depth in range(1, len(path) + 1):
            if path[:depth] not in folders:
                name = path[depth - 1].strip()
                folders[path[:depth]] = ET.SubElement(folders[path[: depth - 1]], "outline", text=name, title=name)
        name = feed.title or feed.url
        ET.SubElement(folders[path], "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
