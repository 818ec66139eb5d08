"""Rule families of the plain-text cleaner, each on short fixtures written for the purpose."""

import datetime as dt

import pytest

from extractors import clean_text, load_rules
from extractors.metadata import parse_byline

P1 = "Die Armee hat am Montag nach eigenen Angaben neue Stellungen im Osten des Landes bezogen."
P2 = "Beobachter gehen davon aus, dass die Kämpfe in der Region in den kommenden Wochen zunehmen werden."
P3 = "Eine Bestätigung der Angaben durch unabhängige Quellen gab es bis zum Abend nicht."
E1 = "The army said on Monday that it had moved into new positions in the east of the country."
E2 = "Observers expect the fighting in the region to intensify over the coming weeks, officials said."
E3 = "There was no independent confirmation of the figures by the evening, the agency reported."


def body(text: str) -> list[str]:
    return clean_text(text, lang="xx").text.split("\n\n")


def test_prose_is_kept_and_header_furniture_goes():
    doc = "\n".join(["Startseite", "Politik", "Teilen", "", P1, "", P2, "", P3])
    assert body(doc) == [P1, P2, P3]


@pytest.mark.parametrize(
    ("marker", "after"),
    [
        ("12 Kommentare", "Das sind doch mindestens 20.000 Mann, die da stehen, ganz sicher sogar."),
        ("Verwendete Quellen:", "Eine Quelle, die hier nur als Beispiel für eine Liste von Quellen steht."),
        ("Comments", "That is surely at least 20,000 men standing there, I would bet on it."),
        ("[ 167 comments ]", "That is surely at least 20,000 men standing there, I would bet on it."),
        ("Top Rated Comments", "That is surely at least 20,000 men standing there, I would bet on it."),
        ("Leserkommentare (12)", "Das sind doch mindestens 20.000 Mann, die da stehen, ganz sicher sogar."),
        ("House rules", "We welcome reader comments on the top stories of the day, as long as they stay civil."),
    ],
)
def test_end_markers_cut_comments_and_sources(marker, after):
    doc = "\n\n".join([P1, P2, marker, "LeserIn_12", after, P3])
    kept = body(doc)
    assert kept == [P1, P2]
    assert all(after not in line for line in kept)


TEASERS_DE = ["Wetter am Wochenende", "Ein ganz anderer Artikel über das Wetter in der Region am Wochenende.",
              "Sport", "Der Verein hat am Samstag nach einer langen Serie wieder ein Spiel gewonnen."]
TEASERS_EN = ["Weekend weather", "Another story entirely, about the weather in the region this weekend.",
              "Sports", "The club won a match on Saturday after a long losing streak, its coach said."]


@pytest.mark.parametrize(
    ("marker", "teasers"),
    [("Das könnte Sie auch interessieren:", TEASERS_DE), ("Mehr zum Thema", TEASERS_DE),
     ("You might also like", TEASERS_EN), ("Related", TEASERS_EN)],
)
def test_a_teaser_box_goes_and_the_article_goes_on_after_it(marker, teasers):
    # After the article: teaser headlines and their one-paragraph summaries go.
    at_end = body("\n\n".join([P1, P2, marker, *teasers]))
    assert at_end == [P1, P2]
    # In the middle of an article (a box of links): the article resumes where two paragraphs follow
    # one another. (A summary right before that run would count as the article's: plain text cannot tell.)
    inside = body("\n\n".join([P1, marker, teasers[0], teasers[2], P2, P3]))
    assert inside == [P1, P2, P3]


def test_a_lone_paragraph_after_a_stretch_of_furniture_is_not_the_article():
    bio = "Anna Beispiel schreibt seit zwanzig Jahren über Sicherheitspolitik und lebt in Berlin."
    doc = "\n\n".join([P1, P2, "Anna Beispiel", "Redakteurin Politik", "Themen", bio, "Impressum"])
    assert body(doc) == [P1, P2]


def test_end_marker_before_the_body_does_not_cut_the_article():
    doc = "\n\n".join(["Kommentare", P1, P2, P3])
    assert body(doc) == [P1, P2, P3]


def test_teaser_label_takes_its_headline_with_it():
    doc = "\n\n".join([P1, "Lesen Sie auch", "Wie die Regierung auf die Lage reagiert", P2, "Read more: How the war changed the region", P3])
    assert body(doc) == [P1, P2, P3]


def test_single_short_line_between_paragraphs_is_a_subhead():
    result = clean_text("\n\n".join([P1, "Die Lage im Osten", P2, P3]), lang="de")
    assert result.text.split("\n\n") == [P1, "Die Lage im Osten", P2, P3]
    assert result.subheads == ("Die Lage im Osten",)


def test_a_run_of_short_lines_inside_the_body_is_furniture():
    doc = "\n\n".join([P1, "Anna Beispiel", "Mehr aus Politik", "Ein Artikel von", P2, P3])
    assert body(doc) == [P1, P2, P3]


@pytest.mark.parametrize(
    "caption",
    [
        "Soldaten bei einer Übung nahe der Grenze im vergangenen Sommer (Archivbild).",
        "Soldaten bei einer Übung nahe der Grenze. Foto: Bildagentur",
        "Soldiers at an exercise near the border, left, and officers, right, watch the drill.",
        "2/5 Der Wagen prallte am Freitagabend gegen eine Leitplanke und blieb liegen. (Bild: Kantonspolizei)",
        "Soldiers at an exercise near the border last summer. (File photo)",
        "Soldiers at an exercise near the border last summer. Photo: Agency Pictures",
    ],
)
def test_captions_and_photo_credits_go_even_mid_article(caption):
    assert body("\n\n".join([P1, caption, P2])) == [P1, P2]


def test_caption_repeated_with_more_detail_goes():
    short = "Ein Treffen der beiden Staatschefs in der Hauptstadt"
    doc = "\n".join([short, "+", short + " im vergangenen Juni (Foto).", "", P1, "", P2])
    assert body(doc) == [P1, P2]


def test_inline_label_is_cut_and_the_sentence_kept():
    kept = body("\n\n".join(["Das Wichtigste in Kürze " + P1, P2]))
    assert kept == [P1, P2]
    assert body("\n\n".join(["Key points: " + E1, E2])) == [E1, E2]


def test_navigation_lines_go():
    doc = "\n\n".join(["Home > World > Europe", "News | Politik | Sport | Kultur", E1, E2])
    assert body(doc) == [E1, E2]


@pytest.mark.parametrize(
    "line",
    [
        "Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.",
        "Bitte deaktivieren Sie Ihren Werbeblocker, um weiterzulesen.",
        "Jetzt für nur 2,99 € im Monat alle Artikel lesen, jederzeit kündbar.",
        "Subscribe now for unlimited digital access to all our journalism.",
        "Sign up for our morning newsletter to get the top stories in your inbox.",
        "Support independent journalism: make a donation today, it only takes a minute.",
        "Guter Journalismus kostet Geld. Deshalb bieten wir ein Digital-Abo an.",
    ],
)
def test_paywall_cookie_newsletter_and_donation_lines_go(line):
    assert body("\n\n".join([P1, line, P2])) == [P1, P2]


@pytest.mark.parametrize(
    "line",
    [
        "Der Bericht der Kommission wird nicht veröffentlicht, sagte ein Sprecher am Montag.",
        "The names of the soldiers will not be published, the ministry said on Monday.",
        "Die Hilfsorganisation ist spendenfinanziert und arbeitet seit 2014 in der Region.",
    ],
)
def test_news_sentences_near_comment_form_and_donation_phrases_stay(line):
    assert body("\n\n".join([P1, line, P2])) == [P1, line, P2]


def test_a_long_paragraph_that_mentions_a_rule_phrase_stays():
    long = (
        "Die Behörde prüft seit Monaten, ob Nachrichtenseiten ihre Leser über den Newsletter und "
        "über Cookies ausreichend informieren, und will bis zum Jahresende einen Bericht vorlegen, "
        "der nach Angaben eines Sprechers auch Empfehlungen für kleinere Verlage enthalten soll, "
        "die sich keine eigene Rechtsabteilung leisten können und deshalb auf Muster angewiesen sind."
    )
    assert long in body("\n\n".join([P1, long, P2]))


def test_title_from_repeated_line_and_header_metadata():
    doc = "\n".join(
        [
            "Politik",
            "Armee bezieht neue Stellungen",
            "",
            "Armee bezieht neue Stellungen",
            "Von Anna Beispiel",
            "07.11.2024, 18:40 Uhr",
            "",
            P1,
            "",
            P2,
        ]
    )
    article = clean_text(doc, lang="de")
    assert article.title == "Armee bezieht neue Stellungen"
    assert article.author == "Anna Beispiel"
    assert article.published == dt.date(2024, 11, 7)
    assert article.published_precision == "day"
    assert article.text.split("\n\n") == [P1, P2]


@pytest.mark.parametrize(
    ("header", "headline", "lead"),
    [
        (["Startseite", "Wetter", "Sport", "Mehr aus Politik und Gesellschaft", "soldaten an der grenze",
          "Armee bezieht neue Stellungen im Osten", "Von Anna Beispiel"], "Armee bezieht neue Stellungen im Osten", P1),
        (["Home", "World News", "Sign in to your account", "Army moves into new positions in the east",
          "By Jane Example", "March 3, 2024"], "Army moves into new positions in the east", E1),
    ],
)
def test_the_headline_is_the_header_line_that_shares_words_with_the_lead(header, headline, lead):
    # Menu items, section names and lower-case alt text share no words with the first paragraphs.
    article = clean_text("\n".join([*header, lead, P2 if lead == P1 else E2]), lang="xx")
    assert article.title == headline


def test_a_standfirst_right_above_the_first_paragraph_is_kept():
    standfirst = "Die Armee zieht Truppen im Osten zusammen und rechnet mit einer langen Offensive"
    article = clean_text("\n".join(["Politik", "Armee bezieht neue Stellungen", standfirst, P1, P2]), lang="de")
    assert article.title == "Armee bezieht neue Stellungen"
    assert article.text.split("\n\n") == [standfirst, P1, P2]


@pytest.mark.parametrize(
    "meta", ["23.06.2016 um 16:14 Uhr - Anna Beispiel - 91 Ergänzungen", "von Anna Beispiel am 14. Mai 2014, 15:40 Uhr"]
)
def test_a_short_line_with_a_date_and_a_name_is_header_furniture(meta):
    article = clean_text("\n".join([P1, meta, P2, P3]), lang="de")
    assert article.text.split("\n\n") == [P1, P2, P3]
    assert article.published is not None


def test_a_lead_shown_twice_is_kept_once_where_the_article_has_it():
    lead = P1 + " " + P3 + " Der Sprecher nannte keine Zahlen."
    text = clean_text("\n".join([lead, "Politik", "Armee bezieht neue Stellungen", lead, P2]), lang="de").text
    assert text.split("\n\n") == [lead, P2]


def test_notification_prompts_go():
    prompt = "Benachrichtigung aktivieren Dürfen wir Sie in Ihrem Browser über die wichtigsten Nachrichten informieren?"
    assert body("\n\n".join([P1, prompt, P2])) == [P1, P2]


@pytest.mark.parametrize(("header", "bio"), [
    ("Autor", "Anna Beispiel ist Redakteurin für Sicherheitspolitik und berichtet seit 2015 aus der Region."),
    ("Jane Example", "Jane Example covers defence and security for the paper and has reported from the region."),
])
def test_an_author_box_under_the_article_goes(header, bio):
    assert body("\n\n".join([E1, E2, E3, header, bio])) == [E1, E2, E3]


def test_a_short_sentence_right_above_the_first_paragraph_stays():
    note = "This post originally appeared on Grist."
    assert body("\n\n".join(["Home", "Politics", note, E1, E2])) == [note, E1, E2]


def test_no_headline_rather_than_a_menu_line():
    article = clean_text("\n".join(["Startseite", "Wetter und Verkehr heute", "Sport und Freizeit", P1, P2]), lang="de")
    assert article.title is None


def test_an_agency_credit_after_the_last_sentence_keeps_the_paragraph():
    last = "Ein Sprecher wollte die Angaben am Abend weder bestätigen noch dementieren. (FR mit dpa)"
    assert body("\n\n".join([P1, P2, last])) == [P1, P2, last]


def test_short_sentences_beside_paragraphs_stay_in_an_interview():
    turns = ["Reporterin: Aus welchem Land?", E1, "Expert: Thank you. See you tomorrow."]
    assert body("\n\n".join([P1, *turns])) == [P1, *turns]


@pytest.mark.parametrize(
    "footer", ["Copyright 2024 Example Press. All rights reserved.", "© 2024 Beispiel Verlag GmbH. Alle Rechte vorbehalten."]
)
def test_a_copyright_footer_ends_the_article(footer):
    after = "This material may be quoted by readers of the site only with a link to the original story."
    assert body("\n\n".join([P1, P2, footer, after, E3])) == [P1, P2]


def test_an_author_box_after_the_article_goes():
    bio = "Jane Example covers defence and security for the paper and has reported from the region since 2015."
    assert body("\n\n".join([E1, E2, "About the author", bio])) == [E1, E2]


def test_bulleted_share_buttons_are_recognised():
    lines = clean_text("\n".join([P1, "• Teilen", "• Drucken", P2]), lang="de").lines
    assert [d.rule for d in lines if d.text.startswith("•")] == ["phrase: 'teilen'", "phrase: 'drucken'"]


def test_month_precision_date_glued_before_the_first_sentence():
    article = clean_text(" date 2024-11 " + P1 + "\n\n" + P2, lang="de")
    assert article.published == dt.date(2024, 11, 1)
    assert article.published_precision == "month"
    assert article.text.startswith(P1)


def test_outlet_label_with_name_on_the_next_line():
    article = clean_text("\n".join(["Ein Artikel von", "Beispielzeitung", "", P1, "", P2]), lang="de")
    assert article.outlet == "Beispielzeitung"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("15.10.2024, 04:15", dt.date(2024, 10, 15)),
        ("23. Oktober, 2024", dt.date(2024, 10, 23)),
        ("Aktualisiert am 3. März 2025 um 10:00 Uhr", dt.date(2025, 3, 3)),
        ("November 5, 2024", dt.date(2024, 11, 5)),
        ("Published: 2024-10-28", dt.date(2024, 10, 28)),
        ("Monday 4 November 2024", dt.date(2024, 11, 4)),
    ],
)
def test_date_lines(line, expected):
    result = clean_text("\n".join(["Überschrift der Meldung", line, "", P1, "", P2]), lang="de")
    assert {d.text: d.rule for d in result.lines}[line] == "date line"
    assert result.published == expected


@pytest.mark.parametrize(
    "line",
    ["Am 14. Oktober 2024 erklärte der Präsident, dass die Truppen verlegt würden.", "Soldaten 12.000", "Kursk"],
)
def test_prose_with_a_date_is_not_a_date_line(line):
    result = clean_text("\n".join(["Überschrift der Meldung", line, "", P1, "", P2]), lang="de")
    assert {d.text: d.rule for d in result.lines}[line] != "date line"


@pytest.mark.parametrize(
    ("line", "author", "outlet"),
    [
        ("Von Anna Beispiel", "Anna Beispiel", None),
        ("By Jo Doe, Reuters", "Jo Doe", "Reuters"),
        ("Max Muster / t-online", "Max Muster", "t-online"),
        ("Vonovia meldet Gewinn", None, None),
    ],
)
def test_bylines(line, author, outlet):
    assert parse_byline(line, load_rules()) == (author, outlet)


def test_user_rule_file_adds_phrases_without_code(tmp_path, monkeypatch):
    doc = "\n\n".join([P1, "Unterstützen Sie den Beispielverein mit einer Mitgliedschaft ab sofort.", P2])
    assert len(body(doc)) == 3
    extra = tmp_path / "mine.toml"
    extra.write_text("drop = ['beispielverein']\n", encoding="utf-8")
    monkeypatch.setenv("NEWSMON_BOILERPLATE", str(extra))
    assert body(doc) == [P1, P2]


def test_explain_gives_every_line_a_decision_and_rule():
    doc = "\n".join(["Startseite", P1, "12 Kommentare", "Schöner Kommentar eines Lesers zum Thema von heute."])
    lines = clean_text(doc, lang="de").lines
    assert [(d.number, d.keep) for d in lines] == [(1, False), (2, True), (3, False), (4, False)]
    assert lines[2].rule == "end marker"
    assert lines[3].rule == "after the article"


def test_outlet_name_line_does_not_pull_in_the_line_after_it():
    doc = "\n".join(["Ein Artikel von", "Beispielzeitung", "Politik", "", P1, "", P2])
    rules = {d.text: d.rule for d in clean_text(doc, lang="de").lines}
    assert rules["Beispielzeitung"] == "outlet name"
    assert rules["Politik"] != "outlet name"


def test_phrase_lists_arranged_for_speed_match_what_the_plain_union_matches():
    import re
    import tomllib

    from extractors.rules import Gate, Phrases, _bundled_files

    tricky = ["^teilen$", "^a|b$", "ad-?blocker", "x?yz", "n{2}e", "(foo|bar) baz", "Quelle:", "[|]x", "\\(archiv\\)",
              ",\\s(links|rechts),", "\\bfoo\\b", "\\(x?y\\)", "\\b(bild|foto):", "^(kommentare|comments)$",
              "^komm", "\\bq|r\\b", "\\bend$", "^(s(p|q)|t)u$", "(?:vw|wv)x", "(ga|gb)?gc", "\\b(h|\\(i)j",
              "e-?mail (address(es)? )?will not", "^[\\w-]+ ist spendenfinanziert", "ba+c", "x{2,3}yz", "(?:ab)?cde"]
    lines = [
        "teilen", "teilen sie das", "a line", "ends with b", "werbeblocker aus", "adblocker", "ad-blocker",
        "yz here", "xyz", "nne", "ne", "bar baz", "quelle: dpa", "QUELLE: DPA", "|x", "foto (archiv)", "",
        "Soldaten, links, und Offiziere", "a foo b", "food", "(y)", "(xy)",
        "Jetzt für nur 0,99 € weiterlesen", "Newsletter abonnieren", "Ein ganz normaler Satz über Truppen.",
        "Vorbild: China", "Bild: dpa", "(Foto: AFP)", "Kommentare", "comments", "Kommentar schreiben", "aq", "qa",
        "rr", "ar", "the end", "weekend", "spu", "squ", "tu", "stu", "spu!", "a vwx", "wvx", "gagc", "gc", "xgbgc",
        "hj", "(ij", "a hj", "ahj", "email will not", "e-mail address will not", "mail will not", "email addresses will",
        "Wir ist spendenfinanziert", "x ist spendenfinanziert", "bac", "baac", "bc", "xxyz", "xyz!", "xxxxyz", "cde", "abcde",
        "abcd",
    ]
    tables = [tomllib.loads(f.read_text("utf-8")) for f in _bundled_files()]
    bundled = [[p for t in tables for p in t.get(section, [])] for section in ("drop", "caption")]
    for patterns in (tricky, *bundled):
        plain = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        arranged = Phrases(patterns)
        gate = Gate(arranged)
        expected = [bool(plain.search(x)) for x in lines]
        assert [bool(arranged.search(x.lower())) for x in lines] == expected, patterns
        # Behind the gate: a line without any of the patterns' words is searched only for the others.
        gated = [bool(arranged.search(x.lower(), arranged in gate.opened(x.lower()))) for x in lines]
        assert gated == expected, patterns
    dropped = {x for x in lines if Phrases(bundled[0]).search(x.lower())}
    assert dropped == {"teilen", "werbeblocker aus", "adblocker", "ad-blocker", "Jetzt für nur 0,99 € weiterlesen",
                       "Newsletter abonnieren", "comments",  # a bare comment counter
                       "Wir ist spendenfinanziert", "x ist spendenfinanziert"}


def test_every_run_of_spaces_tabs_and_odd_spaces_becomes_one_plain_space():
    messy = "Die Armee hat am\u00a0Montag \t nach  eigenen\u2009Angaben\u3000\u00a0 neue Stellungen im Osten des Landes bezogen."
    result = clean_text("\n".join([messy, "", "\tBeobachter gehen   davon aus, dass die Kämpfe\u202fin der Region zunehmen werden."]), lang="de")
    assert result.text == P1 + "\n\n" + "Beobachter gehen davon aus, dass die Kämpfe in der Region zunehmen werden."


@pytest.mark.parametrize(
    ("pattern", "word"),
    [
        ("newsletter abonnieren", "newsletter abonnieren"),
        ("ad-?blocker", "blocker"),  # "-" is optional, so "ad-" is not required
        ("^(also )?read:", "read:"),
        ("e-?mail (address(es)? )?will not be published", "will not be published"),
        ("\\bfoto\\s*:\\s*[\\w/ .&-]{12,240}$", "foto"),  # a counted repeat is not text
        ("\\(archivbild\\)\\.?$", "(archivbild)"),
        ("ba+c", "ba"),  # "baac" holds "ba" and "ac", not "bac"
        ("^(\\d+ )?(likes?|replies|comments)$", ""),  # every word inside a group: none required
        ("teilen|drucken", ""),  # an alternation at the top
        ("(?x) ab cd", ""),  # inline flags change what the characters mean
        ("\\x41bcde", ""),  # an escape with an argument: "A", not "41bcde"
        ("stra\\u00dfe", ""),
    ],
)
def test_gate_word_of_a_phrase_is_text_every_match_contains(pattern, word):
    from extractors.rules import _required_literal

    assert _required_literal(pattern) == word


@pytest.mark.parametrize(
    "cut",
    [
        "Nach den Überschwemmungen im Süden mussten am Wochenende mehrere Dörfer geräumt werden, weil der Pe",
        "The flood forced thousands of residents in the valley to leave their homes before the dam was ove",
    ],
)
def test_an_excerpt_cut_mid_sentence_keeps_its_last_paragraph(cut):
    assert body("\n\n".join([P1, P2, cut])) == [P1, P2, cut]


def test_a_one_paragraph_excerpt_without_furniture_is_an_article():
    headline = "Streik legt den Nahverkehr in drei Städten lahm"
    cut = (
        "Der Streik der Fahrerinnen und Fahrer hat am Montag den Nahverkehr in drei Städten lahmgelegt. "
        "Nach Angaben der Gewerkschaft beteiligten sich mehr als 4.000 Beschäftigte an dem Ausstand. "
        "Die Arbeitgeber nannten die Forderungen überzogen und kündigten für die kommende Woche ein neues Angebot an, über das … weiterlesen"
    )
    assert body("\n\n".join([headline, cut])) == [cut]


def test_a_cut_line_after_furniture_is_not_the_article():
    cut = "The flood forced thousands of residents in the valley to leave their homes before the dam was ove"
    assert body("\n\n".join([P1, P2, P3, "Share", "Related stories", "Weather", cut])) == [P1, P2, P3]
