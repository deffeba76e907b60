-- Hand-written SQL of TransferReversed (ADR 0017): named statements, read through Sql.Named.

-- name: Payout
SELECT id, worker_id, currency, amount, status, amount_reversed FROM payouts
WHERE stripe_transfer_id = $1 OR id = $2
FOR UPDATE

-- name: Sent
UPDATE payouts SET status = 'Paid', stripe_transfer_id = $2, sent_at = $3, updated_at = $3 WHERE id = $1

-- name: Reversed
UPDATE payouts SET amount_reversed = $2, status = CASE WHEN $2 >= amount THEN 'Reversed' ELSE status END, updated_at = $3 WHERE id = $1
