-- Digests (`--digest hourly|daily`): an alert's deliveries wait for the end of their period and go out as
-- one message per channel and period, listing the period's new disputes. The rows of one (channel,
-- digest) share one idempotency key, so a digest sent again after a crash can be dropped by its receiver.
ALTER TABLE deliveries ADD COLUMN digest VARCHAR;  -- NULL: a message of its own; 'hourly:2026-12-02T13' | 'daily:2026-12-02' (UTC)
