-- Hand-written SQL of JobRowLocks (ADR 0017): named statements, read through Sql.Named.

-- name: ForUpdate
SELECT * FROM jobs WHERE id = $1 FOR UPDATE

-- name: OwnedForUpdate
SELECT * FROM jobs WHERE id = $1 AND organisation_id = $2 FOR UPDATE

-- name: ForNoKeyUpdate
SELECT * FROM jobs WHERE id = $1 FOR NO KEY UPDATE
