-- Hand-written SQL of LedgerWriter (ADR 0017): named statements, read through Sql.Named.

-- name: EnsureAndLock
WITH wanted AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[]) AS t(id, kind, owner, tracked)
), created AS (
    INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
    SELECT id, kind, owner, $5, CASE WHEN tracked THEN 0 END, $6 FROM wanted
    ON CONFLICT DO NOTHING
)
SELECT id, balance FROM ledger_accounts
WHERE id IN (SELECT id FROM wanted WHERE tracked)
-- The lock order of tracked kinds; every path that locks more than one account follows it.
ORDER BY array_position(ARRAY['JobEscrow','ResearcherFunds','WorkerPayable','PayoutsInTransit','DisputeHold'], kind::text), id
FOR UPDATE

-- name: Exists
SELECT EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = $1)

-- name: Insert
WITH tx AS (
    INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, worker_id, assignment_id, payout_id, memo, created_by, created_at)
    VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
)
INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
SELECT tx.id, e.account, e.amount, $3 FROM tx, unnest($12::uuid[], $13::bigint[]) AS e(account, amount)
