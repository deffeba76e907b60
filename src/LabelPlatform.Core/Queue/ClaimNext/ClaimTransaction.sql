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

-- name: Quality
SELECT j.quality_policy::text, w.worker_id, coalesce(q.gold_answers, 0), q.blocked_at IS NOT NULL
FROM jobs j CROSS JOIN unnest($2::text[]) AS w(worker_id)
LEFT JOIN worker_job_quality q ON q.job_id = j.id AND q.worker_id = w.worker_id
WHERE j.id = $1

-- name: GoldLease
-- The leases of a job with gold: the real ones dealt in memory ($8-$10) and a gold item for each worker
-- who drew one, in one statement, so a gold claim runs exactly what a real one runs. Each drawing worker
-- walks the job's gold items in item order from a random point ($11, a fraction of the gold's ordinal
-- range), wrapping round, and takes the first live one they never had: the walk reads the gold index
-- from that point and probes the (item, worker) index, usually once or twice, whatever the job's gold
-- or the worker's history (ADR 0019). A decoy (lease false) is picked the same way and left, so a batch
-- in which nobody drew does the same work as one in which someone did. Real leases take a slot; gold
-- ones count toward the item's retirement. Returns every lease written, gold marked.
WITH bounds AS MATERIALIZED (
    SELECT (SELECT min(i.ordinal) FROM items i WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL) AS lo,
           (SELECT max(i.ordinal) FROM items i WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL) AS hi
), picked AS MATERIALIZED (
    -- Materialized: inlined, the planner would skip the decoy's pick (lease false) altogether.
    SELECT w.id, w.worker_id, w.lease, p.item_id
    FROM unnest($2::uuid[], $3::text[], $7::boolean[], $11::float8[]) AS w(id, worker_id, lease, at)
    CROSS JOIN bounds b
    CROSS JOIN LATERAL (
        SELECT g.id AS item_id FROM (
            (SELECT i.id, i.gold_shown FROM items i
             WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL AND i.ordinal >= b.lo + floor(w.at * (b.hi - b.lo + 1))::int
             ORDER BY i.ordinal)
            UNION ALL
            (SELECT i.id, i.gold_shown FROM items i
             WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL AND i.ordinal < b.lo + floor(w.at * (b.hi - b.lo + 1))::int
             ORDER BY i.ordinal)
        ) g
        WHERE ($5 = 0 OR g.gold_shown < $5)
          AND (SELECT 1 FROM assignments a WHERE a.item_id = g.id AND a.worker_id = w.worker_id) IS NULL
        LIMIT 1
    ) p
), input AS (
    SELECT id, item_id, worker_id, false AS gold FROM unnest($8::uuid[], $9::uuid[], $10::text[]) AS t(id, item_id, worker_id)
    UNION ALL
    SELECT id, item_id, worker_id, true FROM picked WHERE lease
), leased AS (
    -- A worker racing themselves from two processes for the same gold item gets it once (the unique index decides).
    INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
    SELECT id, $1, item_id, worker_id, 'Leased', $4, $6 FROM input
    ON CONFLICT DO NOTHING
    RETURNING id
), counted AS (
    SELECT input.item_id, (count(*) FILTER (WHERE NOT input.gold))::int AS taken, (count(*) FILTER (WHERE input.gold))::int AS shown
    FROM input JOIN leased ON leased.id = input.id
    GROUP BY input.item_id
), items_updated AS (
    UPDATE items SET remaining_slots = items.remaining_slots - c.taken, gold_shown = items.gold_shown + c.shown
    FROM counted c WHERE items.id = c.item_id
)
SELECT input.id, input.item_id, input.worker_id, input.gold FROM input JOIN leased ON leased.id = input.id

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
