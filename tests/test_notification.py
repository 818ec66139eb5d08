"""The readable text of an alert and of a digest (extractors/notification.py): pure, tested with dicts
in the shape of storage.claims.alert_details."""

from __future__ import annotations

import datetime as dt

from extractors.notification import alert_message, digest_message

UTC = dt.timezone.utc


def claim(source, text, sentence, outlet, article, day, copies=1):
    return {"source": source, "text": text, "sentence": sentence, "outlet": outlet, "article": article,
            "published": f"2025-03-{day:02}", "claim_date": f"2025-03-{day:02}", "copies": copies}


def alert(id, dispute, explanation, sources, kind="contradiction"):
    new, previous = (sources + sources)[:2] if sources else (None, None)
    return {"id": id, "kind": kind, "dispute": dispute, "explanation": explanation, "sources": sources,
            "new": new, "previous": previous}


HARBOR = claim("harbor_authority", "12 ships", "The harbor authority counted 12 ships  on Monday.", "Harbor Post",
               "https://harborpost.example/a", 3, copies=3)
COUNCIL = claim("council", "7 ships", "The council said 7 ships docked.", None, "https://www.rheinblatt.example/b", 4)
MAYOR = claim("mayor", "30 ships", "The mayor spoke of 30 ships.", "Capital Ledger", "https://ledger.example/c", 5)


def test_an_alert_lists_every_claim_with_sentence_source_outlet_date_and_link():
    message = alert_message(alert(7, 1, "contradiction: port/ships — 12 vs 7", [HARBOR, COUNCIL]))
    assert message.title == "contradiction: port/ships — 12 vs 7"
    assert message.body == (
        'harbor_authority: "12 ships" (2025-03-03)\n'
        "The harbor authority counted 12 ships on Monday.\n"
        "Harbor Post, published 2025-03-03 (+2 copies)\n"
        "https://harborpost.example/a\n\n"
        'council: "7 ships" (2025-03-04)\n'
        "The council said 7 ships docked.\n"
        "rheinblatt.example, published 2025-03-04\n"  # no outlet stated: the link's site
        "https://www.rheinblatt.example/b"
    )


def test_a_revision_without_sources_lists_its_new_and_previous_claim():
    revision = {**alert(8, None, "revision: port/ships — 12 → 14", [], kind="revision"),
                "new": {**HARBOR, "text": "14 ships"}, "previous": HARBOR}
    body = alert_message(revision).body
    assert body.index('"14 ships"') < body.index('"12 ships"')


def test_a_digest_lists_each_dispute_once_with_all_its_claims():
    alerts = [
        alert(1, 1, "contradiction: port/ships — 12 vs 7", [HARBOR, COUNCIL]),
        alert(2, 2, "contradiction: port/cranes — 3 vs 9", [COUNCIL, HARBOR]),
        alert(3, 1, "contradiction: port/ships — 30 vs 12, 7", [MAYOR, HARBOR, COUNCIL]),  # dispute 1 grew
    ]
    message = digest_message("hourly", dt.datetime(2025, 3, 5, 13, tzinfo=UTC), dt.datetime(2025, 3, 5, 14, tzinfo=UTC), alerts)
    assert message.title == "newsmon hourly digest, 2025-03-05 13:00–14:00 UTC: 2 new disputes"
    assert message.body.startswith("1. contradiction: port/ships — 30 vs 12, 7\n\n   mayor:")
    assert "\n\n\n2. contradiction: port/cranes — 3 vs 9\n" in message.body
    assert "port/ships — 12 vs 7" not in message.body  # the dispute's older alert is not listed again
    daily = digest_message("daily", dt.datetime(2025, 3, 5, tzinfo=UTC), dt.datetime(2025, 3, 6, tzinfo=UTC), alerts[:1])
    assert daily.title == "newsmon daily digest, 2025-03-05 (UTC): 1 new dispute"
