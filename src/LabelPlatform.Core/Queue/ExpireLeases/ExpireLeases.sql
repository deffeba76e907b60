-- Hand-written SQL of ExpireLeases (ADR 0017): named statements, read through Sql.Named.

-- name: Expire
WITH expired AS (
    UPDATE assignments SET status = 'Expired'
    WHERE status = 'Leased' AND lease_expires_at <= $1
    RETURNING item_id
), stale_drafts AS (
    DELETE FROM drafts d USING assignments a
    WHERE a.id = d.assignment_id AND (a.status <> 'Leased' OR a.lease_expires_at <= $1)
)
SELECT return_slots(ARRAY(SELECT item_id FROM expired)) AS "Value"
