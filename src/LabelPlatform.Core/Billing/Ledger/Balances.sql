-- Hand-written SQL of Balances (ADR 0017): named statements, read through Sql.Named.

-- name: Lock
SELECT balance FROM ledger_accounts WHERE id = $1 FOR UPDATE
