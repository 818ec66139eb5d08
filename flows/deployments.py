"""The two deployments, defined once for `newsmon serve`; prefect.yaml declares the same for workers."""

from __future__ import annotations

from pathlib import Path

POLL_CRON = "*/15 * * * *"


def deployments(db: str, feeds_file: str, cron: str = POLL_CRON) -> list:
    """poll-feeds on a cron schedule, and backfill-folder without one (runs are given `paths`)."""
    from .backfill import backfill
    from .feeds import poll_feeds

    db, feeds_file = str(Path(db).resolve()), str(Path(feeds_file).resolve())  # serve may run from elsewhere
    return [
        poll_feeds.to_deployment(
            name="poll-feeds", cron=cron, parameters={"feeds_file": feeds_file, "db": db},
            description="Poll the feeds that are due and store new articles.",
        ),
        backfill.to_deployment(
            name="backfill-folder", parameters={"db": db},
            description="Store every article file under the given paths (parameter `paths`).",
        ),
    ]


def serve_deployments(db: str, feeds_file: str, cron: str = POLL_CRON) -> None:
    """Run both deployments' schedules in this process until interrupted (Prefect `serve`)."""
    from prefect import serve

    serve(*deployments(db, feeds_file, cron))
