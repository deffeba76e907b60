-- Hand-written SQL of Reconciliation (ADR 0017): named statements, read through Sql.Named.

-- name: Trial
SELECT currency, sum(amount)::bigint FROM ledger_entries GROUP BY currency ORDER BY currency

-- name: Mismatch
SELECT count(*)::int FROM ledger_accounts a
WHERE a.balance IS NOT NULL AND a.balance <> (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)

-- name: Payouts
SELECT id, stripe_transfer_id, amount, amount_reversed, status, currency FROM payouts
WHERE created_at >= $1 AND status <> 'Failed'
