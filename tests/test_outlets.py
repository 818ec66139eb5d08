"""Outlet names when the article states none: the masthead of a plain-text dump, the site name or the
domain of an HTML page, the domain of a feed article's page. Pages written here."""

from __future__ import annotations

import pytest

from extractors.article import clean_document
from extractors.outlets import masthead, outlet_from_url
from flows.inputs import Hints, article_row

BODY = (
    "Die Stadtwerke haben am Montag mitgeteilt, dass die neue Leitung im Frühjahr fertig werden soll. "
    "Nach Angaben des Unternehmens kostet der Bau rund zwölf Millionen Euro, deutlich mehr als geplant.\n\n"
    "Ein Sprecher sagte, die Arbeiten an der Brücke seien wegen des Hochwassers unterbrochen worden. "
    "Anwohner müssen sich noch mehrere Wochen auf Umleitungen einstellen, hieß es weiter.\n"
)
DUMP = "DAILY LANTERN\nNachrichten | Politik | Wirtschaft | Sport\n\nNeue Leitung kommt später\n\n" + BODY


def test_the_masthead_of_a_plain_text_dump_is_its_outlet():
    assert clean_document(DUMP, ".txt").outlet == "Daily Lantern"
    assert clean_document("abendpost.example.de\n\nNeue Leitung kommt später\n\n" + BODY, ".txt").outlet == "abendpost.example.de"


@pytest.mark.parametrize("lines", [
    ["Neue Leitung kommt später", "Die Stadtwerke haben am Montag mitgeteilt, dass die Leitung später kommt."],
    ["Die Leitung kommt später.", "Politik | Wirtschaft | Sport"],  # a sentence, not a name
    ["Stand 12.03.2025", "Politik | Wirtschaft | Sport"],
    ["Daily Lantern"],  # a name alone, with no section menu under it, could be a heading
    [],
])
def test_what_is_not_a_masthead(lines):
    assert masthead(lines) is None


def test_a_stated_outlet_wins_over_the_masthead():
    text = "DAILY LANTERN\nNachrichten | Politik | Wirtschaft\n\nEin Artikel von\nMorgenkurier\n\n" + BODY
    assert clean_document(text, ".txt").outlet == "Morgenkurier"


def _page(head: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    return (f"<html><head><title>Neue Leitung kommt später</title>{head}</head><body><article>"
            f"<h1>Neue Leitung kommt später</h1>{paragraphs}</article></body></html>")


def test_an_html_page_is_named_by_its_site_name_else_its_own_domain():
    named = _page('<meta property="og:site_name" content="Abendpost">'
                  '<link rel="canonical" href="https://www.abendpost.example.de/lokal/leitung">')
    assert clean_document(named, ".html").outlet == "Abendpost"
    unnamed = _page('<link rel="canonical" href="https://www.abendpost.example.de/lokal/leitung">')
    assert clean_document(unnamed, ".html").outlet == "abendpost.example.de"
    assert clean_document(_page(""), ".html").outlet is None  # a saved page that says nothing about itself


def test_a_feed_article_without_a_stated_outlet_is_named_by_its_domain():
    page = _page("").encode("utf-8")
    row = article_row("https://www.abendpost.example.de/lokal/leitung", page, ".html", hints=Hints(title="x"))
    assert row.outlet == "abendpost.example.de"
    row = article_row("https://www.abendpost.example.de/lokal/leitung", page, ".html", hints=Hints(outlet="Abendpost"))
    assert row.outlet == "Abendpost"  # the feeds file's outlet overrides


@pytest.mark.parametrize("url, outlet", [
    ("https://WWW.Example.co.uk/news/1?x=2", "example.co.uk"),
    ("http://news.example.org", "news.example.org"),
    ("/home/me/articles/a.html", None),
    ("file:///tmp/a.html", None),
    (None, None),
])
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet
