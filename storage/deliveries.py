"""The delivery outbox: one row per (alert, channel), written with the alert, sent later, retried.

An alert and its pending deliveries commit together, so a crash can lose neither; a delivery is marked
only after its attempt, so a crash during sending means the attempt is made again (at least once), with
the same idempotency key for the receiver to drop what it already has.

With a digest (hourly or daily, UTC) the rows of an alert wait for the end of their period; the rows of
one (channel, period) are sent together as one message and share one idempotency key.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .bulk import insert_rows

PENDING, DELIVERED, GAVE_UP = "pending", "delivered", "gave_up"
DIGESTS = {"hourly": dt.timedelta(hours=1), "daily": dt.timedelta(days=1)}
_TYPES = {"alert_id": pa.int64(), "next_attempt_at": pa.timestamp("us", tz="UTC"), "attempts": pa.int32(),
          "digest": pa.string()}


@dataclass(frozen=True)
class Delivery:
    """A delivery that is due: what to send where, and how often it was tried."""

    alert_id: int
    channel: str
    idempotency_key: str
    attempts: int
    digest: str | None = None  # 'hourly:2026-12-02T13': sent with the other alerts of its channel and period


@dataclass(frozen=True)
class Period:
    """One digest period: its label (stored in deliveries.digest) and its bounds, in UTC."""

    kind: str
    label: str
    start: dt.datetime
    end: dt.datetime


def digest_period(kind: str, when: dt.datetime) -> Period:
    """The hourly or daily period (UTC) that `when` falls in."""
    when = when.astimezone(dt.timezone.utc)
    if kind == "hourly":
        start = when.replace(minute=0, second=0, microsecond=0)
        label = f"hourly:{start:%Y-%m-%dT%H}"
    elif kind == "daily":
        start = when.replace(hour=0, minute=0, second=0, microsecond=0)
        label = f"daily:{start:%Y-%m-%d}"
    else:
        raise ValueError(f"digest is one of {sorted(DIGESTS)}, not {kind!r}")
    return Period(kind, label, start, start + DIGESTS[kind])


def parse_period(label: str) -> Period:
    """The Period of a stored label."""
    kind, _, start = label.partition(":")
    fmt = "%Y-%m-%dT%H" if kind == "hourly" else "%Y-%m-%d"
    return digest_period(kind, dt.datetime.strptime(start, fmt).replace(tzinfo=dt.timezone.utc))


@dataclass(frozen=True)
class Attempt:
    """What one attempt at a delivery gave."""

    alert_id: int
    channel: str
    ok: bool
    error: str | None = None


def enqueue_deliveries(
    con: duckdb.DuckDBPyConnection, alert_ids: list[int], channels: list[str], digest: str | None = None
) -> None:
    """A pending delivery per (alert, channel); call it in the transaction storing the alerts. Due now, or
    with a digest ('hourly' | 'daily') at the end of the current period, under the key of its (channel, period)."""
    now = dt.datetime.now(dt.timezone.utc)
    if not alert_ids or not channels:
        return
    period = digest_period(digest, now) if digest else None
    due = period.end if period else now
    keys = {c: _digest_key(con, c, period.label) for c in channels} if period else {}
    rows = [
        {"alert_id": a, "channel": c, "idempotency_key": keys.get(c) or str(uuid.uuid4()), "status": PENDING,
         "attempts": 0, "next_attempt_at": due, "created_at": now, "digest": period.label if period else None}
        for a in alert_ids for c in channels
    ]
    if rows:
        insert_rows(con, "deliveries", list(rows[0]), rows, _TYPES)


def _digest_key(con: duckdb.DuckDBPyConnection, channel: str, label: str) -> str:
    """The idempotency key of a (channel, period): the one its first row got, else a new one."""
    found = con.execute(
        "SELECT idempotency_key FROM deliveries WHERE channel = ? AND digest = ? LIMIT 1", [channel, label]
    ).fetchall()
    return found[0][0] if found else str(uuid.uuid4())


def due_deliveries(con: duckdb.DuckDBPyConnection, now: dt.datetime, limit: int = 1000) -> list[Delivery]:
    """Pending deliveries whose next attempt is due, oldest alert first: at most `limit` single ones, and
    every row of each due digest (a digest split in two would be two messages under one key)."""
    columns = "SELECT alert_id, channel, idempotency_key, attempts, digest FROM deliveries"
    rows = con.execute(
        f"{columns} WHERE status = 'pending' AND next_attempt_at <= ? AND digest IS NULL"
        " ORDER BY alert_id, channel LIMIT ?", [now, limit],
    ).fetchall()
    rows += con.execute(
        f"{columns} WHERE status = 'pending' AND next_attempt_at <= ? AND digest IS NOT NULL"
        " ORDER BY digest, channel, alert_id", [now],
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
        " d.digest, a.explanation FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status <> 'delivered' ORDER BY d.alert_id, d.channel"
    ).fetchall()
    names = ["alert", "channel", "status", "attempts", "next_attempt_at", "last_error", "idempotency_key", "digest",
             "explanation"]
    out = [dict(zip(names, row)) for row in rows]
    for item in out:
        item["next_attempt_at"] = item["next_attempt_at"].isoformat() if item["status"] == PENDING else None
    return out
