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
        figures = _figures_by_key(con, {d["key"] for d in disputes})
        agreements = _agreements(con)
        stories = _stories(con)
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
            "figures": figures[: scope.limit],
            "more_figures": max(0, len(figures) - scope.limit),
            "revisions": _revisions(con),
            "stories": stories[: scope.limit],
            "more_stories": max(0, len(stories) - scope.limit),
            "coverage": _coverage(con, scope),
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
                   arg_max(explanation, id) AS explanation, arg_max(claim_ids, id) AS named
            FROM alerts WHERE dispute_id IN (SELECT dispute_id FROM touched) GROUP BY 1
        )
        SELECT d.id, d.key, d.status, d.opened_at, d.updated_at,
               coalesce(r.alerts, 0), coalesce(r.rank, 0), r.explanation,
               list_distinct(list(m.claim_id) || coalesce(any_value(r.named), [])) AS claims
        FROM disputes d
        JOIN touched t ON t.dispute_id = d.id
        JOIN dispute_members m ON m.dispute_id = d.id
        LEFT JOIN raised r ON r.dispute_id = d.id
        GROUP BY d.id, d.key, d.status, d.opened_at, d.updated_at, r.alerts, r.rank, r.explanation
        ORDER BY d.id
        """
    ).fetchall()
    open_rows = [r for r in rows if r[2] == "open"]
    sources = claim_sources(con, sorted({c for r in open_rows for c in r[8]}))
    in_report = _in_report(con, sorted(sources))
    disputes = []
    for (dispute_id, key, status, opened, updated, alerts, rank, explanation, claims) in open_rows:
        named = sorted((c for c in claims if c in sources), key=lambda c: _interval_order(sources[c]) + (c,))
        dates = sorted(sources[c]["claim_date"] for c in named if sources[c]["claim_date"])
        disputes.append({
            "id": dispute_id, "key": key, "severity": SEVERITIES[3 - rank] if rank else None,
            "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None, "opened": opened.isoformat(), "updated": updated.isoformat(),
            "alerts": alerts, "explanation": explanation,
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


def _figures_by_key(con: duckdb.DuckDBPyConnection, disputed: set[str]) -> list[dict]:
    """Per key (and modality, other than a count), what each source of the report says last: the
    source's latest claim (by claim date, then id). Keys with the most independent stories first."""
    rows = con.execute(
        """
        WITH latest AS (
            SELECT c.key || CASE WHEN c.modality = 'count' THEN '' ELSE ' (' || c.modality || ')' END AS heading,
                   c.key, c.voice, c.id, c.claim_date, c.story
            FROM claim_sources c WHERE c.id IN (SELECT id FROM report_claims) AND c.subject IS NOT NULL
        )
        SELECT heading, any_value(key), count(DISTINCT story) AS stories, count(*) AS voices, max(claim_date) AS last_date,
               list(id ORDER BY id) AS ids
        FROM (
            SELECT * FROM latest
            QUALIFY row_number() OVER (PARTITION BY heading, voice ORDER BY claim_date DESC NULLS LAST, id DESC) = 1
        )
        GROUP BY heading
        ORDER BY stories DESC, voices DESC, last_date DESC NULLS LAST, heading
        """
    ).fetchall()
    sources = claim_sources(con, sorted({i for r in rows for i in r[5]}))
    out = []
    for heading, key, stories, voices, last, ids in rows:
        said = sorted((sources[i] | {"claim": i} for i in ids if i in sources),
                      key=lambda s: (s["claim_date"] is None, s["claim_date"] or "", s["claim"]))
        out.append({
            "key": heading, "claim_key": key, "disputed": heading in disputed, "stories": stories, "sources": voices,
            "last_date": _iso(last), "latest": said,
        })
    return out


def _agreements(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figures that sources in different stories agree on (`corroborations_view`), grouped per key and
    figure: the claims that agree with each other, most sources first."""
    pairs = con.execute(
        """
        SELECT v.key, v.claim_id, v.corroborated_by FROM corroborations_view v
        WHERE v.claim_id IN (SELECT id FROM report_claims) AND v.corroborated_by IN (SELECT id FROM report_claims)
        ORDER BY v.key, v.claim_id, v.corroborated_by
        """
    ).fetchall()
    # Claims joined by agreeing pairs, one group per connected set within a key.
    group_of: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    key_of: dict[int, str] = {}
    for key, a, b in pairs:
        ga, gb = group_of.get(a), group_of.get(b)
        if ga is None and gb is None:
            group_of[a] = group_of[b] = a
            members[a] = [a, b]
            key_of[a] = key
        elif gb is None:
            group_of[b] = ga
            members[ga].append(b)
        elif ga is None:
            group_of[a] = gb
            members[gb].append(a)
        elif ga != gb:
            for claim in members.pop(gb):
                group_of[claim] = ga
                members[ga].append(claim)
    sources = claim_sources(con, sorted(group_of))
    out = []
    for first, claims in members.items():
        said = [sources[c] | {"claim": c} for c in sorted(claims) if c in sources]
        names = {s["source"] for s in said}
        out.append({"key": key_of[first], "sources": len(names), "claims": said})
    return sorted(out, key=lambda g: (-g["sources"], -len(g["claims"]), g["key"]))


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


def _stories(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Stories the report's articles tell more than once (near-duplicates and exact copies), the most
    often told first: title, first publication, outlets, languages and every member's article."""
    rows = con.execute(
        """
        SELECT r.story, count(*) AS members, min(a.published), arg_min(a.title, a.id) FILTER (WHERE a.title IS NOT NULL),
               list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL),
               list(DISTINCT a.language ORDER BY a.language) FILTER (WHERE a.language IS NOT NULL),
               list(a.source ORDER BY a.published NULLS LAST, a.id)
        FROM report_articles r JOIN articles a ON a.id = r.id
        GROUP BY r.story HAVING count(*) > 1
        ORDER BY members DESC, min(a.published) DESC NULLS LAST, r.story
        """
    ).fetchall()
    names = ["story", "members", "first_published", "title", "outlets", "languages", "articles"]
    out = [dict(zip(names, row)) for row in rows]
    for story in out:
        story["first_published"] = _iso(story["first_published"])
        story["outlets"], story["languages"] = story["outlets"] or [], story["languages"] or []
    return out


def _coverage(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> dict:
    """What the report may be missing: runs that failed or crashed in the period, inputs they skipped,
    feeds whose last poll failed, alert deliveries not delivered."""
    window = (
        "(?::DATE IS NULL OR started_at::DATE >= ?::DATE) AND (?::DATE IS NULL OR started_at::DATE <= ?::DATE)"
    )
    period = [scope.since, scope.since, scope.until, scope.until]
    runs = dict(con.execute(f"SELECT status, count(*) FROM ingest_runs WHERE {window} GROUP BY 1", period).fetchall())
    broken = con.execute(
        f"SELECT id, flow, status, started_at, error FROM ingest_runs WHERE {window} AND status IN ('failed', 'crashed')"
        " ORDER BY started_at DESC", period
    ).fetchall()
    skipped = con.execute(
        f"SELECT reason, count(*) FROM skipped_inputs WHERE run_id IN (SELECT id FROM ingest_runs WHERE {window})"
        " GROUP BY 1 ORDER BY 2 DESC, 1", period
    ).fetchall()
    feeds = con.execute(
        "SELECT url, name, consecutive_failures, last_error FROM feed_status WHERE last_error IS NOT NULL"
        " ORDER BY consecutive_failures DESC, url"
    ).fetchall()
    undelivered = dict(con.execute(
        "SELECT status, count(*) FROM deliveries WHERE status <> 'delivered' GROUP BY 1"
    ).fetchall())
    return {
        "runs": runs,
        "failed_runs": [
            {"id": i, "flow": f, "status": s, "started": t.isoformat(), "error": e} for i, f, s, t, e in broken
        ],
        "skipped_inputs": [{"reason": r, "count": n} for r, n in skipped],
        "failing_feeds": [{"url": u, "name": n, "failures": f, "error": e} for u, n, f, e in feeds],
        "undelivered": undelivered,
    }


def _cited_articles(con: duckdb.DuckDBPyConnection, report: dict) -> dict[str, dict]:
    """Title, outlet, publication date and language of every article the report names, by source."""
    named = {s["article"] for d in report["disputes"] for s in d["sources"]}
    named |= {c["article"] for g in report["agreements"] for c in g["claims"]}
    named |= {s["article"] for f in report["figures"] for s in f["latest"]}
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
