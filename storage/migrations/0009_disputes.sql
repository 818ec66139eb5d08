-- Claims get a modality (count | plan | increment | subset) and the start of the period they cover;
-- contradicting claims of one key form a dispute: each source's latest claim in it, and whether an
-- analyst dismissed it. alerts.dispute_id -> disputes.id; dispute_members.claim_id -> claims.id.

ALTER TABLE claims ADD COLUMN modality VARCHAR DEFAULT 'count';
ALTER TABLE claims ADD COLUMN period_start DATE;
UPDATE claims SET modality = 'count' WHERE modality IS NULL;
ALTER TABLE claim_heads ADD COLUMN modality VARCHAR DEFAULT 'count';
UPDATE claim_heads SET modality = 'count' WHERE modality IS NULL;

CREATE OR REPLACE VIEW claim_sources AS
SELECT c.*,
       coalesce(st.story_id, a.duplicate_of, a.id) AS story,
       coalesce(v.first_id, a.id) AS document,
       a.outlet,
       coalesce('actor:' || c.actor, 'outlet:' || a.outlet, 'story:' || coalesce(st.story_id, a.duplicate_of, a.id)) AS voice
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN stories st ON st.article_id = a.id
LEFT JOIN article_versions v ON v.article_id = a.id;

CREATE OR REPLACE VIEW claims_view AS
SELECT c.id AS claim_id, c.key, c.subject, c.measure, c.scope, c.rate, c.value, c.low, c.high, c.vague,
       c.text, c.sentence, c.actor, c.attribution, c.claim_date, c.modality, c.period_start,
       a.id AS article_id, a.source AS article, a.outlet, a.published, a.title, a.language
FROM claims c JOIN articles a ON a.id = c.article_id;

CREATE TABLE disputes (
    id            BIGINT NOT NULL,
    key           VARCHAR NOT NULL,   -- the claim key the members share
    status        VARCHAR NOT NULL,   -- open | dismissed
    opened_at     TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    first_date    DATE,               -- earliest and latest as-of date of its members
    last_date     DATE,
    note          VARCHAR             -- why an analyst dismissed it
);

CREATE TABLE dispute_members (
    dispute_id  BIGINT NOT NULL,
    voice       VARCHAR NOT NULL,     -- actor:who | outlet:Reuters | story:12: one source
    claim_id    BIGINT NOT NULL,      -- that source's latest claim in the dispute
    low         DOUBLE,
    high        DOUBLE,
    joined_at   TIMESTAMPTZ NOT NULL
);

ALTER TABLE alerts ADD COLUMN dispute_id BIGINT;
-- The claims an alert names: the new one and every source's claim it conflicts with.
ALTER TABLE alerts ADD COLUMN claim_ids BIGINT[];
