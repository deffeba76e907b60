-- Hand-written SQL of SkipItem (ADR 0017): named statements, read through Sql.Named.

-- name: Skip
WITH skipped AS (
    UPDATE assignments SET status = 'Skipped', submitted_at = $3, skip_reason = $4
    WHERE id = $1 AND worker_id = $2 AND status = 'Leased'
    RETURNING id, item_id
), draft AS (
    DELETE FROM drafts USING skipped WHERE drafts.assignment_id = skipped.id
)
SELECT return_slots(ARRAY[item_id]) FROM skipped
