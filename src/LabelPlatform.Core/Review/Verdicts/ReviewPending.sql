-- Hand-written SQL of ReviewPending (ADR 0017): named statements, read through Sql.Named.

-- name: PickJob
SELECT job_id FROM assignments WHERE review_state = 'Pending'
ORDER BY submitted_at LIMIT 1 FOR UPDATE SKIP LOCKED

-- name: LockBatch
SELECT a.id, a.label, i.storage_key, a.answer::text, i.width, i.height FROM assignments a JOIN items i ON i.id = a.item_id
WHERE a.job_id = $1 AND a.review_state = 'Pending'
ORDER BY a.submitted_at
LIMIT $2
FOR UPDATE OF a SKIP LOCKED

-- name: Model
SELECT m.id, m.version, m.sha256, m.storage_key, m.descriptor::text, j.review_policy::text, j.kind
FROM review_models m JOIN jobs j ON j.id = m.job_id
WHERE m.job_id = $1 ORDER BY m.version DESC LIMIT 1

-- name: Write
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::real[], $7::jsonb[])
        AS t(id, assignment_id, outcome, reason, model_label, confidence, evidence)
), verdicts AS (
    INSERT INTO verdicts (id, assignment_id, job_id, model_id, model_version, outcome, reason, model_label, confidence, evidence, created_at)
    SELECT id, assignment_id, $8, $9, $10, outcome, reason, model_label, confidence, evidence, $11 FROM input
), judged AS (
    UPDATE assignments
    SET review_state = input.outcome, status = CASE WHEN input.outcome = 'Rejected' THEN 'Rejected' ELSE assignments.status END
    FROM input WHERE assignments.id = input.assignment_id
    RETURNING assignments.item_id, input.outcome
), changed AS (
    -- The model rejected an answer: it no longer counts, so the job's final labels are recomputed.
    INSERT INTO job_label_changes (job_id, changed_at) SELECT $8, $11 WHERE EXISTS (SELECT 1 FROM input WHERE outcome = 'Rejected')
    ON CONFLICT (job_id) DO UPDATE SET changed_at = greatest(job_label_changes.changed_at, excluded.changed_at)
)
SELECT return_slots(ARRAY(SELECT item_id FROM judged WHERE outcome = 'Rejected'))
