-- Hand-written SQL of SubmitTransaction (ADR 0017): named statements, read through Sql.Named.

-- name: Lock
SELECT a.id, a.worker_id, a.status, a.answer::text, a.lease_expires_at, a.item_id, a.job_id,
       j.kind, j.labels, j.min_box_size, j.max_boxes, i.width, i.height,
       (SELECT m.descriptor->>'kind' FROM review_models m WHERE m.job_id = j.id ORDER BY m.version DESC LIMIT 1) AS model_kind,
       i.gold_answer::text, j.quality_policy::text, coalesce(q.gold_answers, 0), coalesce(q.gold_correct, 0),
       EXISTS (SELECT 1 FROM items g WHERE g.job_id = j.id AND g.gold_answer IS NOT NULL) AS job_has_gold
FROM assignments a JOIN jobs j ON j.id = a.job_id JOIN items i ON i.id = a.item_id
LEFT JOIN worker_job_quality q ON q.worker_id = a.worker_id AND q.job_id = a.job_id
WHERE a.id = ANY($1)
ORDER BY a.id
FOR UPDATE OF a

-- name: Submit
UPDATE assignments SET status = 'Submitted', label = input.label, answer = input.answer, submitted_at = $4, review_state = input.review,
       gold_correct = input.gold_correct
FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $5::text[], $6::boolean[]) AS input(id, label, answer, review, gold_correct)
WHERE assignments.id = input.id

-- name: DropDrafts
DELETE FROM drafts WHERE assignment_id = ANY($1)

-- name: Expire
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS t(id, item_id)
), expired AS (
    UPDATE assignments SET status = 'Expired' FROM input WHERE assignments.id = input.id
)
SELECT return_slots(ARRAY(SELECT item_id FROM input))

-- name: Record
INSERT INTO worker_job_quality AS q (worker_id, job_id, answers, gold_answers, gold_correct, updated_at)
SELECT worker_id, job_id, count(*)::int, (count(*) FILTER (WHERE gold))::int, (count(*) FILTER (WHERE correct))::int, $5
FROM unnest($1::text[], $2::uuid[], $3::boolean[], $4::boolean[]) AS t(worker_id, job_id, gold, correct)
GROUP BY worker_id, job_id
ON CONFLICT (worker_id, job_id) DO UPDATE
    SET answers = q.answers + excluded.answers, gold_answers = q.gold_answers + excluded.gold_answers,
        gold_correct = q.gold_correct + excluded.gold_correct, updated_at = excluded.updated_at

-- name: Block
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[]) AS t(worker_id, job_id, reason)
), blocked AS (
    UPDATE worker_job_quality q SET blocked_at = $4, block_reason = input.reason
    FROM input WHERE q.worker_id = input.worker_id AND q.job_id = input.job_id AND q.blocked_at IS NULL
    RETURNING q.worker_id, q.job_id
), discarded AS (
    UPDATE assignments a SET status = 'Discarded'
    FROM blocked b
    WHERE a.worker_id = b.worker_id AND a.job_id = b.job_id
      AND (a.status = 'Leased' OR (a.status = 'Submitted' AND a.review_state IN ('Pending', 'NeedsReview')))
    RETURNING a.item_id
)
SELECT return_slots(ARRAY(SELECT item_id FROM discarded))

-- name: LockFinishingJobs
SELECT j.id FROM jobs j
WHERE j.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM items i WHERE i.job_id = j.id AND i.remaining_slots > 0)
ORDER BY j.id
FOR NO KEY UPDATE
