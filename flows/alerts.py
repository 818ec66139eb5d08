"""Comparing new claims with stored ones after each batch, and telling people about conflicts.

The alerts table is the system of record and is written first, in one transaction; Prefect events,
the run's table artifact, webhooks and log lines follow and can fail without losing an alert.
"""

from __future__ import annotations

import os
import time

import duckdb
import httpx
from prefect import get_run_logger

from extractors.compare import CONTRADICTION, DEFAULT_WINDOW_DAYS, REVISION
from extractors.concepts import load_concepts
from storage import write_connection
from storage.claims import alert_details, compare_new_claims, record_delivery

WEBHOOKS_ENV = "NEWSMON_WEBHOOKS"  # URLs separated by spaces or commas
REVISIONS_ENV = "NEWSMON_ALERT_REVISIONS"  # "1": revisions are alerts too
WINDOW_ENV = "NEWSMON_CLAIM_WINDOW_DAYS"  # dated figures this close refer to the same moment
EVENT = "newsmon.claim.contradiction"
WEBHOOK_TIMEOUT = 5.0
WEBHOOK_ATTEMPTS = 3


def webhook_urls() -> list[str]:
    return [u for u in os.environ.get(WEBHOOKS_ENV, "").replace(",", " ").split() if u]


def revisions_alert() -> bool:
    return os.environ.get(REVISIONS_ENV, "").strip().lower() in ("1", "true", "yes")


def claim_window_days() -> int:
    value = os.environ.get(WINDOW_ENV, "").strip()
    return int(value) if value else DEFAULT_WINDOW_DAYS


def find_alerts(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    """Compare every claim not yet compared with what each source of its key says; store the alerts and
    return them for `send_alerts`. Runs on the connection that stored the batch (one open and one
    checkpoint per batch, not two), inside the task that stored it (one task per batch: each task run
    costs the API server a round trip or two, and thousands of them slow everything down)."""
    kinds = {CONTRADICTION, REVISION} if revisions_alert() else {CONTRADICTION}
    stored = compare_new_claims(con, load_concepts(), kinds, run_id, claim_window_days())
    return alert_details(con, ids=[s.id for s in stored]) if stored else []


def send_alerts(db: str, alerts: list[dict], lock_timeout: float | None) -> None:
    """Log lines, Prefect events and webhooks for stored alerts; called after the write connection is
    closed, so a slow webhook never holds the file's lock."""
    logger = get_run_logger()
    deliveries = []
    for alert in alerts:
        logger.warning("%s", alert["explanation"])
        _emit(alert)
        for url in webhook_urls():
            deliveries.append((alert["id"], url, *_post(url, alert)))
    if deliveries:
        with write_connection(db, lock_timeout) as con:
            for alert_id, url, ok, attempts, error in deliveries:
                record_delivery(con, alert_id, url, ok, attempts, error)


def _emit(alert: dict) -> None:
    """A Prefect event per contradiction, so users can attach Automations to it."""
    if alert["kind"] != CONTRADICTION:
        return
    from prefect.events import emit_event

    emit_event(
        event=EVENT,
        resource={"prefect.resource.id": f"newsmon.claim.{alert['key']}", "prefect.resource.name": alert["key"]},
        payload={"explanation": alert["explanation"], "severity": alert["severity"], "new": alert["new"],
                 "previous": alert["previous"]},
    )


def _post(url: str, alert: dict) -> tuple[bool, int, str | None]:
    """POST the alert as JSON, with a timeout and retries with backoff; (delivered, attempts, last error)."""
    error = None
    for attempt in range(1, WEBHOOK_ATTEMPTS + 1):
        try:
            response = httpx.post(url, json=alert, timeout=WEBHOOK_TIMEOUT)
            if response.status_code < 300:
                return True, attempt, None
            error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if attempt < WEBHOOK_ATTEMPTS:
            time.sleep(0.5 * 2 ** (attempt - 1))
    return False, WEBHOOK_ATTEMPTS, error


def alerts_artifact(alerts: list[dict]) -> None:
    """The run's alerts as a Prefect table artifact (an empty table says the run raised none)."""
    from prefect.artifacts import create_table_artifact

    rows = [
        {"kind": a["kind"], "severity": a["severity"], "key": a["key"], "explanation": a["explanation"]}
        for a in alerts
    ]
    create_table_artifact(
        table=rows or [{"kind": "-", "severity": "-", "key": "-", "explanation": "no alerts in this run"}],
        key="newsmon-alerts",
        description=f"{len(alerts)} alerts raised by this run",
    )
