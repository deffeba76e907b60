-- Hand-written SQL of Earnings (ADR 0017): named statements, read through Sql.Named.

-- name: Pay
SELECT ledger_pay_answers($1, $2)
