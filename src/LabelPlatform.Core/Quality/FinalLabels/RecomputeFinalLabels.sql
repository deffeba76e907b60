-- Hand-written SQL of RecomputeFinalLabels (ADR 0017): named statements, read through Sql.Named.

-- name: Write
-- Items that became settled, or whose settled answer changed, are told of in items.settled events of up to
-- 500 items ($7: the organisation, $8: the job), written with the change, and only while an endpoint of the
-- organisation listens for them; the webhooks gather a job's events a short while.
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::real[], $5::text[], $6::text[]) AS input(id, answer, label, confidence, source, state)),
written AS (
    UPDATE items SET final_answer = input.answer, final_label = input.label, final_confidence = input.confidence,
           final_source = input.source, final_state = input.state,
           final_at = CASE WHEN old.final_answer IS DISTINCT FROM input.answer OR old.final_source IS DISTINCT FROM input.source
                             OR old.final_state IS DISTINCT FROM input.state THEN now() ELSE old.final_at END
    FROM input, items old
    WHERE items.id = input.id AND old.id = input.id
    RETURNING items.id, items.source_name, input.answer, input.label, input.confidence, input.source,
              input.state = 'settled' AND (old.final_state IS DISTINCT FROM 'settled' OR old.final_answer IS DISTINCT FROM input.answer) AS settled),
told AS (
    SELECT w.*, (row_number() OVER (ORDER BY w.id) - 1) / 500 AS chunk FROM written w
    WHERE w.settled AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.organisation_id = $7::uuid AND 'items.settled' = ANY(e.events)))
INSERT INTO organisation_events (event_id, organisation_id, type, job_id, data, created_at)
SELECT gen_random_uuid(), $7::uuid, 'items.settled', $8::uuid,
       jsonb_build_object('job_id', $8::uuid, 'items', jsonb_agg(jsonb_build_object(
           'id', id, 'name', source_name, 'label', label, 'answer', answer, 'confidence', confidence, 'source', source) ORDER BY id)), now()
FROM told GROUP BY chunk

-- name: More
UPDATE items SET remaining_slots = CASE WHEN machine_label IS NOT NULL AND NOT machine_audit THEN $2 ELSE 1 END,
       machine_label = CASE WHEN machine_audit THEN machine_label END
WHERE id = ANY($1) AND remaining_slots = 0 AND gold_answer IS NULL
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = items.id AND a.status = 'Leased')

-- name: Enough
UPDATE items SET remaining_slots = 0 WHERE id = ANY($1) AND remaining_slots > 0

-- name: Stale
SELECT EXISTS (SELECT 1 FROM jobs j WHERE j.id = $1 AND (j.final_labels_at IS NULL
    OR EXISTS (SELECT 1 FROM job_label_changes c WHERE c.job_id = j.id AND c.changed_at >= j.final_labels_at)
    OR EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.status IN ('Submitted', 'Discarded') AND a.submitted_at > j.final_labels_at)
    OR EXISTS (SELECT 1 FROM worker_job_quality q WHERE q.job_id = j.id AND q.blocked_at > j.final_labels_at)))

-- name: StaleJobs
SELECT j.id FROM jobs j
WHERE j.status IN ('Running', 'Paused', 'Completed')
  AND (j.final_labels_at IS NULL
       OR EXISTS (SELECT 1 FROM job_label_changes c WHERE c.job_id = j.id AND c.changed_at >= j.final_labels_at)
       OR EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.status IN ('Submitted', 'Discarded')
               AND a.submitted_at > coalesce(j.final_labels_at, '-infinity'))
       OR EXISTS (SELECT 1 FROM worker_job_quality q WHERE q.job_id = j.id AND q.blocked_at > coalesce(j.final_labels_at, '-infinity')))
