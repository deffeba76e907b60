-- Hand-written SQL of ClaimTransaction (ADR 0017): named statements, read through Sql.Named.

-- name: Job
SELECT status, lease_minutes FROM jobs WHERE id = $1

-- name: Expire
WITH expired AS (
    UPDATE assignments SET status = 'Expired'
    WHERE job_id = $1 AND status = 'Leased' AND lease_expires_at <= $2
    RETURNING item_id
)
-- Almost every claim finds nothing expired: then the function is not called at all.
SELECT CASE WHEN EXISTS (SELECT 1 FROM expired) THEN return_slots(ARRAY(SELECT item_id FROM expired)) ELSE 0 END

-- name: Held
SELECT id, item_id, worker_id, lease_expires_at FROM assignments
WHERE job_id = $1 AND status = 'Leased' AND worker_id = ANY($2)
ORDER BY leased_at

-- name: Candidates
WITH candidates AS (
    SELECT id, remaining_slots, ordinal FROM items
    WHERE job_id = $1 AND remaining_slots > 0
    ORDER BY remaining_slots, ordinal
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
SELECT c.id, c.remaining_slots,
       ARRAY(SELECT a.worker_id FROM assignments a WHERE a.item_id = c.id AND a.worker_id = ANY($3)) AS seen_by
FROM candidates c
ORDER BY c.remaining_slots, c.ordinal

-- name: GoldCandidates
SELECT w.worker_id, picked.id
FROM unnest($2::text[]) AS w(worker_id)
CROSS JOIN LATERAL (
    SELECT i.id FROM items i
    WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL AND ($3 = 0 OR i.gold_shown < $3)
      AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.worker_id = w.worker_id)
    ORDER BY md5(i.id::text || w.worker_id)
    LIMIT 1
) picked

-- name: GoldLease
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[]) AS t(id, item_id, worker_id, job_id, expires)
), leased AS (
    INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
    SELECT id, job_id, item_id, worker_id, 'Leased', $6, expires FROM input
    ON CONFLICT DO NOTHING
    RETURNING id, item_id
), shown AS (
    UPDATE items SET gold_shown = gold_shown + 1 FROM leased WHERE items.id = leased.item_id
)
SELECT id FROM leased

-- name: Lease
WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, item_id, worker_id)
), leased AS (
    INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
    SELECT id, $4, item_id, worker_id, 'Leased', $5, $6 FROM input
)
UPDATE items SET remaining_slots = items.remaining_slots - taken.n
FROM (SELECT item_id, count(*)::int AS n FROM input GROUP BY item_id) taken
WHERE items.id = taken.item_id
