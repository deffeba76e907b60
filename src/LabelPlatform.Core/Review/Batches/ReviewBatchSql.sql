-- Hand-written SQL of ReviewBatchSql (ADR 0017): named statements, read through Sql.Named.

-- name: Expire
WITH expired AS (
    UPDATE review_batches SET status = 'Expired', closed_at = $1
    WHERE status = 'Open' AND lease_expires_at <= $1
    RETURNING id
), released AS (
    UPDATE assignments SET review_batch_id = NULL
    FROM expired WHERE assignments.review_batch_id = expired.id
    RETURNING 1
)
SELECT count(*)::int FROM expired
