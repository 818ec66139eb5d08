"""Figure extraction, rule family by rule family, on short sentences written for these tests."""

import datetime as dt
import re
import tomllib

import pytest
from conftest import PROJECT

from extractors import extract_figures
from extractors.intervals import interval, vague_interval
from extractors.numbers import parse_numeral
from extractors.vocabulary import load_vocabulary


def only(text, lang, published=None, **kw):
    """The single figure in `text`; fails if there is not exactly one."""
    figures = extract_figures(text, lang, published, **kw)
    assert len(figures) == 1, [f.text for f in figures]
    return figures[0]


def values(text, lang):
    return [f.value for f in extract_figures(text, lang)]


@pytest.mark.parametrize(
    "written, value",
    [("12.000", 12000), ("12,000", 12000), ("650'000", 650000), ("12’000", 12000), ("12 000", 12000),
     ("2,8", 2.8), ("2.8", 2.8), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("11.837", 11837)],
)
def test_separators_of_both_languages(written, value):
    assert parse_numeral(written).value == value


def test_granularity_is_the_place_of_the_last_written_digit():
    assert parse_numeral("12.000").granularity == 1000
    assert parse_numeral("11.837").granularity == 0  # an exact count
    assert parse_numeral("2,8").granularity == pytest.approx(0.1)


@pytest.mark.parametrize(
    "text, lang, value",
    [
        ("Es kamen zwölftausend Soldaten.", "de", 12000),
        ("Es kamen dreiundzwanzig Soldaten.", "de", 23),
        ("Der Krieg dauert zweieinhalb Jahre.", "de", 2.5),
        ("Sie lieferten fünf Millionen Granaten.", "de", 5e6),
        ("Sie lieferten eine halbe Million Granaten.", "de", 5e5),
        ("Sie lieferten 5 Mio. Granaten.", "de", 5e6),
        ("Das kostet 3 Mrd. Euro.", "de", 3e9),
        ("Das kostet 1,2 Billionen Won.", "de", 1.2e12),  # German Billion = 10^12
        ("It cost 1.2 billion won.", "en", 1.2e9),  # English billion = 10^9
        ("They sent eleven thousand troops.", "en", 11000),
        ("They sent twenty-five officers.", "en", 25),
        ("They fired half a million shells.", "en", 5e5),
        ("They fired two dozen missiles.", "en", 24),
        ("It cost $5bn.", "en", 5e9),
    ],
)
def test_number_words_and_scales(text, lang, value):
    assert only(text, lang).value == pytest.approx(value)


@pytest.mark.parametrize(
    "text, lang, low, high",
    [
        ("Es sind 10.000 bis 12.000 Soldaten.", "de", 10000, 12000),
        ("Es sind zwischen 1.000 und 3.000 Soldaten.", "de", 1000, 3000),
        ("Es sind 3.000–4.000 Soldaten.", "de", 3000, 4000),
        ("Es sind 10 bis 12 Millionen Granaten.", "de", 10e6, 12e6),
        ("There are 11 to 12,000 troops.", "en", 11000, 12000),
        ("There are between 1,000 and 3,000 troops.", "en", 1000, 3000),
    ],
)
def test_ranges_are_one_figure_with_both_ends(text, lang, low, high):
    figure = only(text, lang)
    # the value is the first number as written: a midpoint stands nowhere in the text
    assert (figure.low, figure.high, figure.value) == (low, high, low)


def test_a_change_is_two_figures_not_a_range():
    assert values("Costs rose from $2 billion to $3.5 billion.", "en") == [2e9, 3.5e9]
    figures = extract_figures("Die Kosten stiegen von 2 Milliarden auf 3,5 Milliarden Euro.", "de")
    assert [(f.value, f.unit) for f in figures] == [(2e9, "EUR"), (3.5e9, "EUR")]  # the unit is shared


@pytest.mark.parametrize(
    "text, lang, unit",
    [("Tausende Soldaten", "de", 1e3), ("mehrere tausend Soldaten", "de", 1e3), ("Hunderte Drohnen", "de", 100),
     ("Zehntausende Menschen", "de", 1e4), ("thousands of troops", "en", 1e3), ("several hundred troops", "en", 100),
     ("dozens of drones", "en", 12)],
)
def test_vague_amounts_get_a_wide_interval(text, lang, unit):
    figure = only(f"{text} waren dort." if lang == "de" else f"{text} were there.", lang)
    assert figure.vague and (figure.value, figure.low, figure.high) == vague_interval(unit)


def test_interval_widths_follow_the_documented_table():
    assert interval("exact", 12000, 1000) == (11500, 12500)  # half the thousands place
    assert interval("exact", 500, 100) == (475, 525)  # capped at 5 %
    assert interval("exact", 11837, 0) == (11837, 11837)
    assert interval("approx", 12000, 1000) == (10800, 13200)
    assert interval("at_least", 11000, 1000) == (11000, None)
    assert interval("at_most", 8000, 1000) == (None, 8000)
    assert interval("almost", 10000, 1000) == (9000, 10000)
    assert interval("below", 50, 10) == (None, 50)


@pytest.mark.parametrize(
    "text, lang, qualifier, low, high",
    [
        ("Es sind etwa 12.000 Soldaten.", "de", "etwa", 10800, 13200),
        ("Es sind mindestens 11.000 Truppen.", "de", "mindestens", 11000, None),
        ("Es sind bis zu 8.000 Soldaten.", "de", "bis zu", None, 8000),
        ("Es sind fast 10.000 Soldaten.", "de", "fast", 9000, 10000),
        ("Es sind weniger als 50 Soldaten.", "de", "weniger als", None, 50),
        ("There are more than 1,200 troops.", "en", "more than", 1200, None),
        ("Russia paid an estimated $1.5 billion.", "en", "an estimated", 1.35e9, 1.65e9),
        ("There are 500 troops or more.", "en", "or more", 500, None),
    ],
)
def test_hedges_become_intervals(text, lang, qualifier, low, high):
    figure = only(text, lang)
    assert (figure.qualifier, figure.low, figure.high) == (qualifier, low, high)
    assert qualifier in figure.text


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Am 4. November 2024 trafen sich die Delegationen.", "de"),
        ("Seit 2022 führt Russland Krieg.", "de"),
        ("Die Rakete vom Typ KN-23 ähnelt der Iskander, die KN23 auch.", "de"),
        ("Die Hwasong-11Ga wurde getestet.", "de"),
        ("Das 528. Regiment wurde verlegt.", "de"),
        ("Der 35-jährige Offizier sprach um 14:30 Uhr.", "de"),
        ("Sie feuerten Granaten im Kaliber 152 mm ab.", "de"),
        ("Rückfragen unter Tel. +49 30 1234567.", "de"),
        ("Im Alter von 70 Jahren trat er zurück.", "de"),
        ("Die Sitzung am 24.10. dauerte lange.", "de"),
        ("The 810th brigade was moved to the front.", "en"),
        ("The 25-year-old spoke at 2:30 p.m. on October 14.", "en"),
        ("They fired 152mm shells.", "en"),
        ("He resigned at the age of 70.", "en"),
        ("The unit, known as Brigade 155, was redeployed.", "en"),
        ("See page 12 of the study.", "en"),
        ("Pyongyang's Hwasong-19 was unveiled at a 2024 parade.", "en"),
        ("One of the officers spoke; ein Bericht folgte.", "en"),
    ],
)
def test_numbers_that_count_nothing_are_not_figures(text, lang):
    assert extract_figures(text, lang) == []


def test_a_year_is_a_figure_when_it_counts_something():
    assert only("They sent 2000 troops.", "en").measure == "troops"


@pytest.mark.parametrize(
    "text, lang, noun, measure",
    [
        ("Es kamen 12.000 nordkoreanische Soldaten.", "de", "Soldaten", "troops"),
        ("Sie lieferten 5 Millionen Artilleriegranaten.", "de", "Artilleriegranaten", "artillery_shells"),
        ("Es kamen 3.000 Bodentruppen.", "de", "Bodentruppen", "troops"),
        ("Es kamen «Tausende» nordkoreanische Soldaten.", "de", "Soldaten", "troops"),
        ("They fired 300 artillery shells.", "en", "artillery shells", "artillery_shells"),
        ("The 12,000-strong contingent arrived.", "en", "contingent", "troops"),
        ("Es sind 30 Prozent.", "de", "Prozent", "percent"),
        ("It rose by 2.8%.", "en", None, "percent"),
        ("Das kostet 3 Mrd. Euro.", "de", "Euro", "money"),
    ],
)
def test_counted_noun_and_measure(text, lang, noun, measure):
    figure = only(text, lang)
    assert (figure.noun, figure.measure) == (noun, measure)


@pytest.mark.parametrize(
    "text, lang, unit",
    [
        ("The front is 1,000 kilometres long.", "en", "km"),
        ("Der Deich hielt dem Hochwasser drei Tage lang stand.", "de", "day"),
        ("The strike has lasted six weeks.", "en", "week"),
        ("Die Helfer brachten 40 Tonnen Hilfsgüter in das Flutgebiet.", "de", "t"),
        ("Wählen dürfen alle, die älter als 16 Jahre sind.", "de", "year"),
    ],
)
def test_measurements_keep_their_unit_but_count_nothing(text, lang, unit):
    figure = only(text, lang)
    assert (figure.unit, figure.measure) == (unit, None)


def test_an_elided_noun_points_back_at_the_whole():
    text = "Kim schickt 11.000 Truppen, darunter 500 Offiziere. Sie werden ausgebildet, 2.600 von ihnen gehen nach Kursk."
    figures = extract_figures(text, "de")
    assert [(f.value, f.measure, f.part_of) for f in figures] == [
        (11000, "troops", None), (500, "officers", "darunter"), (2600, "troops", None)
    ]


def test_list_members_share_the_part_of_marker_and_the_noun():
    figures = extract_figures("Es kamen 4.000 Soldaten, darunter 150 Offiziere und vier Generäle.", "de")
    assert [(f.value, f.measure, f.part_of) for f in figures] == [
        (4000, "troops", None), (150, "officers", "darunter"), (4, "generals", "darunter")
    ]
    figures = extract_figures("3,000 troops came in August, 5,000 in September.", "en")
    assert [f.measure for f in figures] == ["troops", "troops"]


@pytest.mark.parametrize(
    "text, lang, measures",
    [
        ("Mehr als 650.000 russische Soldaten sind verwundet oder getötet worden.", "de", ["casualties"]),
        ("Mindestens 30 Menschen starben, mehr als 100 wurden verletzt.", "de", ["killed", "wounded"]),
        ("Die Ukraine meldete 3.000 Tote und Verwundete.", "de", ["casualties"]),
        ("Ukraine says it captured 27 soldiers.", "en", ["prisoners"]),
        ("Russia recruited 1.3 million soldiers and lost 600 tanks.", "en", ["troops", "tanks"]),
        ("The attack killed 14 people and injured 37 others.", "en", ["killed", "wounded"]),
    ],
)
def test_casualty_wording_is_read_per_clause(text, lang, measures):
    assert [f.measure for f in extract_figures(text, lang)] == measures


def test_rates_are_marked_and_a_year_after_jahr_is_not_one():
    assert only("Rund 2,8 Millionen Granaten pro Jahr wurden geliefert.", "de").rate == "year"
    assert only("Factories produce 250,000 shells per month.", "en").rate == "month"
    assert only("Es kamen 500 Soldaten im Jahr 2023.", "de").rate is None


def test_attribution_is_the_phrase_as_written():
    assert only("Laut ukrainischen Angaben schickt Kim 11.000 Truppen.", "de").attribution == "Laut ukrainischen Angaben"
    assert only("Einem Bericht des Geheimdienstes zufolge kamen 500 Soldaten.", "de").attribution.endswith("zufolge")
    assert only("About 11,000 troops are there, according to the Pentagon.", "en").attribution == "according to the Pentagon"
    assert only("Es kamen 500 Soldaten.", "de").attribution is None


def test_date_hints_are_resolved_against_the_publication_date():
    published = dt.date(2024, 11, 6)  # a Wednesday
    assert only("Am 14. Oktober kamen 500 Soldaten.", "de", published).date_hint == "2024-10-14"
    assert only("Am Montag (4. November) kamen 500 Soldaten.", "de", published).date_hint == "2024-11-04"
    assert only("Am Freitag kamen 500 Soldaten.", "de", published).date_hint == "2024-11-01"
    assert only("Ende Juli kamen 500 Soldaten.", "de", published).date_hint == "2024-07"
    assert only("On December 20, 500 troops arrived.", "en", published).date_hint == "2023-12-20"  # not the future
    assert only("Am Freitag kamen 500 Soldaten.", "de", published, precision="month").date_hint is None
    assert only("Am 14. Oktober kamen 500 Soldaten.", "de").date_hint is None  # no year to place it in


def test_offsets_point_at_the_text_span():
    text = "Erster Satz ohne Zahl. Nach Angaben Kiews sind etwa 12.000 Soldaten in Kursk, darunter 500 Offiziere."
    for figure in extract_figures(text, "de"):
        assert text[figure.start : figure.end] == figure.text
        assert figure.text in figure.sentence
    assert [f.text for f in extract_figures(text, "de")] == ["etwa 12.000 Soldaten", "500 Offiziere"]


def test_users_extend_the_vocabulary_with_a_file(tmp_path, monkeypatch):
    extra = tmp_path / "mine.toml"
    extra.write_text('[measures]\nhowitzers = ["haubitzen", "howitzers"]\n', "utf-8")
    assert only("Es kamen 170 Panzerhaubitzen.", "de").measure is None
    monkeypatch.setenv("NEWSMON_FIGURES", str(extra))
    figure = extract_figures("Es kamen 170 Panzerhaubitzen.", "de", vocabulary=load_vocabulary("de"))
    assert figure[0].measure == "howitzers"
    assert figure[0].noun == "Panzerhaubitzen"


def test_a_broken_vocabulary_file_is_named_in_the_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[measures\n", "utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        load_vocabulary("de", extra=(str(bad),))


def test_every_labelled_seed_figure_is_found_and_nothing_from_models_or_years(seeds):
    from extractors import clean_document, decode_bytes

    labels = tomllib.loads((PROJECT / "bench" / "figures_seeds.toml").read_text("utf-8"))["seeds"]
    for name, entry in labels.items():
        path = seeds / name
        article = clean_document(decode_bytes(path.read_bytes()).text, path.suffix)
        figures = extract_figures(article.text, article.language, article.published)
        def norm(x):
            return None if x == "-" else float(x)
        expected = [(norm(v), norm(lo), norm(hi), None if m == "-" else m) for v, lo, hi, m in entry["figures"]]
        found = [(f.value, f.low, f.high, f.measure) for f in figures]
        assert sorted(found, key=repr) == sorted(expected, key=repr), name
        assert not any("KN" in f.text or re.search(r"\b(?:19|20)\d\d\b", f.text) for f in figures), name


@pytest.mark.parametrize(
    "text, lang, value",
    [
        ("Nearly 15-thousand nurses joined the strike.", "en", 15000),
        ("The flood left 2.4-million households without power.", "en", 2.4e6),
        ("Officials counted four-thousand-200 ballots by noon.", "en", 4200),
        ("The outbreak has reached one-point-two million cases.", "en", 1.2e6),
        ("Die Partei erhielt eins Komma drei Millionen Stimmen.", "de", 1.3e6),
        ("The vaccine reached 2.5 Mil people.", "en", 2.5e6),
        ("One hundred and sixty-two villages were flooded.", "en", 162),
        ("Das Hochwasser zerstörte 12 418 Häuser.", "de", 12418),
    ],
)
def test_broadcast_and_hyphenated_number_forms(text, lang, value):
    assert values(text, lang) == [value]


def test_a_calibre_between_a_count_and_its_noun_is_skipped():
    figures = extract_figures("The army received 300,000 152-millimeter shells and 400 122-mm rockets.", "en")
    assert [(f.value, f.measure) for f in figures] == [(300000, "artillery_shells"), (400, "missiles")]
    assert [f.value for f in extract_figures("Geliefert wurden 20 000 155-mm-Granaten.", "de")] == [20000]


def test_two_numbers_with_different_separators_are_not_glued():
    assert values("In 2023 150 Menschen starben.", "de") == [150]
    assert [f.value for f in extract_figures("They sent 10,000 105mm shells.", "en")] == [10000]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ein Beben der Stärke 6,4 erschütterte die Küste.", "de"),
        ("A 6.4 magnitude quake and a magnitude 5.1 aftershock shook the coast.", "en"),
        ("Der Streikführer Karl Brandt (57) sprach zuerst.", "de"),
        ("The candidate, 47, conceded on Sunday.", "en"),
        ("Die Kosten liegen drei- bis fünfmal höher.", "de"),
        ("Cases rose threefold, and then 4-fold.", "en"),
    ],
)
def test_magnitudes_ages_and_factors_are_no_figure(text, lang):
    assert extract_figures(text, lang) == []


def test_vague_hundreds_are_never_one_hundred():
    for text, lang in [("Mehrere Hundert Menschen demonstrierten.", "de"), ("Several hundred workers walked out.", "en"),
                       ("Hunderte Wähler standen an.", "de"), ("Dozens of patients were treated.", "en")]:
        figure = only(text, lang)
        assert figure.vague and figure.value != 100


def test_an_age_after_people_is_not_a_count():
    figures = extract_figures("Geimpft wurden 3.200 Menschen über 60 und 900 Kinder.", "de")
    assert [f.value for f in figures] == [3200, 900]


@pytest.mark.parametrize(
    "text, lang, measure",
    [
        ("Mehr als 200 Menschen kamen bei der Flut ums Leben.", "de", "killed"),
        ("Bei der Epidemie starben 1.200 Menschen.", "de", "killed"),
        ("Rund 900 Menschen werden nach dem Hochwasser vermisst.", "de", "missing"),
        ("Mindestens 4.000 Menschen wurden aus ihren Dörfern vertrieben.", "de", "displaced"),
        ("Etwa 8.000 Menschen flohen über die Grenze.", "de", "refugees"),
        ("Die Miliz hält 40 Geiseln fest.", "de", "hostages"),
        ("Die Polizei hat 85 Demonstranten festgenommen.", "de", "arrested"),
        ("Vor dem Sturm wurden 12.000 Bewohner evakuiert.", "de", "evacuated"),
        ("Mehr als 300 Soldaten wurden getötet oder verletzt.", "de", "casualties"),
        ("Die Zahl der Opfer stieg auf 75, alle wurden getötet.", "de", "killed"),
        ("About 5,000 people were displaced by the floods.", "en", "displaced"),
        ("More than 2,000 people have fled the fighting.", "en", "refugees"),
        ("At least 60 people drowned when the river burst its banks.", "en", "killed"),
        ("Police arrested 120 strikers outside the plant.", "en", "arrested"),
        ("Some 30 people are still missing after the landslide.", "en", "missing"),
        ("Gunmen abducted 25 election workers.", "en", "abducted"),
        ("Officials said 3,400 residents were evacuated.", "en", "evacuated"),
        ("The epidemic has claimed 450 lives.", "en", "killed"),
        ("Nearly 1,000 troops were killed or wounded.", "en", "casualties"),
        ("In den Lagern leben 1.500 Vertriebene.", "de", "displaced"),
        ("Am Freitag wurden 30 Geiseln freigelassen.", "de", "released"),
        ("Bewaffnete haben 14 Bauarbeiter verschleppt.", "de", "abducted"),
        ("Rebels are still holding 45 hostages.", "en", "hostages"),
        ("Militants kidnapped 80 schoolchildren on Monday.", "en", "abducted"),
        ("The group said 12 hostages were released overnight.", "en", "released"),
    ],
)
def test_the_predicate_or_noun_names_the_measure(text, lang, measure):
    assert only(text, lang).measure == measure


def test_the_predicate_nearest_the_count_wins_over_another_kind():
    figures = extract_figures("5,000 people were evacuated after the flood killed three.", "en")
    assert figures[0].measure == "evacuated"


def test_claims_dev_figures_recall_and_precision(shared):
    """The in-process figures part of shared/eval/evaluate_claims.py over the claims_dev pages."""
    import json

    from flows.inputs import article_row
    from storage import SkippedInput

    corpus = shared / "eval" / "claims_dev"
    labels = json.loads((corpus / "labels.json").read_text("utf-8"))

    def matches(fig, label):
        v = float(label["value"])
        if abs(fig.value - v) <= 0.01 * max(1.0, v):
            return True
        lo, hi = label.get("low"), label.get("high")
        return (lo is not None and hi is not None and fig.low is not None and fig.high is not None and lo != hi
                and abs(fig.low - lo) <= 0.01 * max(1, lo) and abs(fig.high - hi) <= 0.01 * max(1, hi))

    tp = fn = fp = no_body = 0
    for page_path in sorted((corpus / "pages").glob("*.json")):
        page = json.loads(page_path.read_text("utf-8"))
        row = article_row(page_path.stem + ".txt", page["text"].encode("utf-8"), ".txt")
        if isinstance(row, SkippedInput):
            no_body += 1
            continue
        got = [f for f in row.figures if not f.vague and (f.measure or "") not in ("money", "percent")]
        used: set[int] = set()
        page_labels = labels.get(page_path.name, [])
        for label in page_labels:
            j = next((i for i, f in enumerate(got) if i not in used and matches(f, label)), None)
            if j is None:
                fn += 1
            else:
                used.add(j)
                tp += 1
        fp += sum(1 for i, f in enumerate(got) if i not in used and f.measure and not any(matches(f, l) for l in page_labels))
    assert no_body == 0
    assert tp / (tp + fn) >= 0.95
    assert tp / (tp + fp) >= 0.95
