"""Sending the outbox: pending deliveries of alerts to their channels, outside the batches.

A run starts one delivery thread (`Outbox`). It sends what is due when the run starts (what earlier
runs left pending) and again each time a batch stored alerts, a few POSTs at a time, while the run goes
on reading and storing; the run waits for it at the end for at most NEWSMON_DELIVERY_WAIT seconds, and
whatever is still pending then (a slow or dead receiver) is sent by a later run, with backoff.

A channel is `kind:target` (flows/channels.py); one send function per kind (`SENDERS`): `webhook:<url>`,
a JSON POST of the alert, and `apprise:<url>`, a readable message through Apprise. Every attempt of one
delivery carries the same idempotency key. With a digest, the due rows of one (channel, period) are one
message listing the period's disputes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import duckdb
import httpx

from extractors.notification import alert_message, digest_message
from storage import DatabaseLocked, write_connection
from storage.claims import alert_details
from storage.deliveries import Attempt, Delivery, due_deliveries, parse_period, record_attempts

from .channels import DeliveryFailed, Notification, channel_label, post_webhook, send_apprise

BACKOFF_ENV = "NEWSMON_DELIVERY_BACKOFF"  # seconds before the first retry, doubling after each failure
WAIT_ENV = "NEWSMON_DELIVERY_WAIT"  # seconds a run waits at its end for deliveries in flight
DEFAULT_BACKOFF = 60.0
DEFAULT_WAIT = 30.0
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_ATTEMPTS = 10  # failures after which a delivery is given up (60 s backoff: ~8.5 hours of trying)
SEND_THREADS = 4  # deliveries in flight at once

_log = logging.getLogger("newsmon.delivery")

# kind -> send(target, notification); raises on failure. Another kind of channel is one more function here.
SENDERS: dict[str, Callable[[str, Notification], None]] = {"webhook": post_webhook, "apprise": send_apprise}


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def deliver_due(
    db: str, lock_timeout: float | None = None, skip: set[tuple[int, str]] = frozenset(),
    now: dt.datetime | None = None,
) -> list[Attempt]:
    """One pass: send every due delivery (but those in `skip`: (alert, channel)) once and record each
    attempt; returns the attempts. `now` (default: the clock) decides what is due."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with write_connection(db, lock_timeout) as con:
        due = [d for d in due_deliveries(con, now) if (d.alert_id, d.channel) not in skip]
        alerts = {a["id"]: a for a in alert_details(con, ids=sorted({d.alert_id for d in due}))} if due else {}
    if not due:
        return []
    groups: dict[tuple, list[Delivery]] = {}
    for d in due:  # a digest is one message per (channel, period); any other delivery is its own
        groups.setdefault((d.channel, d.digest) if d.digest else (d.channel, d.alert_id), []).append(d)
    with ThreadPoolExecutor(SEND_THREADS) as pool:
        attempts = [a for done in pool.map(lambda g: _send(g, alerts), groups.values()) for a in done]
    with write_connection(db, lock_timeout) as con:
        record_attempts(con, attempts, MAX_ATTEMPTS, dt.timedelta(seconds=_seconds(BACKOFF_ENV, DEFAULT_BACKOFF)),
                        MAX_BACKOFF)
    return attempts


def _send(group: list[Delivery], alerts: dict[int, dict]) -> list[Attempt]:
    """Send one message (one alert, or a digest of several) and the attempt it makes for each row."""
    first = group[0]
    kind, _, target = first.channel.partition(":")
    found = [alerts[d.alert_id] for d in group if d.alert_id in alerts]
    error = None
    if not found:
        error = "the alert is no longer in the database"
    elif kind not in SENDERS:
        error = f"no sender for channel kind {kind!r}"
    else:
        try:
            SENDERS[kind](target, _notification(first, found))
        except DeliveryFailed as exc:
            error = str(exc)
        except (httpx.HTTPError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
    return [Attempt(d.alert_id, d.channel, error is None, error) for d in group]


def _notification(delivery: Delivery, alerts: list[dict]) -> Notification:
    """One alert as its message and as itself; a digest as its message and {digest, alerts}."""
    if not delivery.digest:
        return Notification(alert_message(alerts[0]), alerts[0], delivery.idempotency_key)
    period = parse_period(delivery.digest)
    document = {"digest": {"period": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()},
                "alerts": sorted(alerts, key=lambda a: a["id"], reverse=True)}
    return Notification(digest_message(period.kind, period.start, period.end, alerts), document,
                        delivery.idempotency_key)


class Outbox:
    """The run's delivery thread. `wake()` after a batch stored alerts; `close()` at the end of the run.

    A daemon thread: a process that ends (or is killed) while a POST is in flight leaves that delivery
    pending, and the next run sends it again with the same idempotency key."""

    def __init__(self, db: str, lock_timeout: float | None = None, logger=None):
        self.db, self.lock_timeout, self.logger = db, lock_timeout, logger or _log
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="newsmon-delivery", daemon=True)
        self.attempts: list[Attempt] = []

    def __enter__(self) -> Outbox:
        self._wake.set()  # what earlier runs left pending
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def wake(self) -> None:
        self._wake.set()

    def close(self, wait: float | None = None) -> bool:
        """Ask for a last pass and wait for it at most `wait` seconds (NEWSMON_DELIVERY_WAIT); whether it
        ended in time (if not, the thread goes on while the process lives and the rest stays pending)."""
        self._closing.set()
        self._wake.set()
        self._thread.join(_seconds(WAIT_ENV, DEFAULT_WAIT) if wait is None else wait)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            closing = self._closing.is_set()
            try:  # one attempt per delivery and run: retries are for later runs, after the backoff
                done = deliver_due(self.db, self.lock_timeout, {(a.alert_id, a.channel) for a in self.attempts})
            except (DatabaseLocked, duckdb.Error, OSError) as exc:  # left pending: a later pass or run retries
                self.logger.warning("alert delivery postponed: %s", exc)
                done = []
            self.attempts += done
            for attempt in done:
                if not attempt.ok:
                    self.logger.warning("alert %s to %s failed: %s (retried later)", attempt.alert_id,
                                        channel_label(attempt.channel), attempt.error)
            if closing:
                return
