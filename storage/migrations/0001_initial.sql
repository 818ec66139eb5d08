-- Articles, ingest runs and inputs that were skipped, with the reason.
-- Relationships (articles.duplicate_of -> articles.id, *.run_id -> ingest_runs.id) are
-- documented rather than declared: DuckDB foreign keys block later updates of the parent.

CREATE TABLE ingest_runs (
    id               VARCHAR PRIMARY KEY,      -- the Prefect flow run id
    flow             VARCHAR NOT NULL,         -- 'backfill', 'poll_feeds', ...
    inputs           VARCHAR[],                -- paths or URLs the run was given
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,              -- NULL while running, or if the run died
    status           VARCHAR NOT NULL,         -- running | completed | failed
    files_seen       INTEGER DEFAULT 0,
    articles_stored  INTEGER DEFAULT 0,        -- new articles, duplicates not counted
    duplicates       INTEGER DEFAULT 0,        -- stored with duplicate_of set
    unchanged        INTEGER DEFAULT 0,        -- already in the database from an earlier run
    skipped          INTEGER DEFAULT 0,        -- rows in skipped_inputs for this run
    error            VARCHAR
);

CREATE TABLE articles (
    id                    BIGINT PRIMARY KEY,
    source                VARCHAR NOT NULL,    -- absolute file path or URL
    format                VARCHAR NOT NULL,    -- 'text' | 'html'
    encoding              VARCHAR,             -- how the bytes were decoded
    raw_hash              VARCHAR NOT NULL,    -- sha256 of the bytes read
    raw_size              BIGINT NOT NULL,     -- bytes read
    content_hash          VARCHAR NOT NULL,    -- sha256 of the normalized body
    title                 VARCHAR,
    published             DATE,
    published_precision   VARCHAR,             -- day | month | year
    author                VARCHAR,
    outlet                VARCHAR,
    language              VARCHAR,             -- ISO 639-1
    language_probability  DOUBLE,
    text                  VARCHAR NOT NULL,    -- cleaned body
    duplicate_of          BIGINT,              -- first article with the same content_hash
    ingested_at           TIMESTAMPTZ NOT NULL,
    run_id                VARCHAR NOT NULL,
    UNIQUE (source, content_hash)
);

CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_source ON articles (source);

CREATE TABLE skipped_inputs (
    source       VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL
);
