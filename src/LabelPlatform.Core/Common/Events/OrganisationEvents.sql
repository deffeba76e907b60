-- Hand-written SQL of OrganisationEvent (ADR 0017): named statements, read through Sql.Named.

-- name: Insert
INSERT INTO organisation_events (event_id, organisation_id, type, job_id, data, created_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6)
