"""Claims on news of any kind, as docs/claims.md specifies: subjects of any country, measures from the
predicate, modality, as-of dates and periods, cumulative vs stock, several sources in one article.
Sentences written here, about floods, earthquakes, wars and strikes."""

import datetime as dt

import pytest
from conftest import claims_in, one_claim

from extractors.claims import COUNT, EARLIER, INCREMENT, PLAN, SUBSET, VERIFIED, WHOLE
from extractors.compare import (
    CONTRADICTION,
    CORROBORATES,
    NOT_COMPARABLE,
    REVISION,
    StoredClaim,
    compare_claims,
)
from extractors.concepts import load_concepts

PUBLISHED = dt.date(2025, 3, 14)


def claims(text, lang, published=PUBLISHED):
    return claims_in(text, lang, published)


def one(text, lang, published=PUBLISHED):
    return one_claim(text, lang, published)


@pytest.mark.parametrize(
    "text, lang, key",
    [
        ("Bei dem Erdbeben in Peru kamen mehr als 300 Menschen ums Leben.", "de", "peru/killed/-/total"),
        ("More than 300 people died in the earthquake in Peru.", "en", "peru/killed/-/total"),
        ("Die Fluten haben in Bangladesch rund 20.000 Menschen vertrieben.", "de", "bangladesh/displaced/-/total"),
        ("At least 1,200 Malian refugees crossed into Niger.", "en", "mali/refugees/niger/total"),
        ("Mehr als 40 malische Soldaten wurden bei dem Angriff getötet oder verletzt.", "de", "mali/casualties/-/total"),
        ("Polish police arrested 85 people after the protest.", "en", "poland/arrested/-/total"),
        # a state that no longer exists is no other country
        ("Mehr als 400 jugoslawische Soldaten wurden getötet.", "de", "yugoslavia/killed/-/total"),
        # "its troops": the speaker's side, not the country where they fell
        ("Peru said on Monday that 12 of its soldiers were killed in a strike in Bolivia.", "en", "peru/killed/bolivia/total"),
    ],
)
def test_any_country_and_the_measure_from_the_predicate(text, lang, key):
    assert one(text, lang).key == key


def test_people_killed_belong_to_the_place_not_to_the_side_that_killed_them():
    claim = one("Armenian shelling killed 12 people in Azerbaijan on Monday.", "en")
    assert claim.subject == "azerbaijan"
    # soldiers belong to their side wherever they fall
    assert one("Bei Gefechten in Armenien wurden 30 aserbaidschanische Soldaten getötet.", "de").subject == "azerbaijan"


def test_a_region_makes_its_country_the_subject_and_stays_the_scope():
    assert one("Im Westjordanland wurden 14 Menschen verletzt.", "de").key == "palestine/wounded/west_bank/total"


def test_the_lead_names_the_place_for_the_figures_after_it():
    text = "Ein schweres Beben hat Nepal erschüttert. Mindestens 150 Menschen starben, berichten Helfer."
    assert one(text, "de").subject == "nepal"


@pytest.mark.parametrize(
    "text, lang, modality",
    [
        ("Die Regierung plant, 6.000 Soldaten in das Grenzgebiet zu schicken.", "de", PLAN),
        ("The toll could rise to 2,000 deaths, officials warned.", "en", PLAN),
        ("Weitere 3.000 Soldaten sind am Montag eingetroffen.", "de", INCREMENT),
        ("An additional 500 troops arrived on Monday.", "en", INCREMENT),
        ("It sent 4,000 troops, including 300 officers.", "en", SUBSET),
        ("Es kamen 4.000 Soldaten an, darunter 300 Offiziere.", "de", SUBSET),
        ("Mindestens 3.000 Soldaten sind im Grenzgebiet stationiert.", "de", COUNT),
        # a harm figure counting a group is that group's part of the toll
        ("Bei den Überschwemmungen in Peru wurden 40 Kinder getötet.", "de", "subset:children"),
        ("The floods in Peru left 12 aid workers dead, the agency said.", "en", "subset:aid_workers"),
        ("Bei den Überschwemmungen in Peru wurden 140 Menschen getötet.", "de", COUNT),
        ("In einem Krankenhaus in Peru starben 31 Patienten.", "de", "subset:patients"),
        ("The army said 900 militants had been killed in Mali.", "en", "subset:militants"),
        ("In Peru starben 12 Säuglinge.", "de", "subset:children"),
        # a cause other than the violence or the disaster itself
        ("In Yemen, 2,300 people have died of cholera since the outbreak began.", "en", "subset:cholera"),
        ("Im Tschad starben 85 Menschen an Masern.", "de", "subset:measles"),
        ("In Peru starben 40 Menschen an einer Infektionskrankheit.", "de", "subset:disease"),
        # an attack on one target is that target's part of the toll; an attack on a country is not
        ("Bei dem Angriff auf einen Markt in Tschad starben 20 Menschen.", "de", "subset:target"),
        ("WHO counted 70 attacks on clinics in Chad, resulting in 31 deaths.", "en", "subset:target"),
        ("The attack on Chad killed 40 people, officials said.", "en", COUNT),
        # a part the text singles out, or that a whole is said to include
        ("In the province of Oaxaca alone, 64 people were killed.", "en", SUBSET),
        ("The UN figure includes some 1,900 people killed by floods in Niger.", "en", SUBSET),
        # several countries' toll together
        ("Mehr als 900 Menschen sind in beiden Ländern ums Leben gekommen, hieß es aus Peru.", "de", "combined"),
        ("The combined death toll in Peru and Bolivia rose to 900.", "en", "combined"),
        # the whole a part is counted out of
        ("In Haiti, 1,2 Millionen der 11 Millionen Einwohner wurden vertrieben.", "de", WHOLE),
        # a count by name: a list of identified victims
        ("Reporters in Peru have established the names of 1,480 soldiers killed since May.", "en", VERIFIED),
        ("Eine Recherche hat die Namen von 2.100 getöteten Soldaten aus Peru ermittelt.", "de", VERIFIED),
        # an earlier figure looked back on, unless the sentence brings it up to date
        ("Damals war in Bolivien von 35 Toten die Rede gewesen.", "de", EARLIER),
        ("At that time, Bolivian officials said 35 people had died.", "en", EARLIER),
        ("Previously put at 35, the toll in Bolivia has now risen to 61 dead.", "en", COUNT),
        # a part of a country: a compass region or an area one side holds
        ("In northern Mozambique, 300 people were killed this year.", "en", "subset:region:north"),
        ("In den von Rebellen kontrollierten Gebieten Syriens starben 900 Menschen.", "de", "subset:region:rebel"),
        ("The death toll in north-eastern #Nigeria has risen to 310.", "en", "subset:region:northeast"),
        # displacement inside the country is a part of everyone displaced
        ("In Myanmar, 2.6 million people are internally displaced.", "en", "subset:internal"),
    ],
)
def test_modality(text, lang, modality):
    assert claims(text, lang)[-1].modality == modality


def test_two_regions_of_one_country_are_told_apart_and_compared_only_with_their_own():
    north, held = claims("Laut UN sind in Jemen im Norden mindestens 900 Menschen ums Leben gekommen, in Gebieten "
                         "unter Regierungskontrolle etwa 300.", "de")
    assert (north.modality, held.modality) == ("subset:region:north", "subset:region:government")
    again = one("In northern Yemen, the death toll has risen to 2,400, aid groups said.", "en")
    assert again.modality == north.modality
    # "weitere 400" in another region is that region's count, not an increment of the first
    first, more = claims("Im Osten Perus starben 200 Menschen. Weitere 400 Tote wurden in den von der Regierung "
                         "kontrollierten Gebieten gezählt.", "de")
    assert (first.modality, more.modality) == ("subset:region:east", "subset:region:government")


def test_the_side_attacking_in_an_earlier_sentence_is_not_the_subject_of_a_later_toll():
    claim = claims("Ugandan strikes overnight killed more than 20 people. The death toll has climbed to 6,034, "
                   "with 14,870 others wounded since the war started.", "en")[1]
    assert claim.subject != "uganda"
    assert one("Die Angaben bezifferten die Opfer „infolge der ugandischen Aggression“ auf 1.599 Märtyrer.",
               "de").measure == "killed"


def test_a_figure_without_people_of_its_own_counts_the_people_of_the_figure_it_is_joined_to():
    killed, wounded = claims("At that time, officials said 340 Peruvian soldiers had been killed and another 1,200 "
                             "wounded during the fighting in Bolivia.", "en")
    assert (wounded.subject, wounded.scope) == (killed.subject, killed.scope) == ("peru", "bolivia")
    assert wounded.modality == killed.modality == EARLIER  # other harm of the same people, not an increment
    # a figure that names people of its own is not joined: "and 300 Bolivian civilians"
    soldiers, civilians = claims("Officials said 340 Peruvian soldiers were killed and 300 Bolivian civilians were "
                                 "wounded.", "en")
    assert civilians.subject == "bolivia"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Nach Angaben aus Lima gibt es bisher etwa 3.500 Tote aufseiten Boliviens.", "de"),
        ("Auf bolivianischer Seite sind seither mehr als 1200 Menschen getötet worden, hieß es in Lima.", "de"),
        ("Officials in Lima said losses on the Bolivian side had reached 4,500 dead.", "en"),
    ],
)
def test_the_side_a_figure_is_counted_on_is_its_subject(text, lang):
    assert one(text, lang).subject == "bolivia"


def test_soldiers_of_a_side_that_states_its_own_toll_are_that_sides():
    claim = one("The Peruvian army last updated its death toll for the war in Bolivia in May, when it said "
                "fewer than 600 soldiers had died.", "en")
    assert (claim.subject, claim.scope) == ("peru", "bolivia")


def test_where_soldiers_come_from_is_not_where_they_are_counted():
    claim = one("Schätzungen gehen davon aus, dass bereits mehr als 700 Soldaten aus Peru in Bolivien getötet wurden.", "de")
    assert (claim.subject, claim.scope) == ("peru", "bolivia")


def test_the_seat_of_an_institution_names_the_source():
    claim = one("Im Krieg sind nach Angaben des Verteidigungsministeriums in Moskau bisher 498 Soldaten getötet worden.", "de")
    assert claim.actor == "russia"


def test_a_country_named_with_an_attack_is_the_attacker_not_the_one_counted():
    claim = one("In Mali wurden infolge nigrischer Luftangriffe 40 Menschen getötet.", "de")
    assert claim.subject == "mali"
    assert one("Ugandan shelling killed 23 people, the Congolese army said.", "en").subject != "uganda"


def test_a_figure_without_a_side_takes_the_one_its_sentence_or_article_was_counting():
    first, second = claims("Die Regierung meldete den Tod von 40 Menschen aus Peru, dem Roten Kreuz zufolge "
                           "soll es über 120 Tote gegeben haben.", "de")
    assert first.subject == second.subject == "peru"
    # the article's last figure of the measure, not the country its previous sentence named last
    earlier, later = claims("Floods in Bolivia killed 300 people, officials said, as the rain moved on to Peru. "
                            "Aid groups say the real toll is far higher: more than 900 dead.", "en")
    assert later.subject == earlier.subject == "bolivia"


def test_harm_with_no_side_told_by_a_countrys_institution_is_that_countrys():
    assert one("According to Chilean state TV, 45 people were killed when a bridge collapsed.", "en").subject == "chile"


def test_a_place_in_the_next_clause_is_not_the_figures():
    first, second = claims("In Peru wurden nach Angaben der Behörden außerdem mehr als 1.200 Menschen verletzt, in Bolivien sprachen Behörden von "
                           "mehr als 300 Verletzten.", "de")
    assert (first.subject, second.subject) == ("peru", "bolivia")


def test_a_countrys_adjective_in_a_place_after_the_figure_names_its_subject():
    text = "Nigrische Luftangriffe haben seit Montag 70 Menschen in der malischen Hauptstadt getötet."
    assert one(text, "de").subject == "mali"


def test_a_figure_whose_sentence_names_no_place_takes_the_articles_place_for_it():
    first, later, national = claims("Floods in Sudan's Darfur region killed 300 people this week. Aid groups say "
                                    "the real toll is higher: 900 dead. In Sudan as a whole, 1,400 people died.", "en")
    assert (first.scope, later.scope) == ("darfur", "darfur")
    assert national.scope is None  # a sentence that names the country itself is about all of it


def test_the_date_a_figure_holds_up_to_is_its_as_of_date():
    claim = one("Bis zum 19. Februar wurden in Bolivien seit dem Beginn der Fluten im Januar 412 Tote gezählt.", "de")
    assert claim.claim_date == dt.date(2025, 2, 19)


def test_another_figure_for_another_place_is_its_count_not_an_increment():
    peru, bolivia = claims("The floods killed 310 people in Peru, and another 95 in Bolivia.", "en")
    assert (peru.key, bolivia.key) == ("peru/killed/-/total", "bolivia/killed/-/total")
    assert bolivia.modality == COUNT
    assert claims("The floods killed 310 people in Peru, and another 95 people in Peru on Monday.", "en")[-1].modality == INCREMENT


def test_a_one_day_count_is_a_daily_rate():
    assert one("In den vergangenen 24 Stunden starben in Bolivien 41 Menschen.", "de").rate == "day"
    assert one("Bolivia reported 41 deaths in the past 24 hours.", "en").rate == "day"
    assert one("Bolivia reported 410 deaths since the floods began.", "en").rate == "total"


def test_hostages_taken_held_and_released_are_three_measures():
    taken, held, freed = claims("Gunmen in Nigeria abducted 120 villagers; 80 are still held hostage in Nigeria, "
                                "and 40 hostages were released in Nigeria on Sunday.", "en")
    assert (taken.measure, held.measure, freed.measure) == ("abducted", "hostages", "released")
    killed = one("In Nigeria seien 9 Geiseln getötet worden.", "de")
    assert (killed.measure, killed.modality) == ("killed", "subset:hostages")


def test_a_figure_that_fled_the_country_is_refugees_though_it_follows_the_displaced():
    whole, abroad = claims("Of the 3.1 million Haitians displaced, 2.5 million stayed in Haiti, "
                                   "while 600,000 have fled the country.", "en")
    assert (whole.measure, abroad.measure) == ("displaced", "refugees")


def test_a_since_date_starts_a_period_and_a_named_date_is_the_as_of_date():
    since = one("Seit dem 2. Januar sind in Chile mehr als 120 Menschen bei Waldbränden gestorben.", "de")
    assert (since.period_start, since.claim_date) == (dt.date(2025, 1, 2), PUBLISHED)
    dated = one("On March 3, the ministry said 45 people had died in Chile.", "en")
    assert dated.claim_date == dt.date(2025, 3, 3)
    assert one("Mehr als 120 Menschen starben in Chile.", "de", published=None).claim_date is None


def test_two_sources_in_one_article_have_their_own_actors():
    text = ("Nach Angaben der Regierung in Santiago starben 120 Menschen in Chile. "
            "Das Rote Kreuz sprach dagegen von mindestens 300 Toten in Chile.")
    government, red_cross = claims(text, "de")
    assert government.key == red_cross.key and government.actor != red_cross.actor
    assert red_cross.actor == "red_cross"


def stored(id, value, low, high, *, day, measure="killed", actor="a", article=None, modality=COUNT, vague=False):
    return StoredClaim(
        id=id, article_id=article or id, story=str(article or id), document=str(article or id), subject="chile",
        measure=measure, scope=None, rate="total", value=value, low=low, high=high, vague=vague, text=f"{value:g}",
        actor=actor, outlet=None, claim_date=None if day is None else dt.date(2025, 3, day), modality=modality,
        voice=f"actor:{actor}",
    )


@pytest.mark.parametrize(
    "new, previous, kind, severity",
    [
        # cumulative: a later, higher total is an update; a later total wholly below an earlier one conflicts
        (stored(2, 900, 900, None, day=20, actor="b"), stored(1, 300, 300, None, day=1), REVISION, "low"),
        (stored(2, 100, 95, 105, day=20, actor="b"), stored(1, 300, 300, None, day=1), CONTRADICTION, "high"),
        # close dates: sources that cannot both be right
        (stored(2, 900, 900, None, day=3, actor="b"), stored(1, 300, 280, 320, day=1), CONTRADICTION, "high"),
        # a stock moves either way: far apart, no conflict; close, a conflict
        (stored(2, 100, 95, 105, day=30, actor="b", measure="troops"), stored(1, 300, 290, 310, day=1, measure="troops"),
         REVISION, "low"),
        (stored(2, 100, 95, 105, day=4, actor="b", measure="troops"), stored(1, 300, 290, 310, day=1, measure="troops"),
         CONTRADICTION, "high"),
        # undated: cannot be told from an update
        (stored(2, 900, 900, None, day=None, actor="b"), stored(1, 300, 280, 320, day=1), CONTRADICTION, "low"),
        # undated and unattributed on both sides: no date and nobody to tell it from an update
        (stored(2, 900, 900, None, day=None, actor=None), stored(1, 300, 280, 320, day=1, actor=None), REVISION, "low"),
        # one source, one figure undated: which came first is unknown, so a lower figure is no correction
        (stored(2, 100, 95, 105, day=None), stored(1, 300, 290, 310, day=1), REVISION, "low"),
        (stored(2, 100, 95, 105, day=9), stored(1, 300, 290, 310, day=1), CONTRADICTION, "medium"),
        # a plan, an increment: only compared with their own kind, increments never
        (stored(2, 900, 900, None, day=2, actor="b", modality=PLAN), stored(1, 300, 280, 320, day=1), NOT_COMPARABLE, None),
        (stored(2, 900, 900, None, day=2, actor="b", modality=INCREMENT), stored(1, 300, 280, 320, day=1, modality=INCREMENT),
         NOT_COMPARABLE, None),
        # two actors quoted in one article disagree as two sources
        (stored(2, 900, 900, None, day=1, actor="b", article=7), stored(1, 300, 280, 320, day=1, article=7), CONTRADICTION, "high"),
        # far more than an order of magnitude apart, one said by nobody named: different things (an attack, the war)
        (stored(2, 9000, 9000, 9000, day=2, actor=None), stored(1, 300, 300, 300, day=1), NOT_COMPARABLE, None),
        (stored(2, 3000, 3000, 3000, day=2, actor=None), stored(1, 300, 300, 300, day=1), CONTRADICTION, "high"),
        # two named sources that far apart dispute in earnest (one side minimising), up to a hundredfold
        (stored(2, 9000, 9000, 9000, day=2, actor="b"), stored(1, 300, 300, 300, day=1), CONTRADICTION, "high"),
        (stored(2, 40000, 40000, 40000, day=2, actor="b"), stored(1, 300, 300, 300, day=1), NOT_COMPARABLE, None),
        # a count by name is a lower bound: more named dead than a total of the same time contradict it ...
        (stored(2, 900, 900, 900, day=2, actor="b", modality=VERIFIED), stored(1, 300, 300, 300, day=1), CONTRADICTION, "high"),
        (stored(2, 900, 900, 900, day=1, actor=None, article=7, modality=VERIFIED), stored(1, 300, 300, 300, day=None, article=7),
         CONTRADICTION, "high"),
        # ... fewer say nothing, and neither does a total long before (the list grew) or an undated one
        (stored(2, 200, 200, 200, day=2, actor="b", modality=VERIFIED), stored(1, 300, 300, 300, day=1), NOT_COMPARABLE, None),
        (stored(2, 900, 900, 900, day=30, actor="b", modality=VERIFIED), stored(1, 300, 300, 300, day=1), NOT_COMPARABLE, None),
        (stored(2, 900, 900, 900, day=None, actor="b", modality=VERIFIED), stored(1, 300, 300, 300, day=1), NOT_COMPARABLE, None),
        # an earlier figure looked back on is not compared with a current one
        (stored(2, 900, 900, 900, day=2, actor="b", modality=EARLIER), stored(1, 300, 300, 300, day=1), NOT_COMPARABLE, None),
        # overlapping intervals agree
        (stored(2, 310, 300, 320, day=2, actor="b"), stored(1, 305, 290, 320, day=1), CORROBORATES, None),
    ],
)
def test_time_and_kind_decide_between_update_and_conflict(new, previous, kind, severity):
    verdict = compare_claims(new, previous, load_concepts(), window_days=7)
    assert (verdict.kind, verdict.severity) == (kind, severity), verdict.explanation


def test_the_window_is_a_setting():
    new, previous = stored(2, 900, 900, None, day=12, actor="b", measure="troops"), stored(1, 300, 280, 320, day=1, measure="troops")
    assert compare_claims(new, previous, load_concepts(), window_days=7).kind == REVISION
    assert compare_claims(new, previous, load_concepts(), window_days=14).kind == CONTRADICTION


def test_aliases_match_at_word_starts_longest_first_and_places_as_whole_words():
    from extractors.concepts import _pattern

    places = _pattern({"north_korea": ["north korea", "nordkorea"], "korea": ["korea"], "niger": ["niger"]}, whole_words=True)
    text = "Nordkoreas Truppen: from North Korea to Nigeria, not Niger-based; in Niger."
    assert [(c, text[s:e]) for c, s, e in places.find(text)] == [("north_korea", "North Korea"), ("niger", "Niger")]
    subjects = _pattern({"russia": ["russisch", "russia"], "belarus": ["belarus"]})
    text = "russische Soldaten, Belarussia, Weißrussland"
    assert [c for c, _, _ in subjects.find(text)] == ["russia", "belarus"]  # "russ" inside a word never starts one
    # a window sees the text before it: "Belarussia" cut after "Bela" is still inside a word
    assert subjects.find("Belarussia", 4) == []
