"""Alerts as messages people read: a title and a plain-text body for mail, chat and push channels.

Pure: an alert (the dict of storage.claims.alert_details) in, text out; the channels send it
(flows/channels.py). Every claim of the dispute is listed with what it says, the sentence it is in,
who says it, where and when it was printed, and the link to the article."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .outlets import outlet_from_url

SENTENCE_CHARS = 400  # a sentence longer than this is cut (an extraction that ran on into a paragraph)


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def alert_message(alert: dict) -> Message:
    """One alert: its one-line explanation as title, then every conflicting claim."""
    return Message(alert["explanation"], "\n\n".join(claim_lines(c) for c in conflicting_claims(alert)))


def digest_message(kind: str, start: dt.datetime, end: dt.datetime, alerts: list[dict]) -> Message:
    """One message for a period's alerts: each dispute once (its latest alert), newest first."""
    disputes = latest_per_dispute(alerts)
    span = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC" if kind == "hourly" else f"{start:%Y-%m-%d} (UTC)"
    title = f"newsmon {kind} digest, {span}: {len(disputes)} new dispute{'s' * (len(disputes) != 1)}"
    parts = []
    for number, alert in enumerate(disputes, start=1):
        claims = "\n\n".join(_indent(claim_lines(c)) for c in conflicting_claims(alert))
        parts.append(f"{number}. {alert['explanation']}\n\n{claims}")
    return Message(title, "\n\n\n".join(parts))


def latest_per_dispute(alerts: list[dict]) -> list[dict]:
    """The newest alert of each dispute (an alert without one stands alone), newest first: a dispute
    that grew three times in a period is listed once, with all its claims."""
    newest: dict[object, dict] = {}
    for alert in sorted(alerts, key=lambda a: a["id"], reverse=True):
        newest.setdefault(alert["dispute"] if alert.get("dispute") is not None else ("alert", alert["id"]), alert)
    return list(newest.values())


def conflicting_claims(alert: dict) -> list[dict]:
    """The claims an alert is about: the dispute's members, or (a revision) the new and the previous claim."""
    return alert["sources"] or [alert["new"], alert["previous"]]


def claim_lines(claim: dict) -> str:
    """`who: "figure" (date)`, the sentence, the outlet and publication date, and the link."""
    when = claim.get("claim_date") or claim.get("published") or "undated"
    lines = [f"{claim['source']}: \"{claim['text']}\" ({when})"]
    sentence = " ".join((claim.get("sentence") or "").split())
    if sentence:
        lines.append(sentence if len(sentence) <= SENTENCE_CHARS else sentence[: SENTENCE_CHARS - 1] + "…")
    outlet = claim.get("outlet") or outlet_from_url(claim.get("article"))
    printed = ", ".join(p for p in (outlet, f"published {claim['published']}" if claim.get("published") else None) if p)
    copies = claim.get("copies") or 1
    if copies > 1:
        printed = f"{printed} (+{copies - 1} copies)" if printed else f"+{copies - 1} copies"
    if printed:
        lines.append(printed)
    if claim.get("article"):
        lines.append(claim["article"])
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"   {line}" for line in text.splitlines())
