-- Who says a claim, and the latest claim of each such voice per key. A new claim is compared with
-- the heads of its key (and with the copies of its own story), not with every claim ever stored:
-- comparison then costs the number of sources of a key, not the number of its claims.
-- claim_heads.claim_id -> claims.id.

-- A claim with its story (near-duplicates are one story), document (the versions of one URL or file),
-- outlet and voice: the actor it is attributed to, else the outlet, else its story (copies are one voice).
CREATE VIEW claim_sources AS
SELECT c.*,
       coalesce(st.story_id, a.duplicate_of, a.id) AS story,
       coalesce(v.first_id, a.id) AS document,
       a.outlet,
       coalesce('actor:' || c.actor, 'outlet:' || a.outlet, 'story:' || coalesce(st.story_id, a.duplicate_of, a.id)) AS voice
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN stories st ON st.article_id = a.id
LEFT JOIN article_versions v ON v.article_id = a.id;

CREATE TABLE claim_heads (
    measure     VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    rate        VARCHAR NOT NULL,
    scope       VARCHAR,             -- NULL: no place named
    vague       BOOLEAN NOT NULL,
    voice       VARCHAR NOT NULL,    -- actor:ukraine | outlet:Reuters | story:123
    claim_id    BIGINT NOT NULL,     -- the voice's latest claim (by claim date, then id)
    claim_date  DATE
);
CREATE INDEX claim_heads_lookup ON claim_heads (measure, subject, rate);

INSERT INTO claim_heads
SELECT measure, subject, rate, scope, vague, voice, id, claim_date
FROM claim_sources
WHERE compared AND subject IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY measure, subject, rate, scope, vague, voice ORDER BY claim_date DESC NULLS LAST, id DESC
) = 1;
