-- Hand-written SQL of IdempotentRequests (ADR 0017): named statements, read through Sql.Named.

-- name: Claim
-- $1: organisation; $2: the Idempotency-Key; $3: the request's hash; $4: now; $5: the oldest time a kept answer still counts.
-- Takes the key for this request (one row changed) unless a request of the last day holds it (none).
INSERT INTO idempotent_requests (organisation_id, key, request_hash, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (organisation_id, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, status_code = NULL, response_body = NULL, location = NULL, created_at = EXCLUDED.created_at
    WHERE idempotent_requests.created_at < $5
