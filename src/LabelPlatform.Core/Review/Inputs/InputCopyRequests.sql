-- Hand-written SQL of InputCopyRequests (ADR 0017): named statements, read through Sql.Named.

-- name: HasModel
SELECT EXISTS (SELECT 1 FROM review_models WHERE job_id = $1)
