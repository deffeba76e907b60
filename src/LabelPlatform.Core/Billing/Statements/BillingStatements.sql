-- Hand-written SQL of BillingStatements (ADR 0017): named statements, read through Sql.Named.

-- name: WorkerBalances
WITH pending AS (
    SELECT j.currency, sum(j.price_per_answer)::bigint AS amount FROM assignments a JOIN jobs j ON j.id = a.job_id
    WHERE a.worker_id = $1 AND a.status = 'Submitted' AND a.review_state IN ('Pending', 'NeedsReview', 'Disputed')
    GROUP BY j.currency
), accounts AS (
    SELECT currency,
           sum(balance) FILTER (WHERE kind = 'WorkerPayable')::bigint AS available,
           sum(balance) FILTER (WHERE kind = 'PayoutsInTransit')::bigint AS transit
    FROM ledger_accounts WHERE owner = $1 AND kind IN ('WorkerPayable', 'PayoutsInTransit') GROUP BY currency
), paid AS (
    SELECT currency, sum(amount - amount_reversed)::bigint AS amount FROM payouts WHERE worker_id = $1 AND status IN ('Paid', 'Reversed') GROUP BY currency
)
SELECT c.currency, coalesce(p.amount, 0), coalesce(a.available, 0), coalesce(a.transit, 0), coalesce(d.amount, 0)
FROM (SELECT currency FROM pending UNION SELECT currency FROM accounts UNION SELECT currency FROM paid) c
LEFT JOIN pending p ON p.currency = c.currency LEFT JOIN accounts a ON a.currency = c.currency LEFT JOIN paid d ON d.currency = c.currency
ORDER BY c.currency

-- name: WorkerEarnings
-- The worker's lines on their payable accounts: an earning transaction pays a batch of a job's answers
-- (one line per worker), so its answers are counted from the links; a bonus is one.
SELECT (t.created_at AT TIME ZONE 'UTC')::date, t.job_id, coalesce(j.name, ''), t.kind, t.currency,
       sum(CASE WHEN t.kind = 'Earning' THEN (SELECT count(*) FROM ledger_earnings l WHERE l.transaction_id = t.id AND l.worker_id = $1) ELSE 1 END)::int,
       sum(e.amount)::bigint
FROM ledger_entries e
JOIN ledger_transactions t ON t.id = e.transaction_id
LEFT JOIN jobs j ON j.id = t.job_id
WHERE e.account_id IN (SELECT id FROM ledger_accounts WHERE kind = 'WorkerPayable' AND owner = $1) AND t.kind IN ('Earning', 'Bonus')
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1 DESC, 3
LIMIT 500

-- name: WorkerBonuses
SELECT t.created_at, coalesce(j.name, ''), t.currency, e.amount, t.memo
FROM ledger_transactions t
JOIN ledger_entries e ON e.transaction_id = t.id AND e.account_id = md5('WorkerPayable:' || $1 || ':' || t.currency)::uuid
LEFT JOIN jobs j ON j.id = t.job_id
WHERE t.worker_id = $1 AND t.kind = 'Bonus'
ORDER BY t.created_at DESC
LIMIT 50

-- name: Payouts
SELECT id, created_at, currency, amount, amount_reversed, status, stripe_transfer_id, failure_reason
FROM payouts WHERE worker_id = $1 ORDER BY created_at DESC LIMIT 100

-- name: PayoutAccount
SELECT payouts_enabled, requirements FROM payout_accounts WHERE worker_id = $1

-- name: Jobs
SELECT j.id, j.name, j.currency,
       coalesce((SELECT balance FROM ledger_accounts WHERE id = md5('JobEscrow:' || j.id::text || ':' || j.currency)::uuid), 0),
       coalesce(sum(e.amount) FILTER (WHERE a.kind = 'WorkerPayable'), 0)::bigint,
       coalesce(sum(e.amount) FILTER (WHERE a.kind = 'PlatformRevenue'), 0)::bigint,
       coalesce((SELECT sum(e2.amount) FROM ledger_transactions t2 JOIN ledger_entries e2 ON e2.transaction_id = t2.id
                 WHERE t2.job_id = j.id AND t2.kind = 'EscrowRelease' AND e2.amount > 0), 0)::bigint
FROM jobs j
LEFT JOIN ledger_transactions t ON t.job_id = j.id AND t.kind IN ('Earning', 'Bonus')
LEFT JOIN ledger_entries e ON e.transaction_id = t.id
LEFT JOIN ledger_accounts a ON a.id = e.account_id
WHERE j.organisation_id = $1 AND j.launched_at IS NOT NULL
GROUP BY j.id, j.name, j.currency
ORDER BY max(j.launched_at) DESC

-- name: Funds
SELECT a.currency, a.balance,
       coalesce((SELECT sum(e.amount) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                 WHERE e.account_id = a.id AND t.kind IN ('Funding', 'ManualCredit')), 0)::bigint
FROM ledger_accounts a WHERE a.kind = 'ResearcherFunds' AND a.owner = $1

-- name: Lines
SELECT t.created_at, t.kind, t.currency, e.amount, j.name, t.memo
FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id LEFT JOIN jobs j ON j.id = t.job_id
WHERE e.account_id IN (SELECT id FROM ledger_accounts WHERE kind = 'ResearcherFunds' AND owner = $1)
ORDER BY t.created_at DESC, e.id DESC
LIMIT $2
