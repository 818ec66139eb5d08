"""The five seed articles: which lines must survive cleaning and which must go.

Lines are named by their number in ../shared/seeds and read from there, so no seed text
is copied into the project. Why each line is kept or dropped is said beside it.
"""

import datetime as dt

import pytest
from conftest import seed_line

from extractors import clean_text

KEPT = {
    # 000: lead (11), every body paragraph, the four subheads between paragraphs (24, 30, 36, 44, 57)
    "000": [11, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 57, 59, 61],
    # 001: the first line after its "date ..." prefix is cut; the summary bullets (3, 5, 7) are content
    "001": [5, 7, 9, 11, 13, 15, 17, 19, 21, 23],
    # 002: all prose including the paragraph right after the "Lesen Sie auch" label (8)
    "002": [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
    "003": [9, 11, 13, 15],
    # 004: lead (23), dateline paragraph (25), subheads 27 and 35, all paragraphs
    "004": [23, 25, 27, 29, 31, 33, 35, 37, 39, 43],
}
DROPPED = {
    # 000: section labels, photo alt text and caption with credit (6, 7), repeated title, date, byline,
    # navigation, outlet label; the English wire caption (54) and "Bild: keystone" caption (55);
    # sources header, donation block (65-72), help box (73-75), the comment section (76-101), next-story teaser (102-107)
    "000": [1, 2, 6, 7, 12, 13, 14, 15, 16, 54, 55, 63, *range(65, 108)],
    # 002: the title (1) and the inline teaser label (7)
    "002": [1, 7],
    # 003: date line, section label, title twice
    "003": [1, 3, 5, 7],
    # 004: ad-blocker notice and paywall offer (1-13), kicker (15), title (17), the doubled caption (19-21),
    # the "(Archivbild)" caption (41), the comments header (45)
    "004": [1, 3, 5, 7, 8, 9, 10, 11, 13, 15, 17, 19, 20, 21, 41, 45],
}


def paragraphs(seeds, name: str) -> set[str]:
    path = next(seeds.glob(f"{name}_*.txt"))
    return set(clean_text(path.read_text("utf-8")).text.split("\n\n"))


@pytest.mark.parametrize("name", sorted(KEPT))
def test_every_body_line_is_kept(seeds, name):
    kept = paragraphs(seeds, name)
    missing = [n for n in KEPT[name] if seed_line(seeds, name, n) not in kept]
    assert missing == [], f"seed {name}: body lines dropped: {missing}"


@pytest.mark.parametrize("name", sorted(DROPPED))
def test_furniture_lines_are_dropped(seeds, name):
    kept = paragraphs(seeds, name)
    text = "\n\n".join(kept)

    def is_leaked(line: str) -> bool:  # a short label like "Nordkorea" may well occur inside a paragraph
        return line in kept or (len(line) > 40 and line in text)

    leaked = [n for n in DROPPED[name] if is_leaked(seed_line(seeds, name, n))]
    assert leaked == [], f"seed {name}: furniture kept: {leaked}"


def test_first_line_of_001_keeps_its_sentence_without_the_date_label(seeds):
    first = seed_line(seeds, "001", 1)
    sentence = first.split(" ", 2)[2]  # after "date 2024-11"
    text = clean_text(next(seeds.glob("001_*.txt")).read_text("utf-8")).text
    assert text.startswith(sentence)
    summary = seed_line(seeds, "001", 3)
    assert summary.split(" ", 4)[4] in text and summary not in text  # inline label cut, sentence kept


@pytest.mark.parametrize(
    ("name", "title_line", "published", "precision"),
    [
        ("000", 4, dt.date(2024, 10, 15), "day"),
        ("001", None, dt.date(2024, 11, 1), "month"),
        ("002", 1, None, None),
        ("003", 5, dt.date(2024, 10, 23), "day"),
        ("004", 17, None, None),
    ],
)
def test_title_and_date_where_the_text_states_them(seeds, name, title_line, published, precision):
    article = clean_text(next(seeds.glob(f"{name}_*.txt")).read_text("utf-8"))
    assert article.title == (seed_line(seeds, name, title_line) if title_line else None)
    assert (article.published, article.published_precision) == (published, precision)
    assert article.language == "de"


def test_author_and_outlet_of_000(seeds):
    article = clean_text(next(seeds.glob("000_*.txt")).read_text("utf-8"))
    assert article.author and article.author in seed_line(seeds, "000", 13)
    assert article.outlet == seed_line(seeds, "000", 16)
