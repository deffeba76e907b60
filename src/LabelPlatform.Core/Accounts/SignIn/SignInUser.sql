-- Hand-written SQL of SignInUser (ADR 0017): named statements, read through Sql.Named.

-- name: RecordFailure
INSERT INTO sign_in_throttles (key, failures, last_failure_at, blocked_until) VALUES ($1, 1, $2, $2)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN sign_in_throttles.last_failure_at < $2::timestamptz - $3::interval THEN 1 ELSE sign_in_throttles.failures + 1 END,
    last_failure_at = $2
RETURNING failures

-- name: Block
UPDATE sign_in_throttles SET blocked_until = $2 WHERE key = $1
