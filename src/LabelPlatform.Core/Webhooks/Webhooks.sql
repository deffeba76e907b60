-- Hand-written SQL of the webhook sender (ADR 0017): named statements, read through Sql.Named.

-- name: PendingEvents
-- Events not yet fanned out, 200 at a time (an items.settled event holds up to 500 items); items.settled waits
-- out its gathering window ($1) so a job's items go together.
SELECT id, event_id, organisation_id, type, job_id, data::text, created_at FROM organisation_events
WHERE fanned_out_at IS NULL AND (type <> 'items.settled' OR created_at <= $1)
ORDER BY id LIMIT 200
FOR UPDATE SKIP LOCKED

-- name: Subscribers
SELECT id, organisation_id, events FROM webhook_endpoints WHERE enabled AND organisation_id = ANY($1)

-- name: InsertDeliveries
INSERT INTO webhook_deliveries (id, endpoint_id, organisation_id, event_id, event_type, payload, status, attempts, created_at, next_attempt_at, give_up_at, redelivery)
SELECT d.id, d.endpoint_id, d.organisation_id, d.event_id, d.event_type, d.payload, 'Pending', 0, $7, $7, $8, false
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[]) AS d(id, endpoint_id, organisation_id, event_id, event_type, payload)

-- name: MarkFannedOut
UPDATE organisation_events SET fanned_out_at = $2 WHERE id = ANY($1)

-- name: ClaimDue
-- Takes up to $3 due deliveries of enabled endpoints and holds them until $2 (a lease: a sender that dies
-- leaves them to be taken again then); the result of the try moves next_attempt_at on.
UPDATE webhook_deliveries d SET next_attempt_at = $2
FROM (SELECT w.id FROM webhook_deliveries w
      WHERE w.status = 'Pending' AND w.next_attempt_at <= $1
        AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = w.endpoint_id AND e.enabled)
      ORDER BY w.next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
WHERE d.id = due.id
RETURNING d.id, d.endpoint_id, d.event_id, d.event_type, d.payload, d.attempts, d.give_up_at, d.redelivery

-- name: RecordAttempt
WITH attempt AS (
    INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms, response_excerpt, manual)
    VALUES ($1, $2, $3, $4, $5, $6, $7))
UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $2, last_status_code = $3, last_error = $4,
       status = $8::text, next_attempt_at = $9, redelivery = false, delivered_at = CASE WHEN $8::text = 'Delivered' THEN $2 ELSE delivered_at END
WHERE id = $1

-- name: BalanceLow
-- Organisations whose funds crossed their threshold since the last look; balance.low on the way down only.
WITH look AS (
    SELECT s.organisation_id, s.currency, s.threshold, coalesce(a.balance, 0) AS balance, coalesce(a.balance, 0) < s.threshold AS below
    FROM webhook_balance_alerts s
    LEFT JOIN ledger_accounts a ON a.kind = 'ResearcherFunds' AND a.owner = s.organisation_id::text AND a.currency = s.currency
    FOR UPDATE OF s SKIP LOCKED),
flipped AS (
    UPDATE webhook_balance_alerts s SET below = look.below FROM look
    WHERE s.organisation_id = look.organisation_id AND s.below <> look.below
    RETURNING s.organisation_id, look.currency, look.threshold, look.balance, look.below)
INSERT INTO organisation_events (event_id, organisation_id, type, job_id, data, created_at)
SELECT gen_random_uuid(), organisation_id, 'balance.low', NULL,
       jsonb_build_object('currency', currency, 'balance', balance, 'threshold', threshold), $1
FROM flipped WHERE below

-- name: GoldPoolLow
-- Running jobs whose gold pool fell low since the last look (QualityPolicy.GoldPoolLow: fewer live gold items
-- than the qualification test and five more, or under a fifth of the pool still handed out); once per fall.
WITH pools AS (
    SELECT j.id, j.organisation_id, j.name, count(*) AS total,
           count(*) FILTER (WHERE p.retire = 0 OR i.gold_shown < p.retire) AS live, p.retire, p.qualification
    FROM jobs j
    CROSS JOIN LATERAL (SELECT coalesce((j.quality_policy->>'GoldRetireAfter')::int, 0) AS retire,
                               coalesce((j.quality_policy->>'QualificationItems')::int, 0) AS qualification) p
    JOIN items i ON i.job_id = j.id AND i.gold_answer IS NOT NULL
    WHERE j.status = 'Running'
    GROUP BY j.id, j.organisation_id, j.name, p.retire, p.qualification),
looked AS (
    SELECT *, retire > 0 AND (live < qualification + 5 OR live * 5 < total) AS low FROM pools),
flipped AS (
    INSERT INTO webhook_gold_pool_watches (job_id, low) SELECT id, low FROM looked
    ON CONFLICT (job_id) DO UPDATE SET low = excluded.low WHERE webhook_gold_pool_watches.low <> excluded.low
    RETURNING job_id, low)
INSERT INTO organisation_events (event_id, organisation_id, type, job_id, data, created_at)
SELECT gen_random_uuid(), l.organisation_id, 'job.gold_pool_low', l.id,
       jsonb_build_object('job_id', l.id, 'name', l.name, 'gold_items', l.total, 'gold_items_live', l.live), $1
FROM flipped f JOIN looked l ON l.id = f.job_id WHERE f.low

-- name: Cleanup
-- Events are kept a week after fan-out, deliveries (and their tries) 30 days.
WITH events AS (DELETE FROM organisation_events WHERE fanned_out_at < $1::timestamptz - interval '7 days')
DELETE FROM webhook_deliveries WHERE created_at < $1::timestamptz - interval '30 days'
