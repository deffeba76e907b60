-- Hand-written SQL of SettlePayouts (ADR 0017): named statements, read through Sql.Named.

-- name: Start
WITH due AS (
    SELECT a.id AS payable_id, a.owner AS worker_id, a.currency, a.balance AS amount, p.stripe_account_id
    FROM ledger_accounts a JOIN payout_accounts p ON p.worker_id = a.owner AND p.payouts_enabled
    WHERE a.kind = 'WorkerPayable' AND a.balance >= $1
      AND NOT EXISTS (SELECT 1 FROM ledger_accounts t WHERE t.id = md5('PayoutsInTransit:' || a.owner || ':' || a.currency)::uuid AND t.balance > 0)
    ORDER BY a.id
    LIMIT $3
    FOR UPDATE OF a SKIP LOCKED
), started AS (
    INSERT INTO payouts (id, worker_id, stripe_account_id, currency, amount, status, idempotency_key, amount_reversed, attempts, created_at, updated_at)
    SELECT p.id, d.worker_id, d.stripe_account_id, d.currency, d.amount, 'Pending', 'payout:' || p.id::text, 0, 0, $2, $2
    FROM due d CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) p
    ON CONFLICT DO NOTHING
    RETURNING id, worker_id, currency, amount
), transit AS (
    INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
    SELECT md5('PayoutsInTransit:' || worker_id || ':' || currency)::uuid, 'PayoutsInTransit', worker_id, currency, 0, $2 FROM started
    ON CONFLICT DO NOTHING
), txs AS (
    INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, worker_id, payout_id, memo, created_at)
    SELECT gen_random_uuid(), 'payout:' || id::text, 'PayoutStarted', currency, worker_id, id, '', $2 FROM started
    RETURNING id, payout_id
)
INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
SELECT t.id, e.account, e.amount, s.currency
FROM txs t JOIN started s ON s.id = t.payout_id
CROSS JOIN LATERAL (VALUES
    (md5('WorkerPayable:' || s.worker_id || ':' || s.currency)::uuid, -s.amount),
    (md5('PayoutsInTransit:' || s.worker_id || ':' || s.currency)::uuid, s.amount)) AS e(account, amount)

-- name: Claim
SELECT id, worker_id, stripe_account_id, currency, amount, idempotency_key, attempts, created_at FROM payouts
WHERE status = 'Pending' AND NOT (id = ANY($1)) AND NOT (updated_at >= $2 AND updated_at > created_at)
ORDER BY created_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED

-- name: Paid
UPDATE payouts SET status = 'Paid', stripe_transfer_id = $2, sent_at = $3, updated_at = $3, attempts = attempts + 1, failure_reason = NULL WHERE id = $1

-- name: Failed
UPDATE payouts SET status = 'Failed', failure_reason = $2, updated_at = $3, attempts = attempts + 1 WHERE id = $1

-- name: RetryLater
UPDATE payouts SET failure_reason = $2, updated_at = $3, attempts = attempts + $4 WHERE id = $1

-- name: Wait
UPDATE payouts SET failure_reason = $2, updated_at = $3 WHERE id = $1

-- name: CountPending
SELECT count(*)::int FROM payouts WHERE status = 'Pending'
