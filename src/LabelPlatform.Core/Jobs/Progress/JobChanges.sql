-- Hand-written SQL of JobChanges (ADR 0017): named statements, read through Sql.Named.

-- name: Announce
-- $1: the channel (JobChanges.Channel); $2: the job's id as text.
SELECT pg_notify($1, $2)
