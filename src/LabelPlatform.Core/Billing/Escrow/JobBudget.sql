-- Hand-written SQL of JobBudget (ADR 0017): named statements, read through Sql.Named.

-- name: Outstanding
SELECT
    (SELECT coalesce(sum(i.remaining_slots), 0) FROM items i WHERE i.job_id = $1 AND i.gold_answer IS NULL)::bigint,
    (SELECT count(*) FROM assignments a WHERE a.job_id = $1
        AND (a.status = 'Leased' OR (a.status = 'Submitted' AND a.review_state IN ('Pending', 'NeedsReview', 'Disputed'))))::bigint,
    EXISTS (SELECT 1 FROM items i WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL),
    (SELECT coalesce((j.quality_policy->>'GoldRate')::float8, 0) FROM jobs j WHERE j.id = $1)

-- name: HasEscrow
SELECT EXISTS (SELECT 1 FROM ledger_accounts WHERE id = $1)
