-- Hand-written SQL of ClaimNextItem (ADR 0017): named statements, read through Sql.Named.

-- name: ClaimOneWaiting
WITH job AS (
    SELECT lease_minutes FROM jobs WHERE id = $1 AND status = 'Running'
), picked AS (
    SELECT i.id FROM items i
    WHERE i.job_id = $1 AND i.remaining_slots > 0 AND EXISTS (SELECT 1 FROM job)
      AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.worker_id = $2)
    ORDER BY i.remaining_slots, i.ordinal
    LIMIT 1
    FOR UPDATE OF i
), taken AS (
    UPDATE items SET remaining_slots = remaining_slots - 1
    FROM picked WHERE items.id = picked.id AND items.remaining_slots > 0
    RETURNING items.id
)
INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
SELECT $3, $1, taken.id, $2, 'Leased', $4::timestamptz, $4::timestamptz + make_interval(mins => job.lease_minutes) FROM taken, job
RETURNING item_id, lease_expires_at
