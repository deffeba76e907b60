-- Hand-written SQL of JobCounts (ADR 0017): named statements, read through Sql.Named.

-- name: Counts
SELECT j.id AS job_id,
       count(i.id)::int AS items,
       coalesce(sum(s.n), 0)::int AS answers,
       (count(i.id) FILTER (WHERE NOT (i.machine_label IS NOT NULL AND NOT i.machine_audit)) * j.answers_per_item)::int AS answers_needed,
       count(i.id) FILTER (WHERE i.final_state IS NOT NULL OR (i.machine_label IS NOT NULL AND NOT i.machine_audit)
           OR (coalesce(s.n, 0) >= j.answers_per_item AND coalesce((j.quality_policy->>'MaxAnswersPerItem')::int, 0) <= j.answers_per_item))::int AS items_done,
       count(i.id) FILTER (WHERE coalesce(s.n, 0) > 0 OR (i.machine_label IS NOT NULL AND NOT i.machine_audit))::int AS items_started,
       (SELECT count(*) FROM assignments l WHERE l.job_id = j.id AND l.status = 'Leased')::int AS active_leases
FROM jobs j
LEFT JOIN items i ON i.job_id = j.id AND i.gold_answer IS NULL
LEFT JOIN (SELECT item_id, count(*) AS n FROM assignments WHERE job_id = ANY($1) AND status = 'Submitted' GROUP BY item_id) s
       ON s.item_id = i.id
WHERE j.id = ANY($1)
GROUP BY j.id, j.answers_per_item
