-- Hand-written SQL of RefundAndDisputeEvents (ADR 0017): named statements, read through Sql.Named.

-- name: Find
SELECT id FROM refunds WHERE stripe_refund_id = $1 OR id = $2 FOR UPDATE

-- name: Session
SELECT id, organisation_id, currency FROM checkout_sessions WHERE payment_intent = $1

-- name: Insert
INSERT INTO disputes (id, organisation_id, checkout_session_id, amount, currency, status, frozen, exposure, reason, created_at)
VALUES ($1, $2, $3, $4, $5, 'Open', 0, 0, $6, $7)
ON CONFLICT (id) DO NOTHING

-- name: Holdings
SELECT j.id, coalesce(a.balance, 0) FROM jobs j JOIN ledger_accounts a ON a.id = md5('JobEscrow:' || j.id::text || ':' || $2)::uuid
WHERE j.organisation_id = $1 AND a.balance > 0
ORDER BY a.balance DESC, j.id

-- name: Funds
SELECT coalesce((SELECT balance FROM ledger_accounts WHERE id = md5('ResearcherFunds:' || $1::text || ':' || $2)::uuid), 0)

-- name: Frozen
UPDATE disputes SET frozen = $2, exposure = $3 WHERE id = $1

-- name: Close
UPDATE disputes SET status = $2, closed_at = $3 WHERE id = $1 AND status = 'Open'
RETURNING organisation_id, currency, frozen, exposure
