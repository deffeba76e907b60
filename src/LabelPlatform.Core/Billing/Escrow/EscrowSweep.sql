-- Hand-written SQL of EscrowSweep (ADR 0017): named statements, read through Sql.Named.

-- name: Jobs
SELECT j.id, j.organisation_id, j.currency, j.price_per_answer + j.fee_per_answer, j.status, e.balance
FROM jobs j JOIN ledger_accounts e ON e.id = md5('JobEscrow:' || j.id::text || ':' || j.currency)::uuid
WHERE (j.status IN ('Completed', 'Cancelled') AND e.balance > 0) OR j.status = 'Running'

-- name: Pause
UPDATE jobs SET status = 'Paused' WHERE id = $1 AND status = 'Running' RETURNING name
