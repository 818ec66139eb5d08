"""Comparing two claims as docs/claims.md specifies: corroborates, revision, contradiction or not
comparable, each with a one-line explanation.

Time decides between an update and a conflict: two figures of one key from different sources that
cannot both hold conflict when their as-of dates are close (`window_days`); further apart, a cumulative
measure (the dead so far) conflicts only when the later figure lies wholly below the earlier one, and a
stock (troops present) has simply moved. An undated figure cannot be told from an update: at most a
low-severity contradiction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .claims import COUNT, INCREMENT, VERIFIED, claim_key
from .concepts import Concepts

CORROBORATES = "corroborates"
REVISION = "revision"
CONTRADICTION = "contradiction"
NOT_COMPARABLE = "not_comparable"
# Two dated figures this many days apart or closer refer to the same moment (NEWSMON_CLAIM_WINDOW_DAYS).
DEFAULT_WINDOW_DAYS = 7
# Figures this many times apart, one of them said by nobody named, count different things (one attack
# and a war's toll, a town and a country, a day and the total) that the text did not tell apart, and are
# not compared. Two named sources can be that far apart in earnest (one side minimising): they are.
SCALE_FACTOR = 20
# Beyond two orders of magnitude even two named sources count different things ("two reservists killed in
# the operation" and a war's toll of soldiers): no side minimises a toll a hundredfold.
NAMED_SCALE_FACTOR = 100


@dataclass(frozen=True)
class StoredClaim:
    """A claim as comparison needs it, with where it came from."""

    id: int
    article_id: int
    story: str  # articles that share a story (an exact or near duplicate) are one source
    document: str  # the versions of one URL or file are one document
    subject: str | None
    measure: str
    scope: str | None
    rate: str
    value: float
    low: float | None
    high: float | None
    vague: bool
    text: str
    actor: str | None
    outlet: str | None
    claim_date: dt.date | None
    modality: str = COUNT
    voice: str = ""  # one source: actor:who | outlet:Reuters | story:12 (copies of a story are one)

    @property
    def key(self) -> str:
        return claim_key(self.subject, self.measure, self.scope, self.rate)

    @property
    def source(self) -> str:
        """Who says it: the actor, else the outlet (or the article) that printed it unattributed."""
        return self.actor or f"outlet:{self.outlet or self.article_id}"

    def describe(self) -> str:
        said = self.actor or "unattributed"
        if self.outlet:
            said = f"{said} via {self.outlet}"
        return f'"{self.text}" ({said}, {self.claim_date or "undated"})'


@dataclass(frozen=True)
class Verdict:
    kind: str
    severity: str | None  # "high", "medium", "low" for alerts; None otherwise
    explanation: str
    same_text: bool = False  # a revised version or an edited copy of one text: always worth an alert


def compare_claims(
    new: StoredClaim, previous: StoredClaim, concepts: Concepts, window_days: int = DEFAULT_WINDOW_DAYS
) -> Verdict:
    """What `new` says about `previous` (the older claim)."""
    if (new.subject, new.measure) != (previous.subject, previous.measure):
        return Verdict(NOT_COMPARABLE, None, "different subjects or measures")
    if new.rate != previous.rate:
        return Verdict(NOT_COMPARABLE, None, f"a {new.rate} figure and a {previous.rate} figure are not compared")
    relation = _scope_relation(new.scope, previous.scope, concepts)
    if {new.modality, previous.modality} == {COUNT, VERIFIED} and relation == "same":
        return _named_versus_count(new, previous, window_days)
    if new.modality != previous.modality or new.modality == INCREMENT:
        return Verdict(NOT_COMPARABLE, None, f"a {new.modality} and a {previous.modality} are not compared")
    if new.story == previous.story and not _two_voices(new, previous):
        return _same_text(new, previous, relation)
    key = new.key if relation == "same" else f"{new.subject}/{new.measure}"
    versus = f"{new.describe()} vs {previous.describe()}"
    if relation == "unrelated":
        return Verdict(NOT_COMPARABLE, None, f"different places: {new.scope} and {previous.scope}")
    if relation in ("new_is_part", "previous_is_part"):
        part, whole = (new, previous) if relation == "new_is_part" else (previous, new)
        if _exceeds(part, whole):
            severity = _timing(new, previous, window_days)
            if severity:
                return Verdict(CONTRADICTION, severity, f"contradiction: {key} — part ({part.scope}) exceeds the whole: {versus}")
        return Verdict(NOT_COMPARABLE, None, f"{part.scope or 'part'} is part of {whole.scope or 'the whole'}")
    scale = _scale(new, previous)
    if scale > NAMED_SCALE_FACTOR or (scale > SCALE_FACTOR and not (new.actor and previous.actor)):
        return Verdict(NOT_COMPARABLE, None, f"figures {scale:.0f} times apart count different things: {versus}")
    if _overlap(new, previous):
        if _within(new.value, previous) and _within(previous.value, new):
            return Verdict(CORROBORATES, None, f"corroborates: {key} — {versus}")
        return Verdict(REVISION, "low", f"revision: {key} — compatible, different figure: {versus}")
    if new.vague or previous.vague:
        return Verdict(NOT_COMPARABLE, None, f"a vague figure does not contradict on its own: {versus}")
    if new.source == previous.source:
        dated = new.claim_date is not None and previous.claim_date is not None  # else which came first is unknown
        if dated and new.high is not None and previous.low is not None and new.high < previous.low:
            return Verdict(
                CONTRADICTION, "medium", f"contradiction: {key} — same source, the total went down (correction?): {versus}"
            )
        return Verdict(REVISION, "low", f"revision: {key} — same source, updated figure: {versus}")
    where = " in one article" if new.story == previous.story else ""
    severity = _timing(new, previous, window_days)
    if new.claim_date is None or previous.claim_date is None:
        if severity is None:  # nobody to ask and no date to tell it from an update
            return Verdict(REVISION, "low", f"revision: {key} — undated and unattributed, may be an update: {versus}")
        return Verdict(CONTRADICTION, severity, f"contradiction: {key} — undated, may be an update{where}: {versus}")
    if severity:
        return Verdict(CONTRADICTION, severity, f"contradiction: {key}{where} — {versus}")
    if new.measure not in concepts.cumulative:
        return Verdict(REVISION, "low", f"revision: {key} — the count moved over time: {versus}")
    if new.high is not None and previous.low is not None and new.high < previous.low:
        return Verdict(CONTRADICTION, "high", f"contradiction: {key} — a later total below an earlier one: {versus}")
    return Verdict(REVISION, "low", f"revision: {key} — the total grew over time: {versus}")


def _timing(new: StoredClaim, previous: StoredClaim, window_days: int) -> str | None:
    """The severity time allows a conflict between two sources that do not depend on the measure's
    growth: high when both are dated and close, low when either is undated (and someone is quoted),
    none when dated far apart (each may be right at its time) or undated and unattributed."""
    if new.claim_date is None or previous.claim_date is None:
        return "low" if new.actor is not None or previous.actor is not None else None
    return "high" if abs((new.claim_date - previous.claim_date).days) <= window_days else None


def _two_voices(a: StoredClaim, b: StoredClaim) -> bool:
    """Two attributed sources in one article ("Kyiv says 4,000; U.S. officials say 1,200") disagree
    as two sources do, though one outlet reports both."""
    return a.article_id == b.article_id and (a.actor is not None or b.actor is not None) and a.actor != b.actor


def _same_text(new: StoredClaim, previous: StoredClaim, relation: str) -> Verdict:
    """Copies of one story are one source; a copy or a version that changed the number is a revision.
    (Which figures were changed is settled by the caller: storage pairs only figures the other copy lacks.)"""
    if relation != "same" or new.article_id == previous.article_id or new.value == previous.value:
        return Verdict(NOT_COMPARABLE, None, "the same story: not an independent source")
    change = f"{previous.text} → {new.text}"
    if new.document == previous.document:
        return Verdict(REVISION, "medium", f"revision: {new.key} — Same article revised: {change}", same_text=True)
    where = f"{_printed_by(new)} vs {_printed_by(previous)}"
    return Verdict(REVISION, "medium", f"revision: {new.key} — a copy of the same story changed the figure: {change} ({where})", True)


def _printed_by(claim: StoredClaim) -> str:
    """Who printed a claim: its outlet (stated, masthead or site domain: extractors/outlets.py), else, for a
    file that names none, the article's number: never an anonymous "a copy"."""
    return claim.outlet or f"article {claim.article_id}"


def judge_pairs(
    pairs: list[tuple[StoredClaim, StoredClaim]], concepts: Concepts, kinds: set[str],
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[tuple[Verdict, StoredClaim, StoredClaim]]:
    """(verdict, new, previous) for the pairs whose verdict is one of `kinds`, and every changed copy.

    `previous` is the older claim (by claim date, then id). A new claim is reported once per earlier
    source (and once for its own story), against that source's latest claim: one outlier must not
    raise a thousand alerts.
    """
    latest: dict[tuple[int, str], tuple[Verdict, StoredClaim, StoredClaim]] = {}
    for a, b in pairs:
        new, previous = (a, b) if order(a) > order(b) else (b, a)
        verdict = compare_claims(new, previous, concepts, window_days)
        if verdict.kind not in kinds and not verdict.same_text:
            continue
        slot = (new.id, "story" if verdict.same_text else previous.source)
        if slot not in latest or order(previous) > order(latest[slot][2]):
            latest[slot] = (verdict, new, previous)
    return sorted(latest.values(), key=lambda v: (order(v[1]), order(v[2])))


def order(claim: StoredClaim) -> tuple[dt.date, int]:
    """Older before newer: by as-of date (undated first), then by id."""
    return claim.claim_date or dt.date.min, claim.id


def _named_versus_count(new: StoredClaim, previous: StoredClaim, window_days: int) -> Verdict:
    """The victims a source counted by name are at least that many: more of them than another source's
    total contradicts it; fewer says nothing (the list is still growing)."""
    named, count = (new, previous) if new.modality == VERIFIED else (previous, new)
    if _exceeds(named, count):
        # The list grows: only a total of the same time can be exceeded (one article's, or dated close).
        severity = "high" if new.article_id == previous.article_id else _timing(new, previous, window_days)
        if severity == "high":
            return Verdict(CONTRADICTION, severity, f"contradiction: {new.key} — more named victims than the total: "
                                                f"{named.describe()} vs {count.describe()}")
    return Verdict(NOT_COMPARABLE, None, "a count by name is a lower bound of a total of its time")


def _exceeds(part: StoredClaim, whole: StoredClaim) -> bool:
    """True when a part (or a lower bound) lies wholly above what the whole can hold; vague figures never do."""
    return not (part.vague or whole.vague) and whole.high is not None and part.low is not None and part.low > whole.high


def _scope_relation(new: str | None, previous: str | None, concepts: Concepts) -> str:
    """same | new_is_part | previous_is_part | unrelated. No place stated means the whole theatre."""
    if new == previous:
        return "same"
    if new is None:
        return "same" if not concepts.ancestors(previous) else "previous_is_part"
    if previous is None:
        return "same" if not concepts.ancestors(new) else "new_is_part"
    if concepts.is_part_of(new, previous):
        return "new_is_part"
    if concepts.is_part_of(previous, new):
        return "previous_is_part"
    return "unrelated"


def _scale(a: StoredClaim, b: StoredClaim) -> float:
    """How many times the larger value is the smaller (1 when either is zero or vague)."""
    if a.vague or b.vague or a.value <= 0 or b.value <= 0:
        return 1.0
    return max(a.value, b.value) / min(a.value, b.value)


def _overlap(a: StoredClaim, b: StoredClaim) -> bool:
    below = a.low is not None and b.high is not None and a.low > b.high
    above = b.low is not None and a.high is not None and b.low > a.high
    return not (below or above)


def _within(x: float, claim: StoredClaim) -> bool:
    return (claim.low is None or x >= claim.low) and (claim.high is None or x <= claim.high)
