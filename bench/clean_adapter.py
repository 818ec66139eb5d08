"""The project's cleaner in the shape the scorers in ../shared/eval expect (see bench/clean.sh)."""

from extractors import clean_html, clean_text, decode_bytes


def text_body(text: str, lang: str | None = None) -> str:
    """evaluate_plaintext.py and evaluate_gn1_lines.py: plain text in, article body out."""
    return clean_text(text, lang or "xx").text


def text_with_headline(text: str, lang: str | None = None) -> str:
    """evaluate_gn1_lines.py counts the headline as article content: the title the cleaner found, then the body."""
    result = clean_text(text, lang or "xx")
    return "\n".join(part for part in (result.title, result.text) if part)


def html_body(html: bytes, url: str | None = None) -> str:
    """evaluate_holdout.py: the page's bytes in (as newsmon reads a saved page: decode_bytes finds
    the encoding), article body out."""
    return clean_html(decode_bytes(html).text, lang="xx").text


html_body.raw = True  # evaluate_holdout.py then hands over bytes, not text it decoded as UTF-8
