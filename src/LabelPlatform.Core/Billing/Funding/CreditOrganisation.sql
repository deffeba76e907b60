-- Hand-written SQL of CreditOrganisation (ADR 0017): named statements, read through Sql.Named.

-- name: Organisation
SELECT EXISTS (SELECT 1 FROM organisations WHERE id = $1)
