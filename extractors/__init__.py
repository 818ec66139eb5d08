"""Pure functions from article text to structured data: no I/O, no Prefect, no database."""

from .article import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    clean_document,
    clean_html,
    clean_text,
)
from .decoding import DecodedText, UnreadableInput, decode_bytes
from .figures import extract_figures
from .fingerprint import bytes_hash, content_hash, normalize_for_hash
from .language import Language, detect_language
from .records import Article, Figure, LineDecision
from .rules import Rules, load_rules

__all__ = [
    "HTML_SUFFIXES",
    "TEXT_SUFFIXES",
    "Article",
    "DecodedText",
    "Figure",
    "Language",
    "LineDecision",
    "Rules",
    "UnreadableInput",
    "bytes_hash",
    "clean_document",
    "clean_html",
    "clean_text",
    "content_hash",
    "decode_bytes",
    "detect_language",
    "extract_figures",
    "load_rules",
    "normalize_for_hash",
]
