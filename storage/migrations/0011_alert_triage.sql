-- Analysts triage alerts: acknowledge one (seen; its dispute stays open) or dismiss it with a reason (its
-- dispute is dismissed and stays quiet until a new source joins it). Append-only: an alert's latest row
-- is its state. alert_triage.alert_id -> alerts.id.

CREATE TABLE alert_triage (
    alert_id    BIGINT NOT NULL,
    action      VARCHAR NOT NULL,     -- acknowledged | dismissed
    reason      VARCHAR,              -- why it was dismissed
    triaged_at  TIMESTAMPTZ NOT NULL
);

-- Each alert with its triage state: new (never triaged), acknowledged or dismissed, and the dispute's status.
CREATE VIEW alert_states AS
SELECT a.id AS alert_id, a.kind, a.severity, a.key, a.dispute_id, a.explanation, a.created_at,
       coalesce(t.action, 'new') AS state, t.reason, t.triaged_at, d.status AS dispute_status
FROM alerts a
LEFT JOIN (
    SELECT alert_id, action, reason, triaged_at FROM alert_triage
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY triaged_at DESC) = 1
) t ON t.alert_id = a.id
LEFT JOIN disputes d ON d.id = a.dispute_id;
