-- Hand-written SQL of ExtendLease (ADR 0017): named statements, read through Sql.Named.

-- name: Extend
UPDATE assignments a
SET lease_expires_at = $3 + make_interval(mins => j.lease_minutes)
FROM jobs j
WHERE a.id = $1 AND a.worker_id = $2 AND a.status = 'Leased' AND a.lease_expires_at > $3 AND j.id = a.job_id
RETURNING a.lease_expires_at

-- name: Mine
SELECT 1 FROM assignments WHERE id = $1 AND worker_id = $2
