-- Hand-written SQL of CheckoutCompleted (ADR 0017): named statements, read through Sql.Named.

-- name: Complete
UPDATE checkout_sessions SET status = 'Completed', completed_at = $2, payment_intent = $3
WHERE id = $1 AND status <> 'Completed'
RETURNING organisation_id, amount, currency
