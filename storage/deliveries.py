"""The delivery outbox: one row per (alert, channel), written with the alert, sent later, retried.

An alert and its pending deliveries commit together, so a crash can lose neither; a delivery is marked
only after its attempt, so a crash during sending means the attempt is made again (at least once), with
the same idempotency key for the receiver to drop what it already has.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .bulk import insert_rows

PENDING, DELIVERED, GAVE_UP = "pending", "delivered", "gave_up"
_TYPES = {"alert_id": pa.int64(), "next_attempt_at": pa.timestamp("us", tz="UTC"), "attempts": pa.int32()}


@dataclass(frozen=True)
class Delivery:
    """A delivery that is due: what to send where, and how often it was tried."""

    alert_id: int
    channel: str
    idempotency_key: str
    attempts: int


@dataclass(frozen=True)
class Attempt:
    """What one attempt at a delivery gave."""

    alert_id: int
    channel: str
    ok: bool
    error: str | None = None


def enqueue_deliveries(con: duckdb.DuckDBPyConnection, alert_ids: list[int], channels: list[str]) -> None:
    """A pending delivery per (alert, channel), due now; call it in the transaction storing the alerts."""
    now = dt.datetime.now(dt.timezone.utc)
    rows = [
        {"alert_id": a, "channel": c, "idempotency_key": str(uuid.uuid4()), "status": PENDING, "attempts": 0,
         "next_attempt_at": now, "created_at": now}
        for a in alert_ids for c in channels
    ]
    if rows:
        insert_rows(con, "deliveries", list(rows[0]), rows, _TYPES)


def due_deliveries(con: duckdb.DuckDBPyConnection, now: dt.datetime, limit: int = 1000) -> list[Delivery]:
    """Pending deliveries whose next attempt is due, oldest alert first."""
    rows = con.execute(
        "SELECT alert_id, channel, idempotency_key, attempts FROM deliveries"
        " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY alert_id, channel LIMIT ?",
        [now, limit],
    ).fetchall()
    return [Delivery(*row) for row in rows]


def record_attempts(
    con: duckdb.DuckDBPyConnection, attempts: list[Attempt], max_attempts: int, backoff: dt.timedelta,
    max_backoff: dt.timedelta,
) -> None:
    """Mark each delivery delivered, or count the failure: the next attempt waits backoff × 2^(failures-1)
    (at most `max_backoff`); after `max_attempts` failures it is given up. Every attempt is also a row of
    alert_deliveries (the log)."""
    now = dt.datetime.now(dt.timezone.utc)
    for a in attempts:
        found = con.execute(
            "SELECT attempts FROM deliveries WHERE alert_id = ? AND channel = ?", [a.alert_id, a.channel]
        ).fetchall()
        tried = (found[0][0] if found else 0) + 1
        if a.ok:
            status, next_at = DELIVERED, now
        else:
            status = GAVE_UP if tried >= max_attempts else PENDING
            next_at = now + min(backoff * 2 ** (tried - 1), max_backoff)
        con.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,"
            " delivered_at = CASE WHEN ? THEN ? END WHERE alert_id = ? AND channel = ?",
            [status, tried, next_at, a.error, a.ok, now, a.alert_id, a.channel],
        )
        con.execute(
            "INSERT INTO alert_deliveries VALUES (?, ?, ?, ?, ?, ?)",
            [a.alert_id, a.channel, "delivered" if a.ok else "failed", tried, a.error, now],
        )


def undelivered(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Deliveries not delivered yet (pending) or given up, with their alert: what `alerts --undelivered` shows."""
    rows = con.execute(
        "SELECT d.alert_id, d.channel, d.status, d.attempts, d.next_attempt_at, d.last_error, d.idempotency_key,"
        " a.explanation FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status <> 'delivered' ORDER BY d.alert_id, d.channel"
    ).fetchall()
    names = ["alert", "channel", "status", "attempts", "next_attempt_at", "last_error", "idempotency_key", "explanation"]
    out = [dict(zip(names, row)) for row in rows]
    for item in out:
        item["next_attempt_at"] = item["next_attempt_at"].isoformat() if item["status"] == PENDING else None
    return out
