"""What the stored news says about a period, gathered for `newsmon report` in one read-only pass.

An analyst reads a report, not tables: which figures are in dispute and who says what, which figures
independent sources agree on, what each source says now about each thing counted, which stories ran
in several places, and what the database may be missing (failed runs, skipped inputs, failing feeds).
Everything here is plain data (dicts and lists of JSON types); `flows/report.py` writes it out.

The report's articles are chosen once, into a temporary table, and every section reads through it:
the newest version of each article published in the period (stored in it, when the page names no
date), and with a key pattern only the articles with a claim of a matching key and their exact copies.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb

from .claims import claim_sources

_SEVERITY_RANK = "CASE {0} WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
SEVERITIES = ("high", "medium", "low")
_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class ReportScope:
    """Which articles a report covers and how much of each long section it shows."""

    since: dt.date | None = None  # published on or after (inclusive)
    until: dt.date | None = None  # published on or before (inclusive)
    key: str | None = None  # a claim key pattern: `north_korea` (a prefix) or a glob, `*/killed/*`
    limit: int = 20  # disputes, keys, agreements and stories shown; the rest are counted

    def key_glob(self) -> str | None:
        """The key pattern as a GLOB: a pattern without wildcards is a prefix."""
        if self.key is None:
            return None
        return self.key if any(ch in self.key for ch in "*?[") else f"{self.key}*"


def gather_report(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> dict:
    """Every section of the report for `scope`, as plain data (the shape of `newsmon report --format json`)."""
    _choose_articles(con, scope)
    try:
        disputes, dismissed = _disputes(con)
        keys = _keys(con, {d["key"] for d in disputes}, scope.limit)
        agreements = _agreements(keys)
        agreed = {c["claim"] for g in agreements for c in g["claims"]}
        for k in keys:  # how many of the key's latest figures another source agrees with
            k["corroborations"] = sum(c["claim"] in agreed for c in k["latest"])
        stories, story_count = _stories(con, scope.limit)
        report = {
            "scope": {
                "since": _iso(scope.since), "until": _iso(scope.until), "key": scope.key, "limit": scope.limit,
            },
            "overview": _overview(con, disputes, agreements),
            "disputes": disputes[: scope.limit],
            "more_disputes": max(0, len(disputes) - scope.limit),
            "dismissed_disputes": dismissed,
            "agreements": agreements[: scope.limit],
            "more_agreements": max(0, len(agreements) - scope.limit),
            "keys": keys,
            "revisions": _revisions(con),
            "stories": stories,
            "more_stories": max(0, story_count - len(stories)),
            "health": _health(con, scope),
        }
        report["articles"] = _cited_articles(con, report)
        return report
    finally:
        con.execute("DROP TABLE IF EXISTS report_articles")
        con.execute("DROP TABLE IF EXISTS report_claims")


def _choose_articles(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> None:
    """The temporary tables `report_articles` (id, story, day) and `report_claims` (id) of the report."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE report_articles AS
        SELECT a.id, a.duplicate_of, coalesce(st.story_id, a.duplicate_of, a.id) AS story,
               coalesce(a.published, a.ingested_at::DATE) AS day
        FROM current_articles a LEFT JOIN stories st ON st.article_id = a.id
        WHERE (?::DATE IS NULL OR coalesce(a.published, a.ingested_at::DATE) >= ?::DATE)
          AND (?::DATE IS NULL OR coalesce(a.published, a.ingested_at::DATE) <= ?::DATE)
        """,
        [scope.since, scope.since, scope.until, scope.until],
    )
    glob = scope.key_glob()
    if glob is not None:
        con.execute(
            """
            DELETE FROM report_articles r WHERE coalesce(r.duplicate_of, r.id) NOT IN (
                SELECT article_id FROM claims WHERE key GLOB ? OR (key || ' (' || modality || ')') GLOB ?)
            """,
            [glob, glob],
        )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE report_claims AS
        SELECT c.id FROM claims c JOIN report_articles r ON r.id = c.article_id
        WHERE ?::VARCHAR IS NULL OR c.key GLOB ? OR (c.key || ' (' || c.modality || ')') GLOB ?
        """,
        [glob, glob, glob],
    )


def _overview(con: duckdb.DuckDBPyConnection, disputes: list[dict], agreements: list[dict]) -> dict:
    """The counts a report opens with."""
    articles, copies, stories, first, last, undated = con.execute(
        "SELECT count(*) FILTER (WHERE r.duplicate_of IS NULL), count(*) FILTER (WHERE r.duplicate_of IS NOT NULL),"
        " count(DISTINCT r.story), min(a.published), max(a.published), count(*) FILTER (WHERE a.published IS NULL)"
        " FROM report_articles r JOIN articles a ON a.id = r.id"
    ).fetchall()[0]
    outlets = con.execute(
        "SELECT coalesce(a.outlet, 'unnamed'), count(*) FROM report_articles r JOIN articles a ON a.id = r.id"
        " WHERE r.duplicate_of IS NULL GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    languages = con.execute(
        "SELECT coalesce(a.language, 'unknown'), count(*) FROM report_articles r JOIN articles a ON a.id = r.id"
        " WHERE r.duplicate_of IS NULL GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    claims, keys = con.execute(
        "SELECT count(*), count(DISTINCT c.key) FROM report_claims r JOIN claims c ON c.id = r.id"
    ).fetchall()[0]
    alerts = dict(con.execute(
        "SELECT severity, count(*) FROM alerts WHERE kind = 'contradiction' AND new_claim_id IN (SELECT id FROM report_claims)"
        " GROUP BY 1"
    ).fetchall())
    return {
        "articles": articles, "exact_copies": copies, "stories": stories,
        "first_published": _iso(first), "last_published": _iso(last), "undated": undated,
        "outlets": [{"outlet": name, "articles": n} for name, n in outlets],
        "languages": dict(languages),
        "claims": claims, "keys": keys,
        "disputes": len(disputes),
        "disputes_by_severity": {s: sum(d["severity"] == s for d in disputes) for s in SEVERITIES},
        "contradiction_alerts": {s: alerts.get(s, 0) for s in SEVERITIES},
        "agreements": len(agreements),
    }


def _disputes(con: duckdb.DuckDBPyConnection) -> tuple[list[dict], int]:
    """Open disputes with a claim among the report's, most severe and most recent first, and how many
    dismissed ones the report leaves out. Each names every member (the report's or not: what it conflicts
    with may be older) and the claims of its latest alert, so a source that lowered its own total shows
    both figures."""
    rows = con.execute(
        f"""
        WITH touched AS (
            SELECT DISTINCT dispute_id FROM dispute_members WHERE claim_id IN (SELECT id FROM report_claims)
        ),
        raised AS (
            SELECT dispute_id, count(*) AS alerts, max({_SEVERITY_RANK.format('severity')}) AS rank,
                   arg_max(explanation, alert_id) AS explanation, arg_max(claim_ids, alert_id) AS named,
                   max(alert_id) AS latest, arg_max(state, alert_id) AS state
            FROM (SELECT s.*, a.claim_ids FROM alert_states s JOIN alerts a ON a.id = s.alert_id)
            WHERE dispute_id IN (SELECT dispute_id FROM touched) GROUP BY 1
        )
        SELECT d.id, d.key, d.status, d.opened_at, d.updated_at,
               coalesce(r.alerts, 0), coalesce(r.rank, 0), r.explanation, r.latest, r.state, d.note,
               list_distinct(list(m.claim_id) || coalesce(any_value(r.named), [])) AS claims
        FROM disputes d
        JOIN touched t ON t.dispute_id = d.id
        JOIN dispute_members m ON m.dispute_id = d.id
        LEFT JOIN raised r ON r.dispute_id = d.id
        GROUP BY d.id, d.key, d.status, d.opened_at, d.updated_at, r.alerts, r.rank, r.explanation, r.latest, r.state, d.note
        ORDER BY d.id
        """
    ).fetchall()
    open_rows = [r for r in rows if r[2] == "open"]
    sources = claim_sources(con, sorted({c for r in open_rows for c in r[-1]}))
    in_report = _in_report(con, sorted(sources))
    disputes = []
    for (dispute_id, key, status, opened, updated, alerts, rank, explanation, latest, state, note, claims) in open_rows:
        named = sorted((c for c in claims if c in sources), key=lambda c: _interval_order(sources[c]) + (c,))
        dates = sorted(sources[c]["claim_date"] for c in named if sources[c]["claim_date"])
        disputes.append({
            "id": dispute_id, "key": key, "severity": SEVERITIES[3 - rank] if rank else None,
            "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None, "opened": opened.isoformat(), "updated": updated.isoformat(),
            "alerts": alerts, "explanation": explanation, "alert": latest, "state": state, "note": note,
            "sources": [{**sources[c], "claim": c, "in_report": c in in_report} for c in named],
        })
    # the most severe first; of equal severity the latest, then the one with the most sources (stable sorts)
    disputes.sort(key=lambda d: (-len(d["sources"]), d["id"]))
    disputes.sort(key=lambda d: d["last_date"] or "", reverse=True)  # undated last
    disputes.sort(key=lambda d: _RANK.get(d["severity"], 0), reverse=True)
    return disputes, len(rows) - len(open_rows)


def _interval_order(claim: dict) -> tuple[float, float]:
    """Lowest interval first: by its low end, then its high end (an open side as far as it goes)."""
    low = -math.inf if claim["low"] is None else claim["low"]
    high = math.inf if claim["high"] is None else claim["high"]
    return low, high


def _keys(con: duckdb.DuckDBPyConnection, disputed: set[str], charted: int) -> list[dict]:
    """Every key (and modality, other than a count) of the report's claims, the most independent stories
    first: what each source says last (its latest claim by claim date, then id), how many sources and
    stories, and the range of their values (how many another source corroborates is counted once all
    keys are known: a figure with no place stated can corroborate one with a place). The first `charted`
    keys also get their timeline: the key's claims in date order with the running range of values."""
    rows = con.execute(
        f"""
        WITH latest AS (
            SELECT {_HEADING} AS heading, c.key, c.voice, c.id, c.claim_date, c.story, c.vague
            FROM claim_sources c WHERE c.id IN (SELECT id FROM report_claims) AND c.subject IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY heading, c.voice ORDER BY c.claim_date DESC NULLS LAST, c.id DESC) = 1
        )
        SELECT heading, any_value(key), count(DISTINCT story) AS stories, count(*) AS voices, max(claim_date) AS last_date,
               list((id, story, vague) ORDER BY id)
        FROM latest GROUP BY heading
        ORDER BY stories DESC, voices DESC, last_date DESC NULLS LAST, heading
        """
    ).fetchall()
    sources = claim_sources(con, sorted({i for r in rows for i, _, _ in r[5]}))
    timelines = _timelines(con, [r[0] for r in rows[:charted]])
    out = []
    for heading, key, stories, voices, last, heads in rows:
        said = sorted((sources[i] | {"claim": i, "story": story, "vague": vague} for i, story, vague in heads if i in sources),
                      key=lambda s: (s["claim_date"] is None, s["claim_date"] or "", s["claim"]))
        out.append({
            "key": heading, "claim_key": key, "disputed": heading in disputed, "stories": stories, "sources": voices,
            "corroborations": 0, "last_date": _iso(last),
            "low": min((s["value"] for s in said), default=None), "high": max((s["value"] for s in said), default=None),
            "latest": said, "timeline": timelines.get(heading),
        })
    return out


# A claim's heading: its key, and its modality unless it is a count (as extractors.disputes.dispute_key).
_HEADING = "c.key || CASE WHEN c.modality = 'count' THEN '' ELSE ' (' || c.modality || ')' END"
# Claims a key's timeline draws at most: the latest ones.
TIMELINE_CLAIMS = 300


def _timelines(con: duckdb.DuckDBPyConnection, headings: list[str]) -> dict[str, list[dict]]:
    """Per heading, its report claims in date order (the latest TIMELINE_CLAIMS; undated ones last), each
    with the running minimum and maximum of the values dated so far."""
    if not headings:
        return {}
    rows = con.execute(
        f"""
        SELECT * FROM (
            SELECT {_HEADING} AS heading, c.claim_date, c.value, c.low, c.high, c.vague,
                   coalesce(c.actor, c.outlet, 'unattributed') AS source, c.id
            FROM claim_sources c
            WHERE c.id IN (SELECT id FROM report_claims) AND c.subject IS NOT NULL AND {_HEADING} IN (SELECT unnest(?::VARCHAR[]))
            QUALIFY row_number() OVER (PARTITION BY heading ORDER BY c.claim_date DESC NULLS FIRST, c.id DESC) <= {TIMELINE_CLAIMS}
        ) ORDER BY heading, claim_date NULLS LAST, id
        """,
        [headings],
    ).fetchall()
    out: dict[str, list[dict]] = {}
    running: dict[str, tuple[float, float]] = {}
    for heading, day, value, low, high, vague, source, claim in rows:
        if day is not None:
            lo, hi = running.get(heading, (value, value))
            running[heading] = (min(lo, value), max(hi, value))
        lo, hi = running.get(heading, (None, None)) if day is not None else (None, None)
        out.setdefault(heading, []).append({
            "claim": claim, "claim_date": _iso(day), "value": value, "low": low, "high": high, "vague": vague,
            "source": source, "running_min": lo, "running_max": hi,
        })
    return out


def _agreements(keys: list[dict]) -> list[dict]:
    """Pairs of the sources' latest figures that agree, as `corroborations_view` pairs claims: same
    subject, measure, rate and modality, the same place or one naming none, from different stories,
    neither vague, each value inside the other's interval. Pairs, not sets: open intervals agree with
    much, and "at least 165" and "more than 4,000" both agreeing with "up to 9,000" do not agree."""
    families: dict[tuple, list[dict]] = {}
    for k in keys:
        subject, measure, scope, rate = k["claim_key"].split("/")
        for claim in k["latest"]:
            families.setdefault((subject, measure, rate, k["key"][len(k["claim_key"]):]), []).append(
                claim | {"heading": k["key"], "scope": scope})
    pairs = []
    for claims in families.values():
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if a["story"] == b["story"] or a["vague"] or b["vague"]:
                    continue
                if "-" not in (a["scope"], b["scope"]) and a["scope"] != b["scope"]:
                    continue
                if _inside(a["value"], b) and _inside(b["value"], a):
                    both = sorted((a, b), key=lambda c: c["claim"])
                    scoped = [c for c in both if c["scope"] != "-"]
                    pairs.append({"key": (scoped or both)[0]["heading"], "claims": both})
    return sorted(pairs, key=lambda g: (g["key"], g["claims"][0]["claim"]))


def _inside(value: float, claim: dict) -> bool:
    return (claim["low"] is None or value >= claim["low"]) and (claim["high"] is None or value <= claim["high"])


def _revisions(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Revision alerts of the report's claims (a copy or version changed a figure; between sources
    where asked for): explanation and both articles."""
    rows = con.execute(
        """
        SELECT al.id, al.severity, al.key, al.explanation, n.article, p.article
        FROM alerts al JOIN claims_view n ON n.claim_id = al.new_claim_id JOIN claims_view p ON p.claim_id = al.previous_claim_id
        WHERE al.kind = 'revision' AND al.new_claim_id IN (SELECT id FROM report_claims)
        ORDER BY al.id DESC
        """
    ).fetchall()
    names = ["id", "severity", "key", "explanation", "new_article", "previous_article"]
    return [dict(zip(names, row)) for row in rows]


def _stories(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[list[dict], int]:
    """The report's stories, the most often told first (then the latest seen): title, first publication,
    when first seen, outlets, languages, copies and every member's article; and how many there are."""
    rows = con.execute(
        """
        SELECT r.story, count(*) AS members, min(a.published), min(a.ingested_at) AS first_seen,
               arg_min(a.title, a.id) FILTER (WHERE a.title IS NOT NULL),
               list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL),
               list(DISTINCT a.language ORDER BY a.language) FILTER (WHERE a.language IS NOT NULL),
               list(a.source ORDER BY a.published NULLS LAST, a.id), count(*) OVER () AS stories
        FROM report_articles r JOIN articles a ON a.id = r.id
        GROUP BY r.story
        ORDER BY members DESC, first_seen DESC, r.story
        LIMIT ?
        """,
        [limit],
    ).fetchall()
    names = ["story", "members", "first_published", "first_seen", "title", "outlets", "languages", "articles"]
    out = []
    for row in rows:
        story = dict(zip(names, row[:-1]))
        story["first_published"] = _iso(story["first_published"])
        story["first_seen"] = story["first_seen"].isoformat(timespec="seconds")
        story["outlets"], story["languages"] = story["outlets"] or [], story["languages"] or []
        story["copies"] = story["members"] - 1
        out.append(story)
    return out, rows[0][-1] if rows else 0


# Runs the health section lists, the latest first.
LAST_RUNS = 10


def _health(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> dict:
    """Is the database complete? The last runs (counts and time taken; failed and crashed ones with
    their error), feeds whose last poll failed with their backoff, inputs skipped in the period by
    reason, alert deliveries not delivered."""
    runs = con.execute(
        """
        SELECT id, flow, status, started_at, epoch(finished_at - started_at), files_seen, articles_stored, duplicates,
               unchanged, skipped, error
        FROM ingest_runs ORDER BY started_at DESC LIMIT ?
        """,
        [LAST_RUNS],
    ).fetchall()
    run_names = ["id", "flow", "status", "started", "seconds", "files_seen", "articles_stored", "duplicates",
                 "unchanged", "skipped", "error"]
    last_runs = [dict(zip(run_names, r)) for r in runs]
    for run in last_runs:
        run["started"] = run["started"].isoformat(timespec="seconds")
    window = "(?::DATE IS NULL OR recorded_at::DATE >= ?::DATE) AND (?::DATE IS NULL OR recorded_at::DATE <= ?::DATE)"
    skipped = con.execute(
        f"SELECT reason, count(*) FROM skipped_inputs WHERE {window} GROUP BY 1 ORDER BY 2 DESC, 1",
        [scope.since, scope.since, scope.until, scope.until],
    ).fetchall()
    feeds = con.execute(
        "SELECT url, name, consecutive_failures, last_error, last_success_at, next_poll_at FROM feed_status"
        " WHERE last_error IS NOT NULL ORDER BY consecutive_failures DESC, url"
    ).fetchall()
    undelivered = dict(con.execute("SELECT status, count(*) FROM deliveries WHERE status <> 'delivered' GROUP BY 1").fetchall())
    return {
        "runs": dict(con.execute("SELECT status, count(*) FROM ingest_runs GROUP BY 1 ORDER BY 1").fetchall()),
        "last_runs": last_runs,
        "skipped_inputs": [{"reason": r, "count": n} for r, n in skipped],
        "failing_feeds": [
            {"url": u, "name": n, "failures": f, "error": e, "last_success": _stamp(ok), "next_poll": _stamp(nxt)}
            for u, n, f, e, ok, nxt in feeds
        ],
        "undelivered": undelivered,
    }


def _cited_articles(con: duckdb.DuckDBPyConnection, report: dict) -> dict[str, dict]:
    """Title, outlet, publication date and language of every article the report names, by source."""
    named = {s["article"] for d in report["disputes"] for s in d["sources"]}
    named |= {c["article"] for g in report["agreements"] for c in g["claims"]}
    named |= {s["article"] for k in report["keys"] for s in k["latest"]}
    named |= {a for s in report["stories"] for a in s["articles"]}
    named |= {a for r in report["revisions"] for a in (r["new_article"], r["previous_article"])}
    rows = con.execute(
        "SELECT source, arg_min(title, id), arg_min(outlet, id), arg_min(published, id), arg_min(language, id)"
        " FROM articles WHERE source IN (SELECT unnest(?::VARCHAR[])) GROUP BY source",
        [sorted(named)],
    ).fetchall()
    return {source: {"title": title, "outlet": outlet, "published": _iso(published), "language": language}
            for source, title, outlet, published, language in rows}


def _in_report(con: duckdb.DuckDBPyConnection, claim_ids: list[int]) -> set[int]:
    if not claim_ids:
        return set()
    rows = con.execute(
        "SELECT id FROM report_claims WHERE id IN (SELECT unnest(?::BIGINT[]))", [claim_ids]
    ).fetchall()
    return {i for (i,) in rows}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _stamp(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
