"""Contradictions grouped into disputes: one per key and period, each source's latest claim in it.

An analyst wants one message when sources start to disagree about something, and another only when
a source joins with a figure outside the range already disputed — not one alert per pair of claims.
A disagreement inside one article (two sources quoted against each other) alerts once even within
the range. A dispute an analyst dismissed stays quiet until a new source joins. Last week's toll and last
year's are two disputes: a contradiction joins the dispute of its key whose dates (widened by the
window) meet the dates of the claims in conflict, and an all-undated one joins the key's undated dispute.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from .claims import COUNT, VERIFIED
from .compare import CONTRADICTION, DEFAULT_WINDOW_DAYS, StoredClaim, Verdict, order

OPEN, DISMISSED = "open", "dismissed"
_SEVERITY = {"low": 1, "medium": 2, "high": 3}
# Sources an explanation names before it says "and N more".
NAMED_SOURCES = 6


@dataclass
class Dispute:
    """Claims of one key that cannot all hold: each voice (actor, outlet or story) with its latest claim."""

    id: int
    key: str
    status: str = OPEN
    members: dict[str, StoredClaim] = field(default_factory=dict)  # voice -> latest claim
    changed: bool = False  # to be written back

    def envelope(self) -> tuple[float, float]:
        """The range the members' intervals span; an open bound spans to infinity."""
        lows = [-math.inf if c.low is None else c.low for c in self.members.values()]
        highs = [math.inf if c.high is None else c.high for c in self.members.values()]
        return min(lows, default=math.inf), max(highs, default=-math.inf)

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest as-of date of its members, None when none is dated."""
        dates = [c.claim_date for c in self.members.values() if c.claim_date]
        return (min(dates), max(dates)) if dates else None


@dataclass(frozen=True)
class DisputeAlert:
    """An alert a dispute raised: it opened, or a source joined outside its range."""

    dispute: Dispute
    severity: str
    explanation: str
    new: StoredClaim
    previous: StoredClaim  # the most recent claim the new one conflicts with
    opened: bool
    sources: tuple[StoredClaim, ...]  # the new claim and, per other source, the latest it conflicts with


def dispute_key(claim: StoredClaim) -> str:
    """The key a claim's dispute has: its claim key, and its modality unless it is a count (plans are
    disputed apart from counts; a count by name disputes the count it exceeds)."""
    return claim.key if claim.modality in (COUNT, VERIFIED) else f"{claim.key} ({claim.modality})"


def group_into_disputes(
    judged: list[tuple[Verdict, StoredClaim, StoredClaim]], disputes: dict[str, list[Dispute]], next_id: int,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[DisputeAlert]:
    """Fold contradictions, oldest new claim first, into `disputes` (the disputes of each key, updated in
    place; new ones added with ids from `next_id`) and return the alerts that fire."""
    by_new: dict[int, tuple[StoredClaim, list[tuple[Verdict, StoredClaim]]]] = {}
    for verdict, new, previous in judged:
        if verdict.kind == CONTRADICTION:
            by_new.setdefault(new.id, (new, []))[1].append((verdict, previous))
    alerts = []
    for new, conflicts in sorted(by_new.values(), key=lambda item: order(item[0])):
        key = dispute_key(new)
        dispute = _joined(disputes.setdefault(key, []), [new, *(p for _, p in conflicts)], window_days)
        if dispute is None:
            dispute = Dispute(next_id, key)
            disputes[key].append(dispute)
            next_id += 1
        before = dict(dispute.members)
        low, high = dispute.envelope()
        for claim in [new, *(previous for _, previous in conflicts)]:
            held = dispute.members.get(claim.voice)
            if held is None or order(claim) > order(held):
                dispute.members[claim.voice] = claim
        dispute.changed = True
        newcomers = [c for c in [new, *(p for _, p in conflicts)] if c.voice not in before]
        outside = [c for c in newcomers if _outside(c, low, high)]
        # Two sources one article quotes against each other are news of their own, once per article.
        held = before.get(new.voice)
        in_article = any(p.article_id == new.article_id for _, p in conflicts) and (
            held is None or held.article_id != new.article_id)
        if before and not outside and not in_article and not (dispute.status == DISMISSED and newcomers):
            continue
        dispute.status = OPEN
        severity = max((v.severity or "low" for v, _ in conflicts), key=_SEVERITY.__getitem__)
        # The strongest conflicts are named: a dated one (high) outweighs an undated one (low), which
        # cannot be told from an update.
        strongest = [p for v, p in conflicts if (v.severity or "low") == severity]
        # A disagreement inside one article is the clearest evidence: it is shown first.
        same_article = [p for p in strongest if p.article_id == new.article_id]
        previous = max(same_article or strongest, key=order)
        latest: dict[str, StoredClaim] = {}  # per source, its latest conflicting claim
        for claim in sorted(strongest, key=order):
            latest[claim.voice] = claim
        sources = (new, *sorted(latest.values(), key=order, reverse=True))
        # Two claims: the verdict says why they conflict ("same source, the total went down").
        explanation = next(v.explanation for v, p in conflicts if p is previous) if len(sources) == 2 else _explain(
            dispute.key, sources, severity)
        alerts.append(DisputeAlert(dispute, severity, explanation, new, previous, not before, sources))
    return alerts


def _joined(candidates: list[Dispute], claims: list[StoredClaim], window_days: int) -> Dispute | None:
    """The dispute these conflicting claims belong to: the one whose period, widened by the window, meets
    their dates; for undated claims only, the undated one. None: they open a new dispute."""
    dates = [c.claim_date for c in claims if c.claim_date]
    window = dt.timedelta(days=window_days)
    for dispute in candidates:
        period = dispute.period()
        if not dates and period is None:
            return dispute
        if dates and period and period[0] - window <= max(dates) and min(dates) <= period[1] + window:
            return dispute
    return None


def _outside(claim: StoredClaim, low: float, high: float) -> bool:
    claim_low = -math.inf if claim.low is None else claim.low
    claim_high = math.inf if claim.high is None else claim.high
    return claim_high < low or claim_low > high


def _explain(key: str, sources: tuple[StoredClaim, ...], severity: str) -> str:
    """One line naming every source: the new claim first, then the others, latest first."""
    new, others = sources[0], sources[1:]
    named = " vs ".join(c.describe() for c in others[:NAMED_SOURCES])
    more = f" and {len(others) - NAMED_SOURCES} more" if len(others) > NAMED_SOURCES else ""
    return f"contradiction: {key} — {len(sources)} sources disagree ({severity}): {new.describe()} vs {named}{more}"
