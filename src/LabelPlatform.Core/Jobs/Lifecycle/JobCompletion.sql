-- Hand-written SQL of JobCompletion (ADR 0017): named statements, read through Sql.Named.

-- name: Complete
UPDATE jobs j SET status = 'Completed', completed_at = $2
WHERE j.id = ANY($1) AND j.status IN ('Running', 'Paused')
  AND ($3 OR coalesce((j.quality_policy->>'MaxAnswersPerItem')::int, 0) <= j.answers_per_item)
  AND NOT EXISTS (SELECT 1 FROM items i WHERE i.job_id = j.id AND i.remaining_slots > 0)
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.status = 'Leased')
RETURNING j.id
