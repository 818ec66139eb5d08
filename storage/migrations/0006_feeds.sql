-- Feed polling: the state of each feed (validators for conditional GET, failures and backoff) and every
-- entry seen, with what became of its page. feed_entries.article_id -> articles.id.

CREATE TABLE feed_status (
    url                   VARCHAR PRIMARY KEY,   -- the feed URL as configured
    name                  VARCHAR NOT NULL,
    etag                  VARCHAR,               -- validators sent back on the next poll
    last_modified         VARCHAR,
    last_polled_at        TIMESTAMPTZ,
    last_success_at       TIMESTAMPTZ,
    last_status           INTEGER,               -- HTTP status of the last poll (NULL: no response)
    last_error            VARCHAR,               -- why the last poll failed; NULL after a success
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    next_poll_at          TIMESTAMPTZ,           -- not polled by a scheduled run before this (interval, backoff)
    entries_seen          INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE feed_entries (
    feed_url       VARCHAR NOT NULL,
    entry_key      VARCHAR NOT NULL,             -- canonical URL of the entry's link (tracking parameters removed)
    guid           VARCHAR,
    link           VARCHAR NOT NULL,             -- the link as the feed gave it last
    title          VARCHAR,
    summary        VARCHAR,                      -- the feed's own text, kept even when the page fails
    published      TIMESTAMPTZ,
    updated        TIMESTAMPTZ,                  -- a newer value makes the next poll fetch the page again
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    status         VARCHAR NOT NULL,             -- pending | stored | failed | gave_up
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     VARCHAR,
    article_url    VARCHAR,                      -- canonical URL of the page fetched (articles.source)
    PRIMARY KEY (feed_url, entry_key)
);
CREATE INDEX feed_entries_guid ON feed_entries (feed_url, guid);
