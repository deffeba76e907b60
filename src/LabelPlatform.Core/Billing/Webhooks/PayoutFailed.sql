-- Hand-written SQL of PayoutFailed (ADR 0017): named statements, read through Sql.Named.

-- name: Note
WITH account AS (
    UPDATE payout_accounts SET requirements = $2, updated_at = $3 WHERE stripe_account_id = $1 RETURNING worker_id
)
UPDATE payouts SET failure_reason = $2, updated_at = $3
WHERE id = (SELECT p.id FROM payouts p JOIN account a ON a.worker_id = p.worker_id WHERE p.status = 'Paid' ORDER BY p.sent_at DESC LIMIT 1)
