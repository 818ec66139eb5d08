"""Contradictions grouped into disputes: one alert when sources start to disagree, another only when a
source joins outside the disputed range; a dismissed dispute stays quiet until a new source joins."""

import datetime as dt
from dataclasses import replace

from extractors.compare import StoredClaim, judge_pairs
from extractors.concepts import load_concepts
from extractors.disputes import DISMISSED, OPEN, group_into_disputes


def claim(id, value, low, high, source, day=1):
    return StoredClaim(
        id=id, article_id=id, story=str(id), document=str(id), subject="kenya", measure="killed", scope=None,
        rate="total", value=value, low=low, high=high, vague=False, text=f"{value:g}", actor=source, outlet=None,
        claim_date=dt.date(2025, 5, day), voice=f"actor:{source}",
    )


def fold(claims, disputes, next_id=1):
    pairs = [(a, b) for i, a in enumerate(claims) for b in claims[:i]]
    return group_into_disputes(judge_pairs(pairs, load_concepts(), {"contradiction"}), disputes, next_id)


def test_three_sources_that_disagree_raise_one_alert_naming_all_of_them():
    disputes = {}
    police, red_cross, ministry = claim(1, 40, 38, 42, "police"), claim(2, 200, 200, None, "red_cross"), claim(3, 90, 85, 95, "ministry")
    alerts = fold([police, red_cross, ministry], disputes)
    assert len(alerts) == 1 and alerts[0].opened
    assert {c.actor for c in alerts[0].sources} == {"police", "red_cross"}
    ((dispute,),) = disputes.values()
    assert set(dispute.members) == {"actor:police", "actor:red_cross", "actor:ministry"}
    # the ministry's 90 lay inside the range already disputed (40 .. 200 and more): it joined, silently
    assert alerts[0].explanation.startswith("contradiction: kenya/killed/-/total — ") and len(alerts[0].sources) == 2


def join(new, disputes):
    """A new claim compared with every member of the stored disputes, as storage does with the heads."""
    members = [c for key in disputes.values() for d in key for c in d.members.values()]
    return group_into_disputes(judge_pairs([(new, c) for c in members], load_concepts(), {"contradiction"}), disputes, 10)


def test_a_new_source_outside_the_range_alerts_again_and_inside_it_does_not():
    disputes = {}
    fold([claim(1, 40, 38, 42, "police"), claim(2, 200, 190, 210, "red_cross")], disputes)
    assert join(claim(3, 100, 95, 105, "ministry"), disputes) == []
    assert "actor:ministry" in disputes["kenya/killed/-/total"][0].members
    (alert,) = join(claim(4, 20, 20, 20, "army"), disputes)
    assert not alert.opened and alert.new.actor == "army" and len(alert.sources) == 4


def test_the_same_source_updating_its_figure_does_not_re_fire():
    disputes = {}
    fold([claim(1, 40, 38, 42, "police"), claim(2, 200, 190, 210, "red_cross")], disputes)
    assert join(claim(3, 45, 43, 47, "police", day=2), disputes) == []
    assert disputes["kenya/killed/-/total"][0].members["actor:police"].id == 3  # its latest claim is the member


def test_a_dismissed_dispute_stays_quiet_until_a_new_source_joins():
    disputes = {}
    fold([claim(1, 40, 38, 42, "police"), claim(2, 200, 190, 210, "red_cross")], disputes)
    (dispute,) = disputes["kenya/killed/-/total"]
    dispute.status = DISMISSED
    assert join(claim(3, 190, 185, 195, "red_cross", day=2), disputes) == []  # a member repeats itself
    (alert,) = join(claim(4, 150, 145, 155, "ministry", day=2), disputes)  # inside the range, but a new source
    assert alert.new.actor == "ministry" and dispute.status == OPEN


def test_plans_are_disputed_apart_from_counts():
    from extractors.claims import PLAN

    disputes = {}
    fold([claim(1, 40, 38, 42, "police"), claim(2, 200, 190, 210, "red_cross")], disputes)
    plans = [replace(claim(3, 500, 500, None, "army"), modality=PLAN), replace(claim(4, 50, 45, 55, "police"), modality=PLAN)]
    (alert,) = fold(plans, disputes, 10)
    assert alert.dispute.key == "kenya/killed/-/total (plan)" and len(disputes) == 2


def test_a_conflict_months_later_opens_a_dispute_of_its_own():
    """Last spring's disagreement and this winter's are two disputes of one key: the second opens (and
    alerts) although its figures lie inside the range the first one spanned."""
    disputes = {}
    fold([claim(1, 40, 38, 42, "police"), claim(2, 200, 190, 210, "red_cross")], disputes)
    winter = [replace(claim(3, 90, 88, 92, "police"), claim_date=dt.date(2025, 12, 1)),
              replace(claim(4, 150, 145, 155, "red_cross"), claim_date=dt.date(2025, 12, 2))]
    (alert,) = fold(winter, disputes, 10)
    assert alert.opened and alert.dispute.id == 10
    spring, later = disputes["kenya/killed/-/total"]
    assert spring.period() == (dt.date(2025, 5, 1), dt.date(2025, 5, 1))
    assert later.period() == (dt.date(2025, 12, 1), dt.date(2025, 12, 2))


def test_undated_conflicts_share_their_key_s_undated_dispute():
    disputes = {}
    undated = [replace(claim(i, v, v, v, who), claim_date=None) for i, v, who in [(1, 40, "police"), (2, 200, "red_cross")]]
    (first,) = fold(undated, disputes)
    assert first.severity == "low" and first.dispute.period() is None
    assert join(replace(claim(3, 10, 10, 10, "army"), claim_date=None), disputes)[0].dispute is first.dispute


def test_two_sources_one_article_quotes_against_each_other_alert_once_even_inside_the_range():
    disputes = {}
    fold([claim(1, 40, 38, 42, "police"), claim(2, 200, 190, 210, "red_cross")], disputes)
    # one article quotes the ministry's 100 against the army's 60: both inside 38 .. 210, yet news
    army, ministry = (replace(claim(i, v, v - 2, v + 2, who), article_id=7, story="7") for i, v, who in
                      [(3, 60, "army"), (4, 100, "ministry")])
    (alert,) = fold([army, ministry], disputes, 10)
    assert {alert.new.id, alert.previous.id} == {3, 4} and not alert.opened
    # a third figure of that article from the army adds nothing
    assert join(replace(claim(5, 61, 59, 63, "army"), article_id=7, story="7"), disputes) == []
