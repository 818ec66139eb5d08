"""Claims and their comparison, as docs/claims.md specifies, on sentences written here."""

import datetime as dt

import pytest
from conftest import claims_in, one_claim

from extractors import extract_figures
from extractors.claims import claims_from_figures
from extractors.compare import (
    CONTRADICTION,
    CORROBORATES,
    NOT_COMPARABLE,
    REVISION,
    StoredClaim,
    compare_claims,
    judge_pairs,
)
from extractors.concepts import load_concepts

PUBLISHED = dt.date(2024, 11, 6)


def claims(text, lang):
    return claims_in(text, lang, PUBLISHED)


def one(text, lang):
    return one_claim(text, lang, PUBLISHED)


def test_german_and_english_wording_share_a_key():
    de = one("Nordkorea hat 12.000 nordkoreanische Soldaten nach Russland geschickt.", "de")
    en = one("North Korea has sent 12,000 North Korean troops to Russia.", "en")
    assert de.key == en.key == "north_korea/troops/russia/total"
    assert one("Nordkoreas Armee: Es sind 500 Offiziere in Kursk.", "de").key == "north_korea/officers/kursk/total"


def test_subject_is_the_country_of_the_counted_people_not_the_speaker():
    assert one("Kyiv says 11,000 troops arrived from North Korea.", "en").subject == "north_korea"
    assert one("Mehr als 650.000 russische Soldaten sind getötet oder verwundet worden.", "de").subject == "russia"


@pytest.mark.parametrize(
    "text, lang, actor",
    [
        ("Laut ukrainischen Angaben kamen 11.000 Soldaten aus Nordkorea.", "de", "ukraine"),
        ("Kiew zufolge kamen 11.000 Soldaten aus Nordkorea.", "de", "ukraine"),
        ("Selenskyj sagte, 11.000 Soldaten aus Nordkorea seien eingetroffen.", "de", "ukraine"),
        ("Der ukrainische Militärgeheimdienst meldete 11.000 Soldaten aus Nordkorea.", "de", "ukraine"),
        ("Nach Angaben des südkoreanischen Geheimdienstes kamen 11.000 Soldaten aus Nordkorea.", "de", "south_korea"),
        ("The NIS said 11,000 North Korean soldiers arrived.", "en", "south_korea"),
        ("Die US-Regierung sprach von 11.000 Soldaten aus Nordkorea.", "de", "united_states"),
        ("About 11,000 North Korean troops arrived, according to the Pentagon.", "en", "united_states"),
        ("Das türkische Innenministerium erklärte, mindestens 1.200 Menschen seien verletzt worden.", "de", "turkey"),
        ("Russland hatte den Tod von 89 Soldaten gemeldet, britischen Angaben zufolge waren es mehr.", "de", "russia"),
        ("The health ministry said 40 people were wounded in the clashes in Tripoli.", "en", "health_ministry"),
    ],
)
def test_sources_are_normalized_actors(text, lang, actor):
    assert one(text, lang).actor == actor


def test_the_source_may_be_named_in_the_sentence_before():
    text = "Der ukrainische Militärgeheimdienst HUR legte einen Bericht vor. Demnach kamen etwa 12.000 nordkoreanische Soldaten."
    assert one(text, "de").actor == "ukraine"


def test_untracked_measures_make_no_claims():
    assert claims("Der Krieg dauert zweieinhalb Jahre, 40 Prozent sind zerstört.", "de") == []


def test_a_watchlist_adds_subjects_places_and_actors(tmp_path):
    watch = tmp_path / "watch.toml"
    watch.write_text(
        '[subjects.belarus]\naliases = ["belarus"]\n[places.minsk]\naliases = ["minsk"]\npart_of = "belarus_country"\n'
        '[places.belarus_country]\naliases = ["belarus"]\n[actors.lukashenko]\naliases = ["lukaschenko"]\n', "utf-8"
    )
    concepts = load_concepts(str(watch))
    text = "Laut Lukaschenko sind 3.000 Soldaten aus Belarus in Minsk stationiert."
    (claim,) = claims_from_figures(text, extract_figures(text, "de"), None, concepts)
    assert (claim.subject, claim.scope, claim.actor) == ("belarus", "minsk", "lukashenko")
    assert concepts.is_part_of("minsk", "belarus_country")


def stored(id, value, low, high, *, actor="ukraine", scope="russia", vague=False, rate="total", story=None, day=1, document=None,
           outlet=None):
    return StoredClaim(
        id=id, article_id=id, story=story or str(id), document=document or str(id), subject="north_korea", measure="troops", scope=scope, rate=rate,
        value=value, low=low, high=high, vague=vague, text=f"{value:g}", actor=actor, outlet=outlet,
        claim_date=dt.date(2024, 11, day),
    )


@pytest.mark.parametrize(
    "new, previous, kind",
    [
        (stored(2, 12000, 10800, 13200, actor="united_states"), stored(1, 11000, 11000, None), CORROBORATES),
        (stored(2, 14000, 13300, 14700, actor="united_states"), stored(1, 12000, 10800, 13700), REVISION),
        (stored(2, 1500, None, 1500, actor="russia"), stored(1, 11000, 11000, None), CONTRADICTION),
        (stored(2, 9000, 8550, 9450, day=9), stored(1, 11000, 11000, None), CONTRADICTION),  # same source, down
        (stored(2, 13000, 12500, 13500, day=9), stored(1, 11000, 10500, 11500), REVISION),  # same source, up
        (stored(2, 2000, 2000, 10000, actor="russia", vague=True), stored(1, 11000, 11000, None), NOT_COMPARABLE),
        (stored(2, 1500, None, 1500, actor="russia", rate="year"), stored(1, 11000, 11000, None), NOT_COMPARABLE),
        (stored(2, 1500, None, 1500, actor="russia", story="1"), stored(1, 11000, 11000, None), REVISION),  # copy changed
        (stored(2, 11000, 10500, 11500, actor="russia", story="1"), stored(1, 11000, 11000, None), NOT_COMPARABLE),
        (stored(2, 1500, None, 1500, story="1", scope="kursk"), stored(1, 11000, 11000, None), NOT_COMPARABLE),
        (stored(2, 8000, None, 8000, scope="kursk"), stored(1, 11000, 11000, None, actor="us"), NOT_COMPARABLE),
        (stored(2, 5000, 5000, None, scope="kursk"), stored(1, 1500, None, 1500, actor="russia"), CONTRADICTION),
        (stored(2, 5000, 5000, None, scope="kursk"), stored(1, 1500, None, 1500, scope="donetsk"), NOT_COMPARABLE),
        (stored(2, 1500, None, 1500, actor="russia", scope=None), stored(1, 11000, 11000, None), CONTRADICTION),
    ],
)
def test_comparison_rules(new, previous, kind):
    verdict = compare_claims(new, previous, load_concepts())
    assert verdict.kind == kind, verdict.explanation
    assert verdict.explanation and "\n" not in verdict.explanation


def test_a_changed_number_in_one_text_is_a_revision_worth_an_alert():
    concepts = load_concepts()
    version = compare_claims(stored(2, 12000, None, 12000, story="1", document="1"), stored(1, 10000, None, 10000), concepts)
    assert (version.kind, version.same_text) == (REVISION, True)
    assert "Same article revised: 10000 → 12000" in version.explanation
    copy = compare_claims(stored(2, 12000, None, 12000, story="1"), stored(1, 10000, None, 10000), concepts)
    assert copy.same_text and "copy of the same story changed the figure: 10000 → 12000" in copy.explanation
    assert "copy vs" not in copy.explanation and "an earlier copy" not in copy.explanation
    assert copy.explanation.endswith("(article 2 vs article 1)")  # files that state no outlet and have no URL
    named = compare_claims(stored(2, 12000, None, 12000, story="1", outlet="Harbor Post"),
                           stored(1, 10000, None, 10000, outlet="rheinblatt.de"), concepts)
    assert named.explanation.endswith("(Harbor Post vs rheinblatt.de)")
    assert judge_pairs([(stored(2, 12000, None, 12000, story="1"), stored(1, 10000, None, 10000))], concepts, {CONTRADICTION})


def test_a_contradiction_says_what_conflicts_with_what():
    verdict = compare_claims(stored(2, 1500, None, 1500, actor="russia"), stored(1, 11000, 11000, None), load_concepts())
    assert verdict.severity == "high"
    assert verdict.explanation.startswith("contradiction: north_korea/troops/russia/total — ")
    assert '"1500" (russia, 2024-11-01) vs "11000" (ukraine, 2024-11-01)' in verdict.explanation
