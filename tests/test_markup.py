"""Markdown and HTML inputs: markup gone, words and metadata kept."""

import datetime as dt

from extractors import clean_html
from extractors.markdown import markdown_to_text

PARA = "<p>The ministry said on Monday that more than 9,000 containers had been shipped since last year.</p>"


def test_markdown_markup_is_removed_and_words_kept():
    md = "## A *bold* [claim](https://example.org)\n> quoted **words**\n\n![alt text](pic.jpg)\n\n---\nplain_snake_case stays"
    assert markdown_to_text(md).splitlines() == [
        "A bold claim",
        "quoted words",
        "",
        "[image: alt text]",
        "",
        "",
        "plain_snake_case stays",
    ]


def test_html_metadata_and_body_without_the_title_line():
    html = f"""<html><head><title>Ships and shells | Example Times</title>
    <meta property="og:title" content="Ships and shells">
    <meta property="og:site_name" content="Example Times">
    <meta name="author" content="Jane Roe">
    <meta property="article:published_time" content="2024-10-21T14:05:00Z"></head>
    <body><article><h1>Ships and shells</h1>{PARA}
    <p>Analysts said the figure could not be verified independently, but it matched satellite images.</p>
    <p>Sign up for our Asia newsletter to get the top stories in your inbox every morning.</p>
    </article></body></html>"""
    article = clean_html(html, lang="en")
    assert (article.title, article.outlet, article.author) == ("Ships and shells", "Example Times", "Jane Roe")
    assert article.published == dt.date(2024, 10, 21)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The ministry said") and len(paragraphs) == 2  # no title, no newsletter line


def test_html_without_an_article_gives_empty_text():
    assert clean_html("<html><body><nav>Home | World</nav></body></html>", lang="en").text == ""


STANDFIRST = "Kim's troops have reached the front, officials say, and more are expected within the month."
SECOND = "Analysts said the figure could not be verified independently, but it matched satellite images."


def _page(shown: str) -> str:
    return f"""<html><head><title>Troops at the front</title>
    <meta name="description" content="{STANDFIRST}"></head>
    <body>{shown}<script type="application/ld+json">{{"description": "{STANDFIRST}"}}</script>
    <article><h1>Troops at the front</h1>{PARA}<p>{SECOND}</p></article></body></html>"""


def test_a_standfirst_the_page_shows_is_kept_when_the_extractor_leaves_it_out():
    from extractors.html import _with_standfirst

    body = PARA.removeprefix("<p>").removesuffix("</p>") + "\n" + SECOND
    shown = _page(f'<div class="teaser">{STANDFIRST.replace(chr(39), "&#39;")}</div>')
    assert _with_standfirst(body, STANDFIRST, shown) == STANDFIRST + "\n" + body
    # Only in <meta> and JSON-LD: a summary the reader never sees is not article text.
    assert _with_standfirst(body, STANDFIRST, _page("")) == body
    # Already in the text: nothing doubled.
    assert _with_standfirst(STANDFIRST + "\n" + body, STANDFIRST, shown) == STANDFIRST + "\n" + body
