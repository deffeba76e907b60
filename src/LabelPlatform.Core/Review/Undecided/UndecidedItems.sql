-- Hand-written SQL of UndecidedItems (ADR 0017): named statements, read through Sql.Named.

-- name: Decide
WITH decided AS (
    UPDATE items SET decided_label = $2, decided_by = $3, decided_at = $4
    WHERE id = $1 AND final_state = 'undecided' AND decided_label IS NULL AND gold_answer IS NULL
      AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = items.id AND a.worker_id = $3)
    RETURNING job_id
)
INSERT INTO job_label_changes (job_id, changed_at) SELECT job_id, $4 FROM decided
ON CONFLICT (job_id) DO UPDATE SET changed_at = greatest(job_label_changes.changed_at, excluded.changed_at)
RETURNING job_id
