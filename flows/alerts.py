"""Comparing new claims with stored ones after each batch, and telling people about conflicts.

The alerts table is the system of record and is written first, in one transaction with a pending
delivery per channel (the outbox, flows/delivery.py, sends them outside the batch); Prefect events,
the run's table artifact and log lines follow and can fail without losing an alert.
"""

from __future__ import annotations

import os

import duckdb
from prefect import get_run_logger

from extractors.compare import CONTRADICTION, DEFAULT_WINDOW_DAYS, REVISION
from extractors.concepts import load_concepts
from storage.claims import alert_details, compare_new_claims

from .channels import Routing

REVISIONS_ENV = "NEWSMON_ALERT_REVISIONS"  # "1": revisions are alerts too
WINDOW_ENV = "NEWSMON_CLAIM_WINDOW_DAYS"  # dated figures this close refer to the same moment
EVENT = "newsmon.claim.contradiction"


def revisions_alert() -> bool:
    return os.environ.get(REVISIONS_ENV, "").strip().lower() in ("1", "true", "yes")


def claim_window_days() -> int:
    value = os.environ.get(WINDOW_ENV, "").strip()
    return int(value) if value else DEFAULT_WINDOW_DAYS


def find_alerts(con: duckdb.DuckDBPyConnection, run_id: str, routing: Routing = Routing()) -> list[dict]:
    """Compare every claim not yet compared with what each source of its key says; store the alerts and
    return them for `announce_alerts`; their deliveries go to `routing`'s channels (the outbox). Runs on the connection that stored the batch (one open and one
    checkpoint per batch, not two), inside the task that stored it (one task per batch: each task run
    costs the API server a round trip or two, and thousands of them slow everything down)."""
    kinds = {CONTRADICTION, REVISION} if revisions_alert() else {CONTRADICTION}
    stored = compare_new_claims(con, load_concepts(), kinds, run_id, claim_window_days(), routing.channels,
                                routing.digest)
    return alert_details(con, ids=[s.id for s in stored]) if stored else []


def announce_alerts(alerts: list[dict]) -> None:
    """A log line and a Prefect event per stored alert (quick, local); their deliveries to the channels
    are the outbox's (flows/delivery.py), so a slow receiver never holds up the batch."""
    logger = get_run_logger()
    for alert in alerts:
        logger.warning("%s", alert["explanation"])
        _emit(alert)


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
