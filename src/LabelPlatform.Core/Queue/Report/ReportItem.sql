-- Hand-written SQL of ReportItem (ADR 0017): named statements, read through Sql.Named.

-- name: Report
WITH held AS (
    UPDATE assignments SET status = 'Skipped', submitted_at = $3, skip_reason = $6
    WHERE id = $1 AND worker_id = $2 AND status = 'Leased'
    RETURNING id, item_id, job_id
), report AS (
    INSERT INTO item_reports (id, job_id, item_id, worker_id, reason, note, created_at)
    SELECT $7, job_id, item_id, $2, $4, $5, $3 FROM held
    ON CONFLICT (item_id, worker_id) DO NOTHING
), draft AS (
    DELETE FROM drafts USING held WHERE drafts.assignment_id = held.id
)
SELECT return_slots(ARRAY[item_id]) FROM held
