"""Claims and alerts in DuckDB: candidate pairs found by one indexed join, alerts stored once per pair."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from extractors.compare import (
    CONTRADICTION,
    DEFAULT_WINDOW_DAYS,
    StoredClaim,
    judge_pairs,
)
from extractors.claims import COUNT, VERIFIED
from extractors.concepts import Concepts
from extractors.disputes import Dispute, dispute_key, group_into_disputes

from .bulk import insert_rows
from .database import scalar
from .deliveries import enqueue_deliveries
from .transaction import transaction

CLAIM_COLUMNS = [
    "id", "article_id", "figure_position", "subject", "measure", "scope", "rate", "key", "value", "low", "high",
    "vague", "text", "sentence", "actor", "attribution", "claim_date", "modality", "period_start",
]
# What comparison reads of a claim (extractors.compare.StoredClaim), from the claim_sources view.
_STORED = [
    "id", "article_id", "story", "document", "subject", "measure", "scope", "rate",
    "value", "low", "high", "vague", "text", "actor", "outlet", "claim_date", "modality", "voice",
]


ALERT_COLUMNS = ["id", "kind", "severity", "key", "new_claim_id", "previous_claim_id", "explanation", "dispute_id", "claim_ids"]
# claim_sources columns in StoredClaim's order, story and document as text.
_STORED_READ = [f"{c}::VARCHAR" if c in ("story", "document") else c for c in _STORED]
_DISPUTE_TYPES = {"id": pa.int64(), "dispute_id": pa.int64(), "claim_id": pa.int64(), "first_date": pa.date32(),
                  "last_date": pa.date32(), "opened_at": pa.timestamp("us", tz="UTC"),
                  "updated_at": pa.timestamp("us", tz="UTC"), "joined_at": pa.timestamp("us", tz="UTC")}


@dataclass(frozen=True)
class AlertRow:
    id: int
    kind: str
    severity: str
    key: str
    new_claim_id: int
    previous_claim_id: int
    explanation: str
    dispute_id: int | None = None
    claim_ids: list[int] | None = None  # every claim the alert names


def claim_records(article_id: int, claims, next_id: int) -> list[dict]:
    """Rows for the claims table; `claims` are extractors.claims.Claim records."""
    rows = []
    for offset, claim in enumerate(claims):
        rows.append({
            "id": next_id + offset, "article_id": article_id, "figure_position": claim.position,
            "subject": claim.subject, "measure": claim.measure, "scope": claim.scope, "rate": claim.rate,
            "key": claim.key, "value": claim.value, "low": claim.low, "high": claim.high, "vague": claim.vague,
            "text": claim.text, "sentence": claim.sentence, "actor": claim.actor, "attribution": claim.attribution,
            "claim_date": claim.claim_date, "modality": claim.modality, "period_start": claim.period_start,
        })
    return rows


def next_claim_id(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "SELECT coalesce(max(id), 0) + 1 FROM claims")


def pending_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[StoredClaim, StoredClaim]]:
    """Pairs (newer claim, older claim) of the same subject, measure and rate, one of them not yet
    compared, that might conflict.

    A new claim meets the latest claim of each voice of its key (`claim_heads`: what each actor, outlet
    or story says today), the copies of its own story, and the other new claims; never the whole history
    of the key, so the cost grows with the sources of a key, not with its claims. Pairs whose values sit
    inside each other's intervals corroborate and are left out, vague pairs never conflict. Copies of one
    story (and versions of one article) are one source: they pair only where one copy has a figure the
    other lacks for that key, i.e. where a number was changed. Of each voice (or of the claim's own
    story) only the latest conflicting claim per place is kept."""
    columns = ", ".join(_STORED)
    rows = con.execute(
        f"""
        WITH fresh AS (
            SELECT {columns}, voice, compared FROM claim_sources
            WHERE NOT compared AND subject IS NOT NULL  -- a figure about nobody we know is stored, never compared
        ),
        candidates AS (
            SELECT h.claim_id AS id FROM claim_heads h
            SEMI JOIN fresh f ON f.measure = h.measure AND f.subject = h.subject AND f.rate = h.rate
                             AND {_comparable_modalities("f", "h")}
            UNION
            SELECT c.id FROM claims c
            WHERE c.article_id IN (SELECT article_id FROM stories WHERE story_id IN (SELECT story FROM fresh)
                                   UNION SELECT story FROM fresh)
        ),
        stored AS (
            SELECT {columns}, voice, compared FROM claim_sources
            WHERE id IN (SELECT id FROM candidates) OR NOT compared
        ),
        pairs AS (
            SELECT CASE WHEN (n.claim_date, n.id) > (o.claim_date, o.id) THEN n.id ELSE o.id END AS newer,
                   CASE WHEN (n.claim_date, n.id) > (o.claim_date, o.id) THEN o.id ELSE n.id END AS older
            FROM fresh n
            JOIN stored o ON o.measure = n.measure AND o.subject = n.subject AND o.rate = n.rate
                          AND {_comparable_modalities("o", "n")}
                          AND n.modality <> 'increment'
            WHERE o.id <> n.id
              AND (o.compared OR o.id < n.id)  -- two new claims meet once
              AND NOT (n.vague AND o.vague)
              AND NOT ((o.low IS NULL OR n.value >= o.low) AND (o.high IS NULL OR n.value <= o.high)
                   AND (n.low IS NULL OR o.value >= n.low) AND (n.high IS NULL OR o.value <= n.high))
              AND (o.story <> n.story
                   OR (o.article_id = n.article_id AND o.actor IS DISTINCT FROM n.actor)  -- two sources quoted in one article
                   OR (  -- `stored` holds every claim of the articles of the new claims' stories
                   o.article_id <> n.article_id AND o.scope IS NOT DISTINCT FROM n.scope
                   AND NOT EXISTS (SELECT 1 FROM stored x WHERE x.article_id = o.article_id AND x.value = n.value
                                   AND x.measure = n.measure AND x.subject = n.subject AND x.rate = n.rate)
                   AND NOT EXISTS (SELECT 1 FROM stored x WHERE x.article_id = n.article_id AND x.value = o.value
                                   AND x.measure = n.measure AND x.subject = n.subject AND x.rate = n.rate)))
        )
        SELECT {_sides("w")}, {_sides("p")}
        FROM pairs
        JOIN stored w ON w.id = pairs.newer
        JOIN stored p ON p.id = pairs.older
        QUALIFY row_number() OVER (
            PARTITION BY w.id, CASE WHEN p.story = w.story AND p.actor IS NOT DISTINCT FROM w.actor THEN 'story' ELSE p.voice END,
                         p.scope, p.vague
            ORDER BY p.claim_date DESC NULLS LAST, p.id DESC
        ) = 1
        """
    ).fetchall()
    width = len(_STORED)
    return [(StoredClaim(*r[:width]), StoredClaim(*r[width:])) for r in rows]


def mark_compared(con: duckdb.DuckDBPyConnection) -> None:
    """Every claim stored so far has met every voice of its key: the new ones become the heads of their
    voices where they are later than the head, and the next comparison starts from the next batch."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE fresh_heads AS
        SELECT measure, subject, rate, scope, vague, voice, id AS claim_id, claim_date, modality FROM claim_sources
        WHERE NOT compared AND subject IS NOT NULL
        QUALIFY row_number() OVER (
            PARTITION BY measure, subject, rate, scope, vague, voice, modality ORDER BY claim_date DESC NULLS LAST, id DESC
        ) = 1
        """
    )
    same_head = """h.measure = f.measure AND h.subject = f.subject AND h.rate = f.rate
                   AND h.scope IS NOT DISTINCT FROM f.scope AND h.vague = f.vague AND h.voice = f.voice
                   AND h.modality = f.modality"""
    con.execute(
        f"""DELETE FROM claim_heads h USING fresh_heads f WHERE {same_head}
            AND (coalesce(f.claim_date, DATE '0001-01-01'), f.claim_id) > (coalesce(h.claim_date, DATE '0001-01-01'), h.claim_id)"""
    )
    con.execute(f"INSERT INTO claim_heads SELECT * FROM fresh_heads f WHERE NOT EXISTS (SELECT 1 FROM claim_heads h WHERE {same_head})")
    con.execute("DROP TABLE fresh_heads")
    con.execute("UPDATE claims SET compared = true WHERE NOT compared")


def insert_alerts(con: duckdb.DuckDBPyConnection, alerts: list[AlertRow], run_id: str) -> list[AlertRow]:
    """Store alerts with ids; a pair of claims already alerted is skipped (re-runs never re-fire)."""
    if not alerts:
        return []
    known = set(
        con.execute(
            "SELECT new_claim_id, previous_claim_id FROM alerts WHERE new_claim_id IN (SELECT unnest(?::BIGINT[]))",
            [sorted({a.new_claim_id for a in alerts})],
        ).fetchall()
    )
    next_id = scalar(con, "SELECT coalesce(max(id), 0) + 1 FROM alerts")
    now = dt.datetime.now(dt.timezone.utc)
    stored: list[AlertRow] = []
    for alert in alerts:
        if (alert.new_claim_id, alert.previous_claim_id) in known:
            continue
        known.add((alert.new_claim_id, alert.previous_claim_id))
        stored.append(dataclasses.replace(alert, id=next_id + len(stored)))
    rows = [{**dataclasses.asdict(a), "created_at": now, "run_id": run_id} for a in stored]
    insert_rows(con, "alerts", [*ALERT_COLUMNS, "created_at", "run_id"], rows)
    return stored


def open_disputes(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, list[Dispute]]:
    """The disputes of `keys` (each key's, one per period) with each member's latest claim: what a new
    contradiction joins."""
    if not keys:
        return {}
    rows = con.execute(
        f"""SELECT d.id, d.key, d.status, {", ".join(f"c.{col}" for col in _STORED_READ)}
            FROM disputes d JOIN dispute_members m ON m.dispute_id = d.id JOIN claim_sources c ON c.id = m.claim_id
            WHERE d.key IN (SELECT unnest(?::VARCHAR[])) ORDER BY d.id""",
        [keys],
    ).fetchall()
    by_id: dict[int, Dispute] = {}
    for dispute_id, key, status, *claim in rows:
        dispute = by_id.setdefault(dispute_id, Dispute(dispute_id, key, status))
        stored = StoredClaim(*claim)
        dispute.members[stored.voice] = stored
    disputes: dict[str, list[Dispute]] = {}
    for dispute in by_id.values():
        disputes.setdefault(dispute.key, []).append(dispute)
    return disputes


def save_disputes(con: duckdb.DuckDBPyConnection, disputes: list[Dispute]) -> None:
    """Write back the disputes a batch changed: status, dates and members (replaced whole)."""
    changed = [d for d in disputes if d.changed]
    if not changed:
        return
    now = dt.datetime.now(dt.timezone.utc)
    ids = [d.id for d in changed]
    # when each opened, and why an analyst dismissed it (kept when a new source reopens it)
    kept = {i: (opened, note) for i, opened, note in con.execute(
        "SELECT id, opened_at, note FROM disputes WHERE id IN (SELECT unnest(?::BIGINT[]))", [ids]).fetchall()}
    con.execute("DELETE FROM disputes WHERE id IN (SELECT unnest(?::BIGINT[]))", [ids])
    con.execute("DELETE FROM dispute_members WHERE dispute_id IN (SELECT unnest(?::BIGINT[]))", [ids])
    rows, members = [], []
    for d in changed:
        dates = [c.claim_date for c in d.members.values() if c.claim_date]
        opened, note = kept.get(d.id, (now, None))
        rows.append({"id": d.id, "key": d.key, "status": d.status, "opened_at": opened, "updated_at": now,
                     "first_date": min(dates, default=None), "last_date": max(dates, default=None), "note": note})
        members += [{"dispute_id": d.id, "voice": voice, "claim_id": c.id, "low": c.low, "high": c.high, "joined_at": now}
                    for voice, c in d.members.items()]
    insert_rows(con, "disputes", list(rows[0]), rows, _DISPUTE_TYPES)
    insert_rows(con, "dispute_members", list(members[0]), members, _DISPUTE_TYPES)


def store_verdicts(
    con: duckdb.DuckDBPyConnection, judged: list, run_id: str, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[AlertRow]:
    """Fold the contradictions among (verdict, new, previous) triples into disputes and store the alerts
    they raise; the other verdicts (revisions, where asked for) become alerts of their own."""
    disputes = open_disputes(con, sorted({dispute_key(new) for v, new, _ in judged if v.kind == CONTRADICTION}))
    next_dispute = scalar(con, "SELECT coalesce(max(id), 0) + 1 FROM disputes")
    alerts = [
        AlertRow(0, CONTRADICTION, a.severity, a.new.key, a.new.id, a.previous.id, a.explanation, a.dispute.id,
                 [c.id for c in a.sources])
        for a in group_into_disputes(judged, disputes, next_dispute, window_days)
    ]
    alerts += [
        AlertRow(0, v.kind, v.severity, new.key, new.id, previous.id, v.explanation, None)
        for v, new, previous in judged if v.kind != CONTRADICTION
    ]
    stored = insert_alerts(con, sorted(alerts, key=lambda a: (a.new_claim_id, a.previous_claim_id)), run_id)
    save_disputes(con, [d for key in disputes.values() for d in key])
    return stored


def compare_new_claims(
    con: duckdb.DuckDBPyConnection, concepts: Concepts, kinds: set[str], run_id: str, window_days: int = DEFAULT_WINDOW_DAYS,
    channels: list[str] | tuple[str, ...] = (), digest: str | None = None,
) -> list[AlertRow]:
    """Judge every claim not yet compared against the stored ones, fold the contradictions into disputes
    and store the alerts they raise (and the other `kinds`: revisions, where asked for), in one transaction with marking
    the claims compared: a crash in between leaves them to the next batch. Each alert's deliveries
    (one per channel, storage/deliveries.py; with a `digest`, due at the end of its period) are written
    pending in the same transaction."""
    with transaction(con):
        stored = store_verdicts(con, judge_pairs(pending_pairs(con), concepts, kinds, window_days), run_id, window_days)
        enqueue_deliveries(con, [a.id for a in stored], list(channels), digest)
        mark_compared(con)
    return stored


def alert_details(
    con: duckdb.DuckDBPyConnection, since: dt.date | None = None, ids: list[int] | None = None
) -> list[dict]:
    """Alerts with both claims, newest first: the shape of `newsmon alerts --json` and of notifications."""
    rows = con.execute(
        """
        SELECT al.id, al.kind, al.severity, al.explanation, al.key, al.created_at, al.run_id, al.claim_ids,
               n.value, n.low, n.high, n.text, n.sentence, coalesce(n.actor, n.outlet), n.published, n.article, n.outlet, n.claim_date,
               p.value, p.low, p.high, p.text, p.sentence, coalesce(p.actor, p.outlet), p.published, p.article, p.outlet, p.claim_date
        FROM alerts al
        JOIN claims_view n ON n.claim_id = al.new_claim_id
        JOIN claims_view p ON p.claim_id = al.previous_claim_id
        WHERE (?::DATE IS NULL OR al.created_at >= ?::DATE)
          AND (?::BIGINT[] IS NULL OR al.id IN (SELECT unnest(?::BIGINT[])))
        ORDER BY al.id DESC
        """,
        [since, since, ids, ids],
    ).fetchall()
    side = ["value", "low", "high", "text", "sentence", "source", "published", "article", "outlet", "claim_date"]
    triaged = {i: (dispute, state) for i, dispute, state in con.execute(
        "SELECT alert_id, dispute_id, state FROM alert_states WHERE alert_id IN (SELECT unnest(?::BIGINT[]))", [[r[0] for r in rows]]
    ).fetchall()} if rows else {}
    sources = claim_sources(con, sorted({i for r in rows for i in (r[7] or [])}))
    out = []
    for r in rows:
        new, previous = dict(zip(side, r[8:18])), dict(zip(side, r[18:28]))
        for claim in (new, previous):
            for field in ("published", "claim_date"):
                claim[field] = claim[field].isoformat() if claim[field] else None
        out.append({
            "id": r[0], "kind": r[1], "severity": r[2], "explanation": r[3], "key": r[4],
            "created": r[5].isoformat(), "run_id": r[6], "new": new, "previous": previous,
            "dispute": triaged[r[0]][0], "state": triaged[r[0]][1],
            "sources": [sources[i] for i in r[7] or [] if i in sources],
        })
    return out


def claim_sources(con: duckdb.DuckDBPyConnection, claim_ids: list[int]) -> dict[int, dict]:
    """What each claim says and who says it, with the first article of its story and the number of
    copies (copies of one story are one source): the `sources` of an alert."""
    if not claim_ids:
        return {}
    rows = con.execute(
        """
        SELECT c.id, coalesce(c.actor, a.outlet, 'unattributed'), c.value, c.low, c.high, c.text, c.sentence,
               a.outlet, a.published, c.claim_date, f.source, coalesce(s.copies, 1)
        FROM claims c
        JOIN articles a ON a.id = c.article_id
        LEFT JOIN stories st ON st.article_id = a.id
        LEFT JOIN (SELECT story_id, count(*) AS copies FROM stories GROUP BY 1) s ON s.story_id = st.story_id
        JOIN articles f ON f.id = coalesce(st.story_id, a.duplicate_of, a.id)
        WHERE c.id IN (SELECT unnest(?::BIGINT[]))
        """,
        [claim_ids],
    ).fetchall()
    names = ["source", "value", "low", "high", "text", "sentence", "outlet", "published", "claim_date", "article", "copies"]
    out: dict[int, dict] = {}
    for claim_id, *values in rows:
        item = dict(zip(names, values, strict=True))
        for field in ("published", "claim_date"):
            item[field] = item[field].isoformat() if item[field] else None
        out[claim_id] = item
    return out


def _sides(alias: str) -> str:
    """The StoredClaim columns of one side of a pair; story and document are compared as text."""
    return ", ".join(f"{alias}.{c}::VARCHAR" if c in ("story", "document") else f"{alias}.{c}" for c in _STORED)


def _comparable_modalities(a: str, b: str) -> str:
    """SQL: the claims `a` and `b` may be compared by modality: the same one, or a count by name and a
    count (the named victims can exceed a total: extractors/compare.py)."""
    pair = f"'{COUNT}', '{VERIFIED}'"
    return f"({a}.modality = {b}.modality OR ({a}.modality IN ({pair}) AND {b}.modality IN ({pair})))"
