-- Hand-written SQL of GoldDraw (ADR 0017): named statements, read through Sql.Named.

-- name: Relevant
SELECT EXISTS (SELECT 1 FROM items WHERE job_id = $1 AND gold_answer IS NOT NULL)
    OR EXISTS (SELECT 1 FROM worker_job_quality WHERE job_id = $1 AND blocked_at IS NOT NULL)

-- name: State
SELECT j.quality_policy::text, coalesce(q.gold_answers, 0), q.blocked_at IS NOT NULL,
       EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.worker_id = $2 AND a.status = 'Leased' AND a.lease_expires_at > $3)
FROM jobs j LEFT JOIN worker_job_quality q ON q.job_id = j.id AND q.worker_id = $2
WHERE j.id = $1 AND j.status = 'Running'
