-- Hand-written SQL of PrefilterJob (ADR 0017): named statements, read through Sql.Named.

-- name: StalledRuns
SELECT r.id FROM prefilter_runs r
WHERE r.status = 'Running' AND r.updated_at < now() - interval '1 minute'
