-- Tables that grow with every batch (articles, figures, claims, fingerprints, stories, lsh_bands,
-- alerts) carry no key constraint and no index. DuckDB rewrites the last row group (up to 122,880 rows,
-- every column, article bodies included) of a table that has an index or key at every checkpoint, i.e.
-- at the end of every batch's connection: a batch's commit cost grew with the file (0.27 s at 10,000
-- articles, 2.8 s at 100,000). Without them an insert appends a row group and the checkpoint writes
-- only what is new. The single writer keeps ids and the unique pairs unique ((source, content_hash),
-- (article_id, position), (new_claim_id, previous_claim_id) are checked before insert; tests cover it).
-- Lookups by id stay cheap: ids grow with insertion order, so each row group's min/max skips the rest.
-- The dropped indexes were never used by the joins that read these tables.

DROP INDEX articles_content_hash;
DROP INDEX articles_source;
CREATE TABLE articles_0008 (
    id                    BIGINT NOT NULL,
    source                VARCHAR NOT NULL,
    format                VARCHAR NOT NULL,
    encoding              VARCHAR,
    raw_hash              VARCHAR NOT NULL,
    raw_size              BIGINT NOT NULL,
    content_hash          VARCHAR NOT NULL,
    title                 VARCHAR,
    published             DATE,
    published_precision   VARCHAR,
    author                VARCHAR,
    outlet                VARCHAR,
    language              VARCHAR,
    language_probability  DOUBLE,
    text                  VARCHAR NOT NULL,
    duplicate_of          BIGINT,
    ingested_at           TIMESTAMPTZ NOT NULL,
    run_id                VARCHAR NOT NULL
);
INSERT INTO articles_0008 SELECT * FROM articles ORDER BY id;
DROP TABLE articles;
ALTER TABLE articles_0008 RENAME TO articles;

DROP INDEX figures_measure;
CREATE TABLE figures_0008 (
    article_id    BIGINT NOT NULL,
    position      INTEGER NOT NULL,
    value         DOUBLE NOT NULL,
    low           DOUBLE,
    high          DOUBLE,
    vague         BOOLEAN NOT NULL,
    qualifier     VARCHAR,
    text          VARCHAR NOT NULL,
    start_offset  INTEGER NOT NULL,
    end_offset    INTEGER NOT NULL,
    sentence      VARCHAR NOT NULL,
    noun          VARCHAR,
    measure       VARCHAR,
    unit          VARCHAR,
    rate          VARCHAR,
    part_of       VARCHAR,
    attribution   VARCHAR,
    date_hint     VARCHAR
);
INSERT INTO figures_0008 SELECT * FROM figures ORDER BY article_id, position;
DROP TABLE figures;
ALTER TABLE figures_0008 RENAME TO figures;

DROP INDEX claims_lookup;
CREATE TABLE claims_0008 (
    id               BIGINT NOT NULL,
    article_id       BIGINT NOT NULL,
    figure_position  INTEGER NOT NULL,
    subject          VARCHAR,
    measure          VARCHAR NOT NULL,
    scope            VARCHAR,
    rate             VARCHAR NOT NULL,
    key              VARCHAR NOT NULL,
    value            DOUBLE NOT NULL,
    low              DOUBLE,
    high             DOUBLE,
    vague            BOOLEAN NOT NULL,
    text             VARCHAR NOT NULL,
    sentence         VARCHAR NOT NULL,
    actor            VARCHAR,
    attribution      VARCHAR,
    claim_date       DATE,
    compared         BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO claims_0008 SELECT * FROM claims ORDER BY id;
DROP TABLE claims;
ALTER TABLE claims_0008 RENAME TO claims;

CREATE TABLE fingerprints_0008 (article_id BIGINT NOT NULL, signature UINTEGER[] NOT NULL);
INSERT INTO fingerprints_0008 SELECT * FROM fingerprints ORDER BY article_id;
DROP TABLE fingerprints;
ALTER TABLE fingerprints_0008 RENAME TO fingerprints;

CREATE TABLE stories_0008 (article_id BIGINT NOT NULL, story_id BIGINT NOT NULL, similarity DOUBLE);
INSERT INTO stories_0008 SELECT * FROM stories ORDER BY article_id;
DROP TABLE stories;
ALTER TABLE stories_0008 RENAME TO stories;

DROP INDEX lsh_bands_lookup;

CREATE TABLE alerts_0008 (
    id                 BIGINT NOT NULL,
    kind               VARCHAR NOT NULL,
    severity           VARCHAR NOT NULL,
    key                VARCHAR NOT NULL,
    new_claim_id       BIGINT NOT NULL,
    previous_claim_id  BIGINT NOT NULL,
    explanation        VARCHAR NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    run_id             VARCHAR NOT NULL
);
INSERT INTO alerts_0008 SELECT * FROM alerts ORDER BY id;
DROP TABLE alerts;
ALTER TABLE alerts_0008 RENAME TO alerts;
