"""Triage of alerts (`newsmon alerts ack` / `dismiss`): an analyst's verdict, stored beside the alert.

Acknowledging says "seen"; the dispute stays open and in the report. Dismissing records why and sets the
alert's dispute to dismissed, which `extractors.disputes` keeps quiet until a new source joins it (then
it opens again, with a new alert). Both are rows in `alert_triage`; `alert_states` shows the latest."""

from __future__ import annotations

import datetime as dt

import duckdb

from extractors.disputes import DISMISSED as DISPUTE_DISMISSED

from .transaction import transaction

ACKNOWLEDGED, DISMISSED = "acknowledged", "dismissed"


class NoSuchAlert(LookupError):
    """An alert id the database does not have."""


def triage_alert(con: duckdb.DuckDBPyConnection, alert_id: int, action: str, reason: str | None = None) -> dict:
    """Record `action` (acknowledged or dismissed) for the alert; dismissing dismisses its dispute too.
    Returns the alert's explanation and dispute id."""
    if action not in (ACKNOWLEDGED, DISMISSED):
        raise ValueError(f"unknown triage action {action!r}")
    rows = con.execute("SELECT explanation, dispute_id FROM alerts WHERE id = ?", [alert_id]).fetchall()
    if not rows:
        last = con.execute("SELECT max(id) FROM alerts").fetchall()[0][0]
        known = f"alert ids run from 1 to {last}" if last else "there are no alerts yet"
        raise NoSuchAlert(f"no alert {alert_id} ({known}; newsmon alerts lists them)")
    explanation, dispute_id = rows[0]
    with transaction(con):
        con.execute("INSERT INTO alert_triage VALUES (?, ?, ?, ?)", [alert_id, action, reason, dt.datetime.now(dt.timezone.utc)])
        if action == DISMISSED and dispute_id is not None:
            con.execute("UPDATE disputes SET status = ?, note = ? WHERE id = ?", [DISPUTE_DISMISSED, reason, dispute_id])
    return {"alert": alert_id, "state": action, "explanation": explanation, "dispute": dispute_id}
