-- Hand-written SQL of PayBonus (ADR 0017): named statements, read through Sql.Named.

-- name: Check
SELECT j.currency FROM jobs j
WHERE j.id = $1 AND j.organisation_id = $2
  AND EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.worker_id = $3 AND a.status = 'Submitted')
