"""The project's cleaner in the shape the scorers in ../shared/eval expect (see bench/clean.sh)."""

from extractors import clean_html, clean_text


def text_body(text: str, lang: str | None = None) -> str:
    """evaluate_plaintext.py and evaluate_gn1_lines.py: plain text in, article body out."""
    return clean_text(text, lang or "xx").text


def html_body(html: str, url: str | None = None) -> str:
    """evaluate_holdout.py: HTML in, article body out."""
    return clean_html(html, lang="xx").text
