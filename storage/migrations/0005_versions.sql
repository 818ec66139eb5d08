-- Article revisions: a source (URL or file path) read again with a different body is a new version of
-- the same article. Each version is its own row in `articles` (its own figures and claims); this table
-- links the versions after the first. article_versions.{article_id,first_id,previous_id} -> articles.id.

CREATE TABLE article_versions (
    article_id   BIGINT PRIMARY KEY,     -- this version
    first_id     BIGINT NOT NULL,        -- the article's first version (which has no row here)
    previous_id  BIGINT NOT NULL,        -- the version it replaces
    version      INTEGER NOT NULL        -- 2 for the first revision, 3 for the next ...
);
CREATE INDEX article_versions_first ON article_versions (first_id);

-- The newest version of every article (exact duplicates included): what a reader sees today.
CREATE VIEW current_articles AS
SELECT a.*, coalesce(v.first_id, a.id) AS first_id, coalesce(v.version, 1) AS version
FROM articles a LEFT JOIN article_versions v ON v.article_id = a.id
WHERE NOT EXISTS (SELECT 1 FROM article_versions later WHERE later.previous_id = a.id);

-- Signatures now hash shingles with CRC32 (vectorised) instead of SHA-1: older signatures and band
-- keys can never match new ones, so they are dropped. Those articles keep their story.
DELETE FROM lsh_bands;
DELETE FROM fingerprints;
