-- Hand-written SQL of ReviewScheduler (ADR 0017): named statements, read through Sql.Named.

-- name: AnyPending
SELECT EXISTS (SELECT 1 FROM assignments WHERE review_state = 'Pending')
