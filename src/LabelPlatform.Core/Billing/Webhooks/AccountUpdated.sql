-- Hand-written SQL of AccountUpdated (ADR 0017): named statements, read through Sql.Named.

-- name: Update
UPDATE payout_accounts SET payouts_enabled = $2, requirements = $3, updated_at = $4, stripe_state_at = $5
WHERE stripe_account_id = $1 AND (stripe_state_at IS NULL OR stripe_state_at <= $5)
