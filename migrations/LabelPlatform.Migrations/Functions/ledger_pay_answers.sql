-- Pays accepted answers (escrow -> worker payable, fee -> revenue), once each, in one round trip of
-- the accepting transaction (ADR 0013, ADR 0019). One ledger transaction per job of the call, with one
-- payable entry per worker; each answer it pays is linked to it in ledger_earnings, whose primary key
-- (the assignment) is what keeps an answer from being paid twice. Locks are taken in the ledger's one
-- order: escrows by id, then the funds of the short ones by id, then the payables by id.
-- Every read here is by key. The function's plans are kept for the session, so one made while a table was
-- small (the links table of a new database) would go on scanning it whole as it grew: measured at 7 ms a
-- call after a few thousand answers. So scans are off for its statements, and the "not there yet" checks
-- are written as one probe per row, which no join order can turn into a scan (ADR 0019).
CREATE OR REPLACE FUNCTION ledger_pay_answers(answer_ids uuid[], at timestamptz) RETURNS integer LANGUAGE plpgsql
SET enable_seqscan = off AS $$
DECLARE
    job_ids uuid[];
    organisation_ids uuid[];
    currencies text[];
    costs bigint[];
    escrow_ids uuid[];
    tx_ids uuid[];
    -- The answers to pay, read once: each one's job, worker and payable account.
    pay_ids uuid[];
    pay_jobs uuid[];
    pay_workers text[];
    payables uuid[];
    short_jobs integer[];
    escrow bigint;
    funds_id uuid;
    fund_balance bigint;
    take bigint;
    tx_id uuid;
    written integer;
    i integer;
BEGIN
    -- The answers not paid before (the callers hold their assignment rows, so no one pays them meanwhile),
    -- read once; then grouped by job in escrow-id order: one ledger transaction each.
    SELECT array_agg(a.id), array_agg(a.job_id), array_agg(a.worker_id), array_agg(md5('WorkerPayable:' || a.worker_id || ':' || j.currency)::uuid)
    INTO pay_ids, pay_jobs, pay_workers, payables
    FROM assignments a JOIN jobs j ON j.id = a.job_id
    WHERE a.id = ANY(answer_ids) AND j.price_per_answer + j.fee_per_answer > 0
      AND (SELECT 1 FROM ledger_earnings l WHERE l.assignment_id = a.id) IS NULL;
    IF pay_ids IS NULL THEN
        RETURN 0;
    END IF;
    SELECT array_agg(n.job_id ORDER BY n.escrow_id), array_agg(n.organisation_id ORDER BY n.escrow_id), array_agg(n.currency ORDER BY n.escrow_id),
           array_agg(n.cost ORDER BY n.escrow_id), array_agg(n.escrow_id ORDER BY n.escrow_id), array_agg(gen_random_uuid())
    INTO job_ids, organisation_ids, currencies, costs, escrow_ids, tx_ids
    FROM (
        SELECT j.id AS job_id, j.organisation_id, j.currency::text AS currency, (p.answers * (j.price_per_answer + j.fee_per_answer))::bigint AS cost,
               md5('JobEscrow:' || j.id::text || ':' || j.currency)::uuid AS escrow_id
        FROM (SELECT job, count(*) AS answers FROM unnest(pay_jobs) AS job GROUP BY job) p JOIN jobs j ON j.id = p.job) n;

    INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
    SELECT e.id, 'JobEscrow', e.job::text, e.currency, 0, at FROM unnest(escrow_ids, job_ids, currencies) AS e(id, job, currency)
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ledger_accounts WHERE id = ANY(escrow_ids) ORDER BY id FOR UPDATE;

    -- Escrows that cannot pay their answers, and then their organisations' funds, all locked in id order
    -- at once: locking each fund as its escrow came up let two batches short for two organisations
    -- lock them in opposite order and deadlock.
    short_jobs := ARRAY(SELECT k FROM generate_subscripts(job_ids, 1) AS k
                        JOIN ledger_accounts x ON x.id = escrow_ids[k] WHERE x.balance < costs[k]);
    IF cardinality(short_jobs) > 0 THEN
        PERFORM 1 FROM ledger_accounts
        WHERE id = ANY(ARRAY(SELECT md5('ResearcherFunds:' || organisation_ids[k]::text || ':' || currencies[k])::uuid FROM unnest(short_jobs) AS k))
        ORDER BY id FOR UPDATE;
    END IF;
    FOREACH i IN ARRAY short_jobs LOOP
        SELECT balance INTO escrow FROM ledger_accounts WHERE id = escrow_ids[i];
        funds_id := md5('ResearcherFunds:' || organisation_ids[i]::text || ':' || currencies[i])::uuid;
        SELECT balance INTO fund_balance FROM ledger_accounts WHERE id = funds_id;
        take := least(costs[i] - escrow, coalesce(fund_balance, 0));
        IF take > 0 THEN
            tx_id := gen_random_uuid();
            INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, memo, created_at)
            VALUES (tx_id, 'topup:' || job_ids[i]::text || ':' || tx_id::text, 'Escrow', currencies[i], organisation_ids[i], job_ids[i], 'Topped up to pay accepted answers', at);
            INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES
                (tx_id, escrow_ids[i], take, currencies[i]), (tx_id, funds_id, -take, currencies[i]);
        END IF;
        IF costs[i] - escrow > take THEN
            INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
            VALUES (md5('PlatformRevenue::' || currencies[i])::uuid, 'PlatformRevenue', '', currencies[i], NULL, at) ON CONFLICT DO NOTHING;
            tx_id := gen_random_uuid();
            INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, memo, created_at)
            VALUES (tx_id, 'cover:' || job_ids[i]::text || ':' || tx_id::text, 'PlatformCover', currencies[i], organisation_ids[i], job_ids[i],
                    'Gold answers outran the budget and the organisation had no funds left; the job was paused.', at);
            INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES
                (tx_id, escrow_ids[i], costs[i] - escrow - take, currencies[i]),
                (tx_id, md5('PlatformRevenue::' || currencies[i])::uuid, -(costs[i] - escrow - take), currencies[i]);
        END IF;
    END LOOP;

    -- The workers' payables exist (almost always they do: then nothing is inserted) and are locked, in id
    -- order, before any is credited.
    INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
    SELECT DISTINCT p.id, 'WorkerPayable', p.worker, j.currency, 0::bigint, at
    FROM unnest(payables, pay_workers, pay_jobs) AS p(id, worker, job) JOIN jobs j ON j.id = p.job
    WHERE (SELECT 1 FROM ledger_accounts x WHERE x.id = p.id) IS NULL
    UNION
    SELECT DISTINCT md5('PlatformRevenue::' || c)::uuid, 'PlatformRevenue', '', c, NULL::bigint, at FROM unnest(currencies) AS c
    WHERE (SELECT 1 FROM ledger_accounts x WHERE x.id = md5('PlatformRevenue::' || c)::uuid) IS NULL
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ledger_accounts WHERE id = ANY(payables) ORDER BY id FOR UPDATE;

    -- One transaction per job, its entries (escrow out, one line per worker's payable, revenue in) and the
    -- link of each answer it pays; a second payment of an answer breaks the link's primary key.
    INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, memo, created_at)
    SELECT t.tx, 'earnings:' || t.job::text || ':' || t.tx::text, 'Earning', t.currency, t.org, t.job, '', at
    FROM unnest(tx_ids, job_ids, currencies, organisation_ids) AS t(tx, job, currency, org);

    WITH paid AS (
        INSERT INTO ledger_earnings (assignment_id, transaction_id, worker_id, amount, fee)
        SELECT p.id, t.tx, p.worker, j.price_per_answer, j.fee_per_answer
        FROM unnest(pay_ids, pay_jobs, pay_workers) AS p(id, job, worker) JOIN jobs j ON j.id = p.job
        JOIN unnest(tx_ids, job_ids) AS t(tx, job) ON t.job = p.job
        RETURNING assignment_id, transaction_id, worker_id, amount, fee
    ), lines AS (
        SELECT p.transaction_id, md5('JobEscrow:' || t.job::text || ':' || t.currency)::uuid AS account, -sum(p.amount + p.fee) AS amount, t.currency
        FROM paid p JOIN unnest(tx_ids, job_ids, currencies) AS t(tx, job, currency) ON t.tx = p.transaction_id
        GROUP BY p.transaction_id, t.job, t.currency
        UNION ALL
        SELECT p.transaction_id, md5('WorkerPayable:' || p.worker_id || ':' || t.currency)::uuid, sum(p.amount), t.currency
        FROM paid p JOIN unnest(tx_ids, currencies) AS t(tx, currency) ON t.tx = p.transaction_id
        GROUP BY p.transaction_id, p.worker_id, t.currency
        UNION ALL
        SELECT p.transaction_id, md5('PlatformRevenue::' || t.currency)::uuid, sum(p.fee), t.currency
        FROM paid p JOIN unnest(tx_ids, currencies) AS t(tx, currency) ON t.tx = p.transaction_id
        GROUP BY p.transaction_id, t.currency
    )
    INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
    SELECT transaction_id, account, amount, currency FROM lines WHERE amount <> 0;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;
