-- Hand-written SQL of RaiseBillingAlert (ADR 0017): named statements, read through Sql.Named.

-- name: Insert
INSERT INTO billing_alerts (kind, message, created_at)
SELECT $1::text, $2::text, $3::timestamptz
WHERE NOT EXISTS (SELECT 1 FROM billing_alerts WHERE dismissed_at IS NULL AND kind = $1 AND message = $2)
