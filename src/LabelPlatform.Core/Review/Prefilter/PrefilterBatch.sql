-- Hand-written SQL of PrefilterBatch (ADR 0017): named statements, read through Sql.Named.

-- name: Job
SELECT status, answers_per_item FROM jobs WHERE id = $1 FOR SHARE

-- name: Run
SELECT r.job_id, r.status, r.threshold, r.audit_share, r.machine_labels, m.sha256, m.storage_key, m.descriptor::text
FROM prefilter_runs r JOIN review_models m ON m.id = r.model_id
WHERE r.id = $1 FOR UPDATE OF r

-- name: Items
SELECT id, storage_key, width, height, gold_answer IS NOT NULL FROM items
WHERE job_id = $1 AND prefilter_run_id IS DISTINCT FROM $2
ORDER BY ordinal LIMIT $3
FOR UPDATE SKIP LOCKED

-- name: WriteItems
UPDATE items SET pre_annotation = input.pre_annotation,
       machine_label = input.machine_label, machine_confidence = input.confidence, machine_audit = input.audit,
       remaining_slots = CASE WHEN items.gold_answer IS NOT NULL OR (input.machine_label IS NOT NULL AND NOT input.audit) THEN 0 ELSE $6 END,
       prefilter_run_id = $7
FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::real[], $5::boolean[]) AS input(id, pre_annotation, machine_label, confidence, audit)
WHERE items.id = input.id

-- name: Progress
UPDATE prefilter_runs SET done = done + $2, machine_labelled = machine_labelled + $3, audit = audit + $4,
       unreadable = unreadable + $5, total = greatest(total, done + $2), updated_at = $6
WHERE id = $1

-- name: Finish
UPDATE prefilter_runs SET status = $2, message = $3, finished_at = $4 WHERE id = $1 AND status = 'Running'

-- name: RunJob
SELECT job_id FROM prefilter_runs WHERE id = $1
