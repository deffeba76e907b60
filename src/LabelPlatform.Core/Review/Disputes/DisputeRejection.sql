-- Hand-written SQL of DisputeRejection (ADR 0017): named statements, read through Sql.Named.

-- name: Reject
WITH target AS (
    SELECT id FROM assignments WHERE id = $1 AND worker_id = $2 AND review_state = 'Rejected' FOR UPDATE
), dispute AS (
    INSERT INTO review_disputes (id, assignment_id, worker_id, note, created_at)
    SELECT $3, id, $2, $4, $5 FROM target
    ON CONFLICT (assignment_id) DO NOTHING
    RETURNING assignment_id
)
UPDATE assignments SET review_state = 'Disputed', review_batch_id = NULL
FROM dispute WHERE assignments.id = dispute.assignment_id
RETURNING assignments.job_id
