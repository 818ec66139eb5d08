"""Feed state in DuckDB: validators and backoff per feed, and every entry seen with what became of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .bulk import insert_rows

MAX_PAGE_ATTEMPTS = 5  # a page that failed this often is given up (the entry and its summary stay)
MAX_BACKOFF = dt.timedelta(hours=24)
_TIMESTAMP = pa.timestamp("us", tz="UTC")
_ENTRY_TYPES = {"published": _TIMESTAMP, "updated": _TIMESTAMP, "first_seen_at": _TIMESTAMP, "last_seen_at": _TIMESTAMP,
                "attempts": pa.int32()}


@dataclass(frozen=True)
class FeedState:
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    next_poll_at: dt.datetime | None


@dataclass(frozen=True)
class FeedEntry:
    """An entry as the feed lists it; `entry_key` (its canonical link) identifies it across polls."""

    feed_url: str
    entry_key: str
    guid: str | None
    link: str
    title: str | None
    summary: str | None
    published: dt.datetime | None
    updated: dt.datetime | None


@dataclass(frozen=True)
class PendingEntry:
    """An entry whose page is still to be fetched (new, failed before, or updated by the feed)."""

    entry_key: str
    link: str
    title: str | None
    summary: str | None
    published: dt.datetime | None
    attempts: int


@dataclass(frozen=True)
class EntryOutcome:
    entry_key: str
    stored: bool
    error: str | None = None
    article_url: str | None = None
    final: bool = False  # the failure will not go away on retry (no article text in the page)


def feed_states(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, FeedState]:
    rows = con.execute(
        "SELECT url, etag, last_modified, consecutive_failures, next_poll_at FROM feed_status"
        " WHERE url IN (SELECT unnest(?::VARCHAR[]))",
        [urls],
    ).fetchall()
    return {url: FeedState(etag, modified, failures, next_at) for url, etag, modified, failures, next_at in rows}


@dataclass(frozen=True)
class PollOutcome:
    """One feed's poll as storage records it."""

    url: str
    name: str
    interval: dt.timedelta
    previous: FeedState | None
    status: int | None  # HTTP status; None when no response arrived
    error: str | None
    etag: str | None = None
    last_modified: str | None = None


def record_polls(con: duckdb.DuckDBPyConnection, polls: list[PollOutcome], now: dt.datetime) -> None:
    """Store every poll's outcome in one statement. A failure keeps the old validators and doubles the
    wait before the next scheduled poll (interval × 2^failures, at most a day); a success resets it."""
    if not polls:
        return
    rows = []
    for poll in polls:
        failures = (poll.previous.consecutive_failures + 1 if poll.previous else 1) if poll.error else 0
        wait = min(poll.interval * 2**failures, MAX_BACKOFF) if poll.error else poll.interval
        etag, modified = poll.etag, poll.last_modified
        if poll.previous and (poll.error is not None or poll.status == 304):  # no new validators: keep the old
            etag, modified = etag or poll.previous.etag, modified or poll.previous.last_modified
        rows.append({
            "url": poll.url, "name": poll.name, "etag": etag, "last_modified": modified,
            "last_polled_at": now, "last_success_at": None if poll.error else now, "last_status": poll.status,
            "last_error": poll.error, "consecutive_failures": failures, "next_poll_at": now + wait,
        })
    types = {"last_polled_at": _TIMESTAMP, "last_success_at": _TIMESTAMP, "next_poll_at": _TIMESTAMP,
             "last_status": pa.int32(), "consecutive_failures": pa.int32()}
    con.register("polls", pa.Table.from_pylist(rows, schema=pa.schema([(c, types.get(c, pa.string())) for c in rows[0]])))
    con.execute(
        """
        INSERT INTO feed_status (url, name, etag, last_modified, last_polled_at, last_success_at, last_status,
                                 last_error, consecutive_failures, next_poll_at)
        SELECT url, name, etag, last_modified, last_polled_at, last_success_at, last_status, last_error,
               consecutive_failures, next_poll_at FROM polls
        ON CONFLICT (url) DO UPDATE SET
            name = excluded.name,
            etag = excluded.etag, last_modified = excluded.last_modified,
            last_polled_at = excluded.last_polled_at,
            last_success_at = coalesce(excluded.last_success_at, feed_status.last_success_at),
            last_status = excluded.last_status, last_error = excluded.last_error,
            consecutive_failures = excluded.consecutive_failures, next_poll_at = excluded.next_poll_at
        """
    )
    con.unregister("polls")


def record_entries(con: duckdb.DuckDBPyConnection, entries: list[FeedEntry], now: dt.datetime) -> int:
    """Add the entries not seen before; refresh the others. An entry is the same when its canonical link
    or its GUID is known for the feed (links and GUIDs that change on every fetch do not make new entries).
    An entry the feed marks as updated since the last poll is fetched again. Returns how many were new."""
    if not entries:
        return 0
    feed_url = entries[0].feed_url
    known = {
        key: (guid, updated)
        for key, guid, updated in con.execute(
            "SELECT entry_key, guid, updated FROM feed_entries WHERE feed_url = ?", [feed_url]
        ).fetchall()
    }
    by_guid = {guid: key for key, (guid, _) in known.items() if guid}
    new: dict[str, dict] = {}
    seen: list[tuple] = []
    for entry in entries:
        key = entry.entry_key if entry.entry_key in known else by_guid.get(entry.guid or "", entry.entry_key)
        if key in known:
            previous_update = known[key][1]
            revised = bool(entry.updated and previous_update and entry.updated > previous_update)
            seen.append((key, entry.link, entry.guid, entry.updated, revised))
        elif key not in new:
            new[key] = {
                "feed_url": feed_url, "entry_key": key, "guid": entry.guid, "link": entry.link, "title": entry.title,
                "summary": entry.summary, "published": entry.published, "updated": entry.updated,
                "first_seen_at": now, "last_seen_at": now, "status": "pending", "attempts": 0,
            }
    if new:
        insert_rows(con, "feed_entries", list(next(iter(new.values()))), list(new.values()), _ENTRY_TYPES)
    if seen:  # one UPDATE ... FROM for all of them: 10,000 single-row UPDATEs took 27 s under the write lock
        by_key = {key: (key, link, guid, updated, revised) for key, link, guid, updated, revised in seen}
        _update_from(con, "seen_entries", list(by_key.values()), _SEEN_SCHEMA, """
            UPDATE feed_entries SET last_seen_at = ?, link = s.link, guid = coalesce(s.guid, feed_entries.guid),
                updated = coalesce(s.updated, feed_entries.updated),
                status = CASE WHEN s.revised THEN 'pending' ELSE feed_entries.status END,
                attempts = CASE WHEN s.revised THEN 0 ELSE feed_entries.attempts END
            FROM seen_entries s WHERE feed_entries.feed_url = ? AND feed_entries.entry_key = s.entry_key
            """, [now, feed_url])
    con.execute(
        "UPDATE feed_status SET entries_seen = (SELECT count(*) FROM feed_entries WHERE feed_url = ?) WHERE url = ?",
        [feed_url, feed_url],
    )
    return len(new)


def feeds_with_pending(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[str]:
    """Which of these feeds have entries whose page is still to be fetched (one query for all)."""
    rows = con.execute(
        "SELECT DISTINCT feed_url FROM feed_entries WHERE status IN ('pending', 'failed')"
        " AND feed_url IN (SELECT unnest(?::VARCHAR[]))",
        [urls],
    ).fetchall()
    return {url for (url,) in rows}


def pending_entries(con: duckdb.DuckDBPyConnection, feed_url: str) -> list[PendingEntry]:
    """Entries whose page is still to be fetched: new, updated, or failed fewer than MAX_PAGE_ATTEMPTS times."""
    rows = con.execute(
        "SELECT entry_key, link, title, summary, published, attempts FROM feed_entries"
        " WHERE feed_url = ? AND status IN ('pending', 'failed') ORDER BY first_seen_at, entry_key",
        [feed_url],
    ).fetchall()
    return [PendingEntry(*row) for row in rows]


def record_outcomes(con: duckdb.DuckDBPyConnection, feed_url: str, outcomes: list[EntryOutcome]) -> None:
    """What became of each fetched entry: stored, failed (retried next poll) or given up."""
    if not outcomes:
        return
    rows = {o.entry_key: (o.entry_key, o.error, o.article_url, o.stored, o.final) for o in outcomes}
    _update_from(con, "entry_outcomes", list(rows.values()), _OUTCOME_SCHEMA, """
        UPDATE feed_entries SET attempts = feed_entries.attempts + 1, last_error = o.error,
            article_url = coalesce(o.article_url, feed_entries.article_url),
            status = CASE WHEN o.stored THEN 'stored' WHEN o.final OR feed_entries.attempts + 1 >= ? THEN 'gave_up'
                          ELSE 'failed' END
        FROM entry_outcomes o WHERE feed_entries.feed_url = ? AND feed_entries.entry_key = o.entry_key
        """, [MAX_PAGE_ATTEMPTS, feed_url])


_SEEN_SCHEMA = pa.schema([("entry_key", pa.string()), ("link", pa.string()), ("guid", pa.string()),
                          ("updated", _TIMESTAMP), ("revised", pa.bool_())])
_OUTCOME_SCHEMA = pa.schema([("entry_key", pa.string()), ("error", pa.string()), ("article_url", pa.string()),
                             ("stored", pa.bool_()), ("final", pa.bool_())])


def _update_from(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple], schema: pa.Schema, sql: str,
                 params: list) -> None:
    """Run one `UPDATE ... FROM name` over `rows`, handed to DuckDB as an Arrow table."""
    columns = list(zip(*rows))
    con.register(name, pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema))
    con.execute(sql, params)
    con.unregister(name)


@dataclass(frozen=True)
class FeedHealth:
    """What `newsmon feeds list` shows of a feed's polls."""

    last_polled_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_status: int | None
    last_error: str | None
    consecutive_failures: int
    next_poll_at: dt.datetime | None
    entries_seen: int | None


def feed_health(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, FeedHealth]:
    """The poll state of these feeds (one query); a feed never polled is not in the result."""
    rows = con.execute(
        "SELECT url, last_polled_at, last_success_at, last_status, last_error, consecutive_failures, next_poll_at,"
        " entries_seen FROM feed_status WHERE url IN (SELECT unnest(?::VARCHAR[]))",
        [urls],
    ).fetchall()
    return {url: FeedHealth(*rest) for url, *rest in rows}
