"""Pure functions from article text to structured data: no I/O, no Prefect, no database.

Names are imported on first use (PEP 562 module __getattr__): the flow's own process mostly writes
batches that worker processes read, and loading trafilatura, langdetect and jusText there as well
would cost it ~25 MB for nothing."""

from importlib import import_module

# Where each public name lives.
_HOMES = {
    "HTML_SUFFIXES": "formats",
    "TEXT_SUFFIXES": "formats",
    "clean_document": "article",
    "clean_html": "article",
    "clean_text": "article",
    "DecodedText": "decoding",
    "UnreadableInput": "decoding",
    "decode_bytes": "decoding",
    "extract_figures": "figures",
    "bytes_hash": "fingerprint",
    "content_hash": "fingerprint",
    "normalize_for_hash": "fingerprint",
    "Language": "language",
    "detect_language": "language",
    "Article": "records",
    "Figure": "records",
    "LineDecision": "records",
    "Rules": "rules",
    "load_rules": "rules",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
