-- Hand-written SQL of WorkDrafts (ADR 0017): named statements, read through Sql.Named.

-- name: Save
INSERT INTO drafts (assignment_id, worker_id, answer, saved_at)
SELECT a.id, a.worker_id, $3::jsonb, $5 FROM assignments a
WHERE a.id = $1 AND a.worker_id = $2 AND a.status = 'Leased' AND a.lease_expires_at > $4
ON CONFLICT (assignment_id) DO UPDATE SET answer = excluded.answer, saved_at = excluded.saved_at
WHERE drafts.saved_at <= excluded.saved_at
RETURNING saved_at

-- name: Load
SELECT d.answer::text, d.saved_at FROM drafts d JOIN assignments a ON a.id = d.assignment_id
WHERE d.assignment_id = $1 AND a.worker_id = $2 AND a.status = 'Leased' AND a.lease_expires_at > $3
