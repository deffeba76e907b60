-- Hand-written SQL of StripeWebhook (ADR 0017): named statements, read through Sql.Named.

-- name: Record
INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING
