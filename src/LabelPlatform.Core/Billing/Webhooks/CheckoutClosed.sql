-- Hand-written SQL of CheckoutClosed (ADR 0017): named statements, read through Sql.Named.

-- name: Close
UPDATE checkout_sessions SET status = $2, completed_at = $3 WHERE id = $1 AND status = 'Open'
