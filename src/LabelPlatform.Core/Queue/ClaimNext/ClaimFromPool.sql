-- Hand-written SQL of ClaimFromPool (ADR 0017): named statements, read through Sql.Named.

-- name: OpenJobs
SELECT j.id, j.priority, held.id IS NOT NULL AS held FROM jobs j
LEFT JOIN LATERAL (
    SELECT a.id FROM assignments a
    WHERE a.job_id = j.id AND a.worker_id = $1 AND a.status = 'Leased' AND a.lease_expires_at > $2
    LIMIT 1
) held ON true
WHERE j.status = 'Running'
  AND NOT EXISTS (SELECT 1 FROM worker_job_quality q WHERE q.job_id = j.id AND q.worker_id = $1 AND q.blocked_at IS NOT NULL)
  AND (held.id IS NOT NULL OR EXISTS (SELECT 1 FROM items i WHERE i.job_id = j.id AND i.remaining_slots > 0))
