"""Markdown exports read as plain text: markup removed, words kept."""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# [ \t] rather than \s throughout: \s would run across line ends.
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_STAR_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1")
# Underscores inside a word (snake_case, URLs) are not emphasis, as in CommonMark.
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_RULE = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def markdown_to_text(text: str) -> str:
    """Strip headings, emphasis, links, images and rules; an image line keeps its alt text as a caption line."""
    text = _IMAGE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "", text)
    text = _LINK.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _RULE.sub("", text)
    text = _STAR_EMPHASIS.sub(r"\2", text)
    return _UNDERSCORE_EMPHASIS.sub(r"\2", text)
