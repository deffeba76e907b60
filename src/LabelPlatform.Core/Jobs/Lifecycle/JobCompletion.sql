-- Hand-written SQL of JobCompletion (ADR 0017): named statements, read through Sql.Named.

-- name: Complete
-- The job.completed event is written with the change, so a webhook tells of it exactly when it holds.
WITH done AS (
    UPDATE jobs j SET status = 'Completed', completed_at = $2
    WHERE j.id = ANY($1) AND j.status IN ('Running', 'Paused')
      AND ($3 OR coalesce((j.quality_policy->>'MaxAnswersPerItem')::int, 0) <= j.answers_per_item)
      AND NOT EXISTS (SELECT 1 FROM items i WHERE i.job_id = j.id AND i.remaining_slots > 0)
      AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.status = 'Leased')
    RETURNING j.id, j.organisation_id, j.name),
told AS (
    INSERT INTO organisation_events (event_id, organisation_id, type, job_id, data, created_at)
    SELECT gen_random_uuid(), organisation_id, 'job.completed', id,
           jsonb_build_object('job_id', id, 'name', name, 'status', 'completed'), $2
    FROM done)
SELECT id FROM done
