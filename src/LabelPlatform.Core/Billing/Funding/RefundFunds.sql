-- Hand-written SQL of RefundFunds (ADR 0017): named statements, read through Sql.Named.

-- name: Refundable
SELECT coalesce((SELECT balance FROM ledger_accounts WHERE id = md5('ResearcherFunds:' || $1::text || ':' || $2)::uuid), 0),
       coalesce((SELECT sum(amount - refunded) FROM checkout_sessions
                 WHERE organisation_id = $1::uuid AND currency = $2 AND status = 'Completed' AND payment_intent IS NOT NULL), 0)::bigint

-- name: Sessions
SELECT id, payment_intent, amount - refunded FROM checkout_sessions
WHERE organisation_id = $1 AND currency = $2 AND status = 'Completed' AND payment_intent IS NOT NULL AND amount > refunded
ORDER BY completed_at DESC, id
FOR UPDATE

-- name: Insert
INSERT INTO refunds (id, request_id, organisation_id, checkout_session_id, payment_intent, amount, currency, status, requested_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'Pending', $8, $9, $9)

-- name: Refunded
UPDATE checkout_sessions SET refunded = refunded + $2 WHERE id = $1

-- name: Claim
SELECT id, organisation_id, checkout_session_id, payment_intent, amount, currency, created_at FROM refunds
WHERE status = 'Pending' AND ($1::uuid IS NULL OR request_id = $1) AND NOT (id = ANY($2))
ORDER BY created_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED

-- name: Succeeded
UPDATE refunds SET status = 'Succeeded', stripe_refund_id = $2, failure_reason = NULL, updated_at = $3 WHERE id = $1

-- name: Wait
UPDATE refunds SET failure_reason = $2, updated_at = $3 WHERE id = $1

-- name: RequestExists
SELECT EXISTS (SELECT 1 FROM refunds WHERE request_id = $1)

-- name: RequestSums
SELECT coalesce(sum(amount) FILTER (WHERE status = 'Succeeded'), 0)::bigint, coalesce(sum(amount) FILTER (WHERE status = 'Pending'), 0)::bigint, count(*)::int FROM refunds WHERE request_id = $1

-- name: Fail
UPDATE refunds SET status = 'Failed', failure_reason = $2, updated_at = $3
WHERE id = $1 AND status <> 'Failed'
RETURNING organisation_id, checkout_session_id, amount, currency
