-- Runs know their process, so a later run can tell a run that died (kill -9, a crash, a lock that never
-- came) from one still going and mark it `crashed`; alert delivery becomes an outbox.

ALTER TABLE ingest_runs ADD COLUMN pid INTEGER;   -- the process that ran it
ALTER TABLE ingest_runs ADD COLUMN host VARCHAR;  -- the machine it ran on (socket.gethostname())
-- Runs still `running` from before this migration have no process to check: whatever ran them is an
-- older newsmon that stopped without closing them.
UPDATE ingest_runs SET status = 'crashed', error = coalesce(error, 'the run stopped without finishing (found by a later run)')
WHERE status = 'running';

-- One row per (alert, channel): written `pending` in the transaction that stores the alert, then sent by
-- the run's delivery thread after the batch is stored, retried with backoff by later runs until
-- `delivered` or `gave_up`. Each attempt is also logged in alert_deliveries.
CREATE TABLE deliveries (
    alert_id         BIGINT NOT NULL,       -- alerts.id
    channel          VARCHAR NOT NULL,      -- kind:target, e.g. 'webhook:https://hooks.example.org/x'
    idempotency_key  VARCHAR NOT NULL,      -- sent as the Idempotency-Key header on every attempt
    status           VARCHAR NOT NULL,      -- pending | delivered | gave_up
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,  -- not sent before
    last_error       VARCHAR,
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ
);
