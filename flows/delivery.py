"""Sending the outbox: pending deliveries of alerts to their channels, outside the batches.

A run starts one delivery thread (`Outbox`). It sends what is due when the run starts (what earlier
runs left pending) and again each time a batch stored alerts, a few POSTs at a time, while the run goes
on reading and storing; the run waits for it at the end for at most NEWSMON_DELIVERY_WAIT seconds, and
whatever is still pending then (a slow or dead receiver) is sent by a later run, with backoff.

A channel is `kind:target`; one send function per kind (`SENDERS`). Today: `webhook:<url>`, a JSON POST
of the alert with an `Idempotency-Key` header that stays the same on every attempt of one delivery.
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

from storage import DatabaseLocked, write_connection
from storage.claims import alert_details
from storage.deliveries import Attempt, Delivery, due_deliveries, record_attempts

WEBHOOKS_ENV = "NEWSMON_WEBHOOKS"  # URLs separated by spaces or commas
BACKOFF_ENV = "NEWSMON_DELIVERY_BACKOFF"  # seconds before the first retry, doubling after each failure
WAIT_ENV = "NEWSMON_DELIVERY_WAIT"  # seconds a run waits at its end for deliveries in flight
DEFAULT_BACKOFF = 60.0
DEFAULT_WAIT = 30.0
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_ATTEMPTS = 10  # failures after which a delivery is given up (60 s backoff: ~8.5 hours of trying)
SEND_TIMEOUT = 10.0  # seconds for one POST, connection to last byte
SEND_THREADS = 4  # deliveries in flight at once
IDEMPOTENCY_HEADER = "Idempotency-Key"

_log = logging.getLogger("newsmon.delivery")


def delivery_channels() -> list[str]:
    """The channels each new alert is delivered to: today one `webhook:<url>` per NEWSMON_WEBHOOKS URL."""
    urls = [u for u in os.environ.get(WEBHOOKS_ENV, "").replace(",", " ").split() if u]
    return [f"webhook:{u}" for u in urls]


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def post_webhook(target: str, alert: dict, key: str) -> None:
    """POST the alert as JSON; raise on anything but a 2xx answer."""
    response = httpx.post(target, json=alert, timeout=SEND_TIMEOUT, headers={IDEMPOTENCY_HEADER: key})
    if response.status_code >= 300:
        raise DeliveryFailed(f"HTTP {response.status_code}")


class DeliveryFailed(Exception):
    pass


# kind -> send(target, alert, idempotency key); raises on failure. Another kind of channel (Apprise,
# mail ...) is one more function here.
SENDERS: dict[str, Callable[[str, dict, str], None]] = {"webhook": post_webhook}


def deliver_due(
    db: str, lock_timeout: float | None = None, skip: set[tuple[int, str]] = frozenset()
) -> list[Attempt]:
    """One pass: send every due delivery (but those in `skip`: (alert, channel)) once and record each
    attempt; returns the attempts."""
    now = dt.datetime.now(dt.timezone.utc)
    with write_connection(db, lock_timeout) as con:
        due = [d for d in due_deliveries(con, now) if (d.alert_id, d.channel) not in skip]
        alerts = {a["id"]: a for a in alert_details(con, ids=sorted({d.alert_id for d in due}))} if due else {}
    if not due:
        return []
    with ThreadPoolExecutor(SEND_THREADS) as pool:
        attempts = list(pool.map(lambda d: _send(d, alerts.get(d.alert_id)), due))
    with write_connection(db, lock_timeout) as con:
        record_attempts(con, attempts, MAX_ATTEMPTS, dt.timedelta(seconds=_seconds(BACKOFF_ENV, DEFAULT_BACKOFF)),
                        MAX_BACKOFF)
    return attempts


def _send(delivery: Delivery, alert: dict | None) -> Attempt:
    kind, _, target = delivery.channel.partition(":")
    sender = SENDERS.get(kind)
    if alert is None:
        return Attempt(delivery.alert_id, delivery.channel, False, "the alert is no longer in the database")
    if sender is None:
        return Attempt(delivery.alert_id, delivery.channel, False, f"no sender for channel kind {kind!r}")
    try:
        sender(target, alert, delivery.idempotency_key)
        return Attempt(delivery.alert_id, delivery.channel, True)
    except (httpx.HTTPError, DeliveryFailed, OSError) as exc:
        return Attempt(delivery.alert_id, delivery.channel, False, f"{type(exc).__name__}: {exc}" if not isinstance(exc, DeliveryFailed) else str(exc))


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
                    self.logger.warning("alert %s to %s failed: %s (retried later)", attempt.alert_id, attempt.channel, attempt.error)
            if closing:
                return
