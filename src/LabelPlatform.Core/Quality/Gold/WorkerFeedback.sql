-- Hand-written SQL of WorkerFeedback (ADR 0017): named statements, read through Sql.Named.

-- name: Counts
SELECT (count(*) FILTER (WHERE gold_correct IS NOT NULL))::int AS gold, (count(*) FILTER (WHERE gold_correct))::int AS correct
FROM (SELECT gold_correct FROM assignments WHERE worker_id = $1 AND submitted_at IS NOT NULL ORDER BY submitted_at, id LIMIT $2) AS counted

-- name: Missed
SELECT j.name AS job_name, c.answer::text AS answer, i.gold_answer::text AS gold, i.gold_explanation AS explanation
FROM (SELECT id, job_id, item_id, answer, gold_correct, submitted_at FROM assignments
      WHERE worker_id = $1 AND submitted_at IS NOT NULL ORDER BY submitted_at, id LIMIT $2) AS c
JOIN jobs j ON j.id = c.job_id JOIN items i ON i.id = c.item_id
WHERE c.gold_correct = false AND (j.quality_policy->>'Feedback')::boolean
ORDER BY c.submitted_at DESC, c.id DESC
LIMIT $3
