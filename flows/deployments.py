"""The two deployments `newsmon serve` runs; prefect.yaml declares the same two flows for workers.

Served deployments have their own names (`poll-feeds-serve`, `backfill-folder-serve`). A Prefect deployment is
identified by flow and name, so registering a served deployment under a name `prefect deploy` already used
updates that deployment instead of adding one: it keeps the work pool and loses the pull step, and its runs then
fail in the worker and in serve alike (no code location). With distinct names both sets live on one server."""

from __future__ import annotations

from pathlib import Path

POLL_CRON = "*/15 * * * *"
SERVED_POLL = "poll-feeds-serve"
SERVED_BACKFILL = "backfill-folder-serve"


def deployments(
    db: str, feeds_file: str, cron: str = POLL_CRON, digest: str | None = None, report: str | None = None
) -> list:
    """poll-feeds-serve on a cron schedule, and backfill-folder-serve without one (runs are given `paths`);
    with a `digest`, both send their alerts as hourly or daily digests; with `report`, each poll ends by
    writing the HTML report there."""
    from .backfill import backfill
    from .feeds import poll_feeds

    db, feeds_file = str(Path(db).resolve()), str(Path(feeds_file).resolve())  # serve may run from elsewhere
    digested = {"digest": digest} if digest else {}
    reported = {"report": str(Path(report).resolve())} if report else {}
    return [
        poll_feeds.to_deployment(
            name=SERVED_POLL, cron=cron, parameters={"feeds_file": feeds_file, "db": db, **digested, **reported},
            description="Poll the feeds that are due and store new articles (run by `newsmon serve`).",
        ),
        backfill.to_deployment(
            name=SERVED_BACKFILL, parameters={"db": db, **digested},
            description="Store every article file under the given paths (parameter `paths`; run by `newsmon serve`).",
        ),
    ]


def serve_deployments(
    db: str, feeds_file: str, cron: str = POLL_CRON, digest: str | None = None, report: str | None = None
) -> None:
    """Run both deployments' schedules in this process until interrupted (Prefect `serve`)."""
    from prefect import serve

    serve(*deployments(db, feeds_file, cron, digest, report))
