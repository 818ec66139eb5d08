-- Claims (figures placed in context), the alerts raised when claims conflict, and alert deliveries.
-- claims.article_id -> articles.id; alerts.*_claim_id -> claims.id; alert_deliveries.alert_id -> alerts.id.

CREATE TABLE claims (
    id               BIGINT PRIMARY KEY,
    article_id       BIGINT NOT NULL,
    figure_position  INTEGER NOT NULL,   -- figures.position of the figure it comes from
    subject          VARCHAR,            -- north_korea, russia ... (NULL: not found)
    measure          VARCHAR NOT NULL,   -- troops, officers, artillery_shells ...
    scope            VARCHAR,            -- a place (kursk, russia ...); NULL: the text names none
    rate             VARCHAR NOT NULL,   -- total | year | month | week | day
    key              VARCHAR NOT NULL,   -- subject/measure/scope/rate, for reading
    value            DOUBLE NOT NULL,
    low              DOUBLE,
    high             DOUBLE,
    vague            BOOLEAN NOT NULL,
    text             VARCHAR NOT NULL,
    sentence         VARCHAR NOT NULL,
    actor            VARCHAR,            -- who says it, normalized: ukraine, south_korea, united_states ...
    attribution      VARCHAR,            -- the phrase as written
    claim_date       DATE,               -- the date the sentence names, else the article's
    compared         BOOLEAN NOT NULL DEFAULT false,  -- compared with every stored claim of its key
    UNIQUE (article_id, figure_position)
);
CREATE INDEX claims_lookup ON claims (measure, subject, rate);

CREATE TABLE alerts (
    id                 BIGINT PRIMARY KEY,
    kind               VARCHAR NOT NULL,  -- contradiction | revision
    severity           VARCHAR NOT NULL,  -- high | medium | low
    key                VARCHAR NOT NULL,
    new_claim_id       BIGINT NOT NULL,   -- the newer claim (by claim date, then id)
    previous_claim_id  BIGINT NOT NULL,   -- the older one
    explanation        VARCHAR NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    run_id             VARCHAR NOT NULL,
    UNIQUE (new_claim_id, previous_claim_id)
);

CREATE TABLE alert_deliveries (
    alert_id      BIGINT NOT NULL,
    target        VARCHAR NOT NULL,   -- webhook URL
    status        VARCHAR NOT NULL,   -- delivered | failed
    attempts      INTEGER NOT NULL,
    error         VARCHAR,
    recorded_at   TIMESTAMPTZ NOT NULL
);

CREATE VIEW claims_view AS
SELECT c.id AS claim_id, c.key, c.subject, c.measure, c.scope, c.rate, c.value, c.low, c.high, c.vague,
       c.text, c.sentence, c.actor, c.attribution, c.claim_date,
       a.id AS article_id, a.source AS article, a.outlet, a.published, a.title, a.language
FROM claims c JOIN articles a ON a.id = c.article_id;

CREATE VIEW alerts_view AS
SELECT al.id AS alert_id, al.kind, al.severity, al.key, al.explanation, al.created_at, al.run_id,
       n.value AS new_value, n.low AS new_low, n.high AS new_high, n.text AS new_text, n.actor AS new_source,
       n.claim_date AS new_date, n.outlet AS new_outlet, n.article AS new_article,
       p.value AS previous_value, p.low AS previous_low, p.high AS previous_high, p.text AS previous_text,
       p.actor AS previous_source, p.claim_date AS previous_date, p.outlet AS previous_outlet, p.article AS previous_article
FROM alerts al
JOIN claims_view n ON n.claim_id = al.new_claim_id
JOIN claims_view p ON p.claim_id = al.previous_claim_id;

CREATE VIEW claim_timeline AS
SELECT key, claim_date, value, low, high, vague, text, actor, outlet, article,
       min(value) OVER w AS running_min, max(value) OVER w AS running_max, count(*) OVER w AS claims_so_far
FROM claims_view
WINDOW w AS (PARTITION BY key ORDER BY claim_date NULLS FIRST, claim_id ROWS UNBOUNDED PRECEDING);

-- Pairs of claims with the same key from different articles whose intervals agree, and not from copies
-- of one text: what corroborates what.
CREATE VIEW corroborations_view AS
SELECT coalesce(a.scope, b.scope) IS NULL AS unscoped, a.key, a.claim_id AS claim_id, b.claim_id AS corroborated_by, a.text, b.text AS other_text,
       a.actor, b.actor AS other_actor, a.outlet, b.outlet AS other_outlet
FROM claims_view a
JOIN claims_view b ON a.subject = b.subject AND a.measure = b.measure AND a.rate = b.rate
     AND (a.scope = b.scope OR a.scope IS NULL OR b.scope IS NULL)  -- no place stated: the whole theatre
     AND a.claim_id < b.claim_id AND a.article_id <> b.article_id
JOIN articles aa ON aa.id = a.article_id
JOIN articles ab ON ab.id = b.article_id
WHERE coalesce(aa.duplicate_of, aa.id) <> coalesce(ab.duplicate_of, ab.id)
  AND NOT a.vague AND NOT b.vague
  AND (a.low IS NULL OR b.value >= a.low) AND (a.high IS NULL OR b.value <= a.high)
  AND (b.low IS NULL OR a.value >= b.low) AND (b.high IS NULL OR a.value <= b.high);
