"""The `poll_feeds` flow: RSS/Atom feeds in, articles through the same pipeline as a backfill.

One task checks every due feed (conditional GETs in parallel threads, so 200 unchanged feeds cost a
few hundred milliseconds), then one task per feed with work fetches its new pages and stores them as
one batch; alerts follow each batch. Nothing here is per entry on the Prefect side.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import feedparser
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from extractors.formats import HTML_SUFFIXES, TEXT_SUFFIXES
from extractors.urls import canonical_url
from storage import (
    BatchCounts,
    SkippedInput,
    default_db_path,
    finish_run,
    write_batch,
    write_connection,
)
from storage.feeds import (
    EntryOutcome,
    FeedEntry,
    PendingEntry,
    PollOutcome,
    feed_states,
    feeds_with_pending,
    pending_entries,
    record_entries,
    record_outcomes,
    record_polls,
)

from .alerts import alerts_artifact, announce_alerts, find_alerts
from .channels import Routing, checked_digest, configured_channels
from .delivery import Outbox
from .feedlist import Feed, default_feeds_path, load_feeds
from .http import Fetched, fetch, http_client
from .inputs import Hints, article_row
from .report import publish_report
from .runs import begin_run, record_failure

FEED_THREADS = 16  # conditional GETs in flight at once
PAGE_THREADS = 8  # page downloads in flight at once, per feed
BATCH_SIZE = 100


@dataclass(frozen=True)
class FeedCheck:
    """One feed's poll: what the server said and the entries it lists."""

    feed: Feed
    fetched: Fetched
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None
    skipped: list[SkippedInput] = field(default_factory=list)  # entries without a page to fetch


@dataclass
class PollSummary:
    run_id: str
    db: str
    feeds_polled: int = 0
    not_modified: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # feed URL -> why
    new_entries: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    counts: BatchCounts = field(default_factory=BatchCounts)
    alerts: list[dict] = field(default_factory=list)
    seconds: float = 0.0


@task(name="check-feeds", cache_policy=NO_CACHE)
def check_feeds(
    feeds: list[Feed], db: str, run_id: str, respect_schedule: bool, lock_timeout: float | None = None
) -> tuple[list[FeedCheck], int]:
    """Poll every due feed (conditional GET), record each outcome, the entries, and the entries that
    have no page newsmon can fetch (in skipped_inputs, with the reason); (checks, new entries)."""
    now = dt.datetime.now(dt.timezone.utc)
    with write_connection(db, lock_timeout) as con:
        states = feed_states(con, [f.url for f in feeds])
    due = [
        f for f in feeds
        if not respect_schedule or f.url not in states or states[f.url].next_poll_at is None
        or states[f.url].next_poll_at <= now
    ]
    with http_client() as client, ThreadPoolExecutor(FEED_THREADS) as pool:
        checks = list(pool.map(lambda f: _check(client, f, states.get(f.url)), due))
    polls = [
        PollOutcome(
            c.feed.url, c.feed.name, dt.timedelta(minutes=c.feed.interval_minutes), states.get(c.feed.url),
            c.fetched.status, c.error, c.fetched.headers.get("etag"), c.fetched.headers.get("last-modified"),
        )
        for c in checks
    ]
    with write_connection(db, lock_timeout) as con:
        record_polls(con, polls, now)
        new = sum(record_entries(con, c.entries, now) for c in checks)
        write_batch(con, [], [s for c in checks for s in c.skipped], run_id)
    return checks, new


def _check(client, feed: Feed, state) -> FeedCheck:
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    fetched = fetch(client, feed.url, headers=headers, trusted=feed.trusted)
    if fetched.not_modified:
        return FeedCheck(feed, fetched)
    if not fetched.ok:
        return FeedCheck(feed, fetched, error=fetched.error)
    parsed = feedparser.parse(fetched.body, response_headers={"content-type": fetched.headers.get("content-type", "")})
    entries, skipped = [], []
    for raw in parsed.entries:
        entry = _entry(feed, raw)
        if isinstance(entry, SkippedInput):
            skipped.append(entry)
        else:
            entries.append(entry)
    if not entries and (parsed.bozo or not parsed.get("version")):  # its entries are not trusted either  # feedparser is lenient: judge by what it got
        kind = "malformed feed" if parsed.get("version") else "not an RSS or Atom feed"
        detail = f": {parsed.get('bozo_exception')}" if parsed.bozo else ""
        return FeedCheck(feed, fetched, error=f"{kind}{detail}")
    return FeedCheck(feed, fetched, entries, skipped=skipped)


def _entry(feed: Feed, raw) -> FeedEntry | SkippedInput:
    """A feedparser entry as stored; feedburner's original link wins over its redirect link. An entry
    whose link is missing or not http(s) (javascript:, data:, file:, ftp: ...) has no page to read: it
    comes back as a SkippedInput naming the feed, the entry and its link."""
    link = (raw.get("feedburner_origlink") or raw.get("link") or "").strip()
    guid = raw.get("id") or None
    if not link and guid and guid.startswith(("http://", "https://")):
        link = guid
    try:
        key = canonical_url(link)
    except ValueError:
        entry = raw.get("title") or guid or "untitled"
        if not link:
            return SkippedInput(f"{feed.url} (entry {entry!r})", "feed entry has no link")
        scheme = urlsplit(link).scheme or "no scheme"
        return SkippedInput(
            f"{feed.url} (entry {entry!r})", f"feed entry link is not http(s) ({scheme}): {link[:200]}"
        )
    content = raw.get("content") or []
    summary = content[0].get("value") if content else raw.get("summary")
    return FeedEntry(
        feed_url=feed.url, entry_key=key, guid=guid, link=link, title=raw.get("title") or None,
        summary=summary or None, published=_time(raw.get("published_parsed")), updated=_time(raw.get("updated_parsed")),
    )


def _time(parsed) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.timezone.utc) if parsed else None


@task(name="ingest-feed", cache_policy=NO_CACHE)
def ingest_feed(
    feed: Feed, db: str, run_id: str, lock_timeout: float | None = None, routing: Routing = Routing()
) -> tuple[BatchCounts, int, int, list[dict]]:
    """Fetch and store the pages of the feed's pending entries, then compare their claims;
    (counts, pages fetched, pages failed, alerts raised)."""
    with write_connection(db, lock_timeout) as con:
        pending = pending_entries(con, feed.url)
    totals, fetched_ok, failed, alerts = BatchCounts(), 0, 0, []
    with http_client() as client, ThreadPoolExecutor(PAGE_THREADS) as pool:
        for start in range(0, len(pending), BATCH_SIZE):
            batch = pending[start : start + BATCH_SIZE]
            if feed.fetch == "summary":
                pages = [None] * len(batch)
            else:
                pages = list(pool.map(lambda e: fetch(client, e.link, trusted=feed.trusted), batch))
            rows, skipped, outcomes = [], [], []
            for entry, page in zip(batch, pages):
                result = _process(feed, entry, page)
                if isinstance(result, EntryOutcome):
                    outcomes.append(result)
                    skipped.append(SkippedInput(entry.link, f"page not stored: {result.error}"))
                    failed += 1
                    continue
                fetched_ok += page is not None
                if isinstance(result, SkippedInput):
                    skipped.append(result)
                    outcomes.append(EntryOutcome(entry.entry_key, False, result.reason, result.source, final=True))
                else:
                    rows.append(result)
                    outcomes.append(EntryOutcome(entry.entry_key, True, article_url=result.source))
            rows = list({row.source: row for row in rows}.values())  # two entries, one page: store it once
            with write_connection(db, lock_timeout) as con:
                counts = write_batch(con, rows, skipped, run_id)
                record_outcomes(con, feed.url, outcomes)
                raised = find_alerts(con, run_id, routing) if counts.stored or counts.duplicates else []
            announce_alerts(raised)
            totals = totals + counts
            alerts += raised
    return totals, fetched_ok, failed, alerts


def _process(feed: Feed, entry: PendingEntry, page: Fetched | None):
    """An ArticleRow, a SkippedInput (the page has no article), or an EntryOutcome for a failed fetch."""
    hints = Hints(
        title=entry.title, published=entry.published.date() if entry.published else None,
        outlet=feed.outlet, language=feed.language,
    )
    if page is None:  # the feed's own content is the article
        if not entry.summary:
            return EntryOutcome(entry.entry_key, False, "the feed gives no content for this entry", final=True)
        return article_row(entry.entry_key, entry.summary.encode("utf-8"), ".html", hints)
    if not page.ok:
        return EntryOutcome(entry.entry_key, False, page.error)
    content_type = page.headers.get("content-type", "")
    return article_row(canonical_url(page.url), page.body, _suffix(page.url, content_type), hints, _charset(content_type))


def _suffix(url: str, content_type: str) -> str:
    if "html" in content_type:
        return ".html"
    if content_type.startswith("text/plain"):
        return ".txt"
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return suffix if suffix in HTML_SUFFIXES + TEXT_SUFFIXES else ".html"


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


@flow(name="poll-feeds")
def poll_feeds(
    feeds_file: str | None = None,
    feed_urls: list[str] | None = None,
    db: str | None = None,
    respect_schedule: bool = True,
    lock_timeout: float | None = None,
    trust_feed_urls: bool = False,
    digest: str | None = None,
    report: str | None = None,
) -> PollSummary:
    """Poll the feeds of `feeds_file` (and any `feed_urls`) once and store what is new.

    A scheduled run polls only feeds that are due (their interval passed, failures back off);
    `respect_schedule=False` polls all of them now. `trust_feed_urls` lets the `feed_urls` (not the
    file's feeds, which say so themselves) use loopback and local-network addresses. The alerts raised go
    to the configured channels, one message each or (`digest` 'hourly' | 'daily') one per period. A
    scheduled run, or one given `report` (an HTML file to write), ends with the report's summary as the
    artifact `newsmon-report`."""
    logger = get_run_logger()
    started = time.monotonic()
    db = db or default_db_path()
    feeds = load_feeds(feeds_file or default_feeds_path()) if feeds_file or not feed_urls else []
    feeds += [Feed(url=u, name=u, trusted=trust_feed_urls) for u in feed_urls or [] if u not in {f.url for f in feeds}]
    routing = Routing(configured_channels(feeds_file), checked_digest(digest))
    run_id = flow_run.get_id() or str(uuid.uuid4())
    summary = PollSummary(run_id, db)
    begin_run(db, run_id, "poll_feeds", [f.url for f in feeds], lock_timeout)
    outbox = Outbox(db, lock_timeout, logger).__enter__()  # sends what earlier runs left pending, now
    try:
        checks, summary.new_entries = check_feeds(feeds, db, run_id, respect_schedule, lock_timeout)
        summary.feeds_polled = len(checks)
        summary.not_modified = sum(c.fetched.not_modified for c in checks)
        summary.failed = {c.feed.url: c.error for c in checks if c.error}
        for check in checks:
            if check.error:
                logger.warning("feed %s failed: %s", check.feed.url, check.error)
        with write_connection(db, lock_timeout) as con:
            pending = feeds_with_pending(con, [c.feed.url for c in checks])
        for feed in [c.feed for c in checks if c.feed.url in pending]:
            counts, fetched, failed, alerts = ingest_feed(feed, db, run_id, lock_timeout, routing)
            summary.counts = summary.counts + counts
            summary.pages_fetched += fetched
            summary.pages_failed += failed
            summary.alerts += alerts
            if alerts:
                outbox.wake()  # their deliveries go out while the next feeds are fetched
    except BaseException as exc:  # KeyboardInterrupt too: the run did not finish
        record_failure(db, run_id, summary.pages_fetched + summary.pages_failed, summary.counts, exc)
        outbox.close()
        raise
    with write_connection(db, lock_timeout) as con:
        finish_run(con, run_id, summary.pages_fetched + summary.pages_failed, summary.counts)
    summary.seconds = time.monotonic() - started
    logger.info(
        "%d feeds polled (%d unchanged, %d failed), %d new entries, %d pages fetched, %d failed; stored %d, alerts %d",
        summary.feeds_polled, summary.not_modified, len(summary.failed), summary.new_entries, summary.pages_fetched,
        summary.pages_failed, summary.counts.stored, len(summary.alerts),
    )
    alerts_artifact(summary.alerts)
    if not outbox.close():
        logger.warning("alert deliveries still in flight at the end of the run: later runs send what stays pending")
    if respect_schedule or report:  # after the outbox let go of the file: the report reads it on its own connection
        publish_report(db, report, logger)
    return summary
