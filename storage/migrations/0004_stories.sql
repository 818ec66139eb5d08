-- Near-duplicate detection: MinHash signatures, LSH band keys indexed for lookup, and the story each
-- article belongs to (near-duplicates join the story of its earliest member).
-- fingerprints.article_id, lsh_bands.article_id, stories.article_id -> articles.id.
-- Articles stored before this migration have no rows here; their story is their own (or their original's).

CREATE TABLE fingerprints (
    article_id  BIGINT PRIMARY KEY,
    signature   UINTEGER[] NOT NULL      -- 128 MinHash values over 3-word shingles of the cleaned body
);

CREATE TABLE lsh_bands (
    band        SMALLINT NOT NULL,       -- 0..31
    key         BIGINT NOT NULL,         -- hash of the band's 4 signature values
    article_id  BIGINT NOT NULL
);
CREATE INDEX lsh_bands_lookup ON lsh_bands (band, key);

CREATE TABLE stories (
    article_id  BIGINT PRIMARY KEY,
    story_id    BIGINT NOT NULL,         -- articles.id of the story's first member
    similarity  DOUBLE                   -- estimated Jaccard with the member that placed it; NULL for a first member
);

CREATE VIEW stories_view AS
SELECT s.story_id, min(a.published) AS first_published, min(a.ingested_at) AS first_seen,
       list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
       count(*) AS members, list(DISTINCT a.language ORDER BY a.language) AS languages,
       arg_min(a.title, a.id) AS title
FROM stories s JOIN articles a ON a.id = s.article_id
GROUP BY s.story_id;

-- Corroboration counts stories, not articles: near-duplicates are one source.
CREATE OR REPLACE VIEW corroborations_view AS
SELECT coalesce(a.scope, b.scope) IS NULL AS unscoped, a.key, a.claim_id AS claim_id, b.claim_id AS corroborated_by,
       a.text, b.text AS other_text, a.actor, b.actor AS other_actor, a.outlet, b.outlet AS other_outlet
FROM claims_view a
JOIN claims_view b ON a.subject = b.subject AND a.measure = b.measure AND a.rate = b.rate
     AND (a.scope = b.scope OR a.scope IS NULL OR b.scope IS NULL)  -- no place stated: the whole theatre
     AND a.claim_id < b.claim_id AND a.article_id <> b.article_id
JOIN articles aa ON aa.id = a.article_id
JOIN articles ab ON ab.id = b.article_id
LEFT JOIN stories sa ON sa.article_id = aa.id
LEFT JOIN stories sb ON sb.article_id = ab.id
WHERE coalesce(sa.story_id, aa.duplicate_of, aa.id) <> coalesce(sb.story_id, ab.duplicate_of, ab.id)
  AND NOT a.vague AND NOT b.vague
  AND (a.low IS NULL OR b.value >= a.low) AND (a.high IS NULL OR b.value <= a.high)
  AND (b.low IS NULL OR a.value >= b.low) AND (b.high IS NULL OR a.value <= b.high);
