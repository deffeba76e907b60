-- Hand-written SQL of DecideReviewBatch (ADR 0017): named statements, read through Sql.Named.

-- name: Batch
SELECT job_id, reviewer_id, status, lease_expires_at FROM review_batches WHERE id = $1 FOR UPDATE

-- name: Members
SELECT a.id, coalesce(a.review_state, 'NeedsReview'), a.gold_correct, a.review_state IN ('NeedsReview', 'Disputed')
FROM assignments a JOIN items i ON i.id = a.item_id
WHERE a.review_batch_id = $1 AND (i.gold_answer IS NULL OR a.gold_correct IS NOT NULL)
ORDER BY a.id
FOR UPDATE OF a

-- name: RememberAudit
INSERT INTO review_decisions (id, assignment_id, batch_id, reviewer_id, decision, reason, decided_at)
SELECT gen_random_uuid(), t.id, $3, $4, t.decision, 'audit', $5 FROM unnest($1::uuid[], $2::text[]) AS t(id, decision)

-- name: Audit
WITH released AS (
    UPDATE assignments SET review_batch_id = NULL WHERE id = ANY($4)
)
INSERT INTO reviewer_quality AS q (reviewer_id, audited, correct, updated_at) VALUES ($1, $2, $3, $5)
ON CONFLICT (reviewer_id) DO UPDATE SET audited = q.audited + excluded.audited, correct = q.correct + excluded.correct, updated_at = excluded.updated_at

-- name: Write
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[])
        AS t(id, decision, reason, status, review_state, slot_back, dispute)
), decided AS (
    INSERT INTO review_decisions (id, assignment_id, batch_id, reviewer_id, decision, reason, decided_at)
    SELECT gen_random_uuid(), id, $8, $9, decision, reason, $10 FROM input
), disputes AS (
    UPDATE review_disputes SET outcome = input.dispute, decided_at = $10
    FROM input WHERE review_disputes.assignment_id = input.id AND input.dispute IS NOT NULL
), batch AS (
    UPDATE review_batches SET status = 'Decided', closed_at = $10 WHERE id = $8
), changed AS (
    -- A rejection, or a dispute's outcome, changes which answers count: the job's final labels are recomputed.
    INSERT INTO job_label_changes (job_id, changed_at) SELECT job_id, $10 FROM review_batches WHERE id = $8
    ON CONFLICT (job_id) DO UPDATE SET changed_at = greatest(job_label_changes.changed_at, excluded.changed_at)
), decided_answers AS (
    UPDATE assignments SET status = input.status, review_state = input.review_state
    FROM input WHERE assignments.id = input.id
    RETURNING assignments.item_id, input.slot_back
)
SELECT return_slots(ARRAY(SELECT item_id FROM decided_answers WHERE slot_back))
