-- Hand-written SQL of GoldDraw (ADR 0017): named statements, read through Sql.Named.

-- name: Relevant
SELECT EXISTS (SELECT 1 FROM items WHERE job_id = $1 AND gold_answer IS NOT NULL)
    OR EXISTS (SELECT 1 FROM worker_job_quality WHERE job_id = $1 AND blocked_at IS NOT NULL)
