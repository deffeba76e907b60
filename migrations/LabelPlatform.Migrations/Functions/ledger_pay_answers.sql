-- Pays accepted answers (escrow -> worker payable, fee -> revenue), once each (keyed by assignment),
-- in one round trip of the accepting transaction. Escrow rows are locked in id order before any
-- funds row; a short escrow is topped up from funds, and what funds cannot cover the platform pays.
CREATE OR REPLACE FUNCTION ledger_pay_answers(answer_ids uuid[], at timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    job_ids uuid[];
    organisation_ids uuid[];
    currencies text[];
    costs bigint[];
    escrow_ids uuid[];
    escrow bigint;
    funds_id uuid;
    fund_balance bigint;
    take bigint;
    tx_id uuid;
    written integer;
    paid_keys text[];
BEGIN
    -- Answers paid before, found by their keys through the unique index.
    paid_keys := ARRAY(SELECT idempotency_key FROM ledger_transactions
                       WHERE idempotency_key = ANY(ARRAY(SELECT 'earning:' || x::text FROM unnest(answer_ids) AS x)));
    SELECT array_agg(n.job_id ORDER BY n.escrow_id), array_agg(n.organisation_id ORDER BY n.escrow_id), array_agg(n.currency ORDER BY n.escrow_id),
           array_agg(n.cost ORDER BY n.escrow_id), array_agg(n.escrow_id ORDER BY n.escrow_id)
    INTO job_ids, organisation_ids, currencies, costs, escrow_ids
    FROM (
        SELECT a.job_id, j.organisation_id, j.currency::text AS currency, sum(j.price_per_answer + j.fee_per_answer)::bigint AS cost,
               md5('JobEscrow:' || a.job_id::text || ':' || j.currency)::uuid AS escrow_id
        FROM assignments a JOIN jobs j ON j.id = a.job_id
        WHERE a.id = ANY(answer_ids) AND j.price_per_answer + j.fee_per_answer > 0
          AND NOT ('earning:' || a.id::text = ANY(paid_keys))
        GROUP BY a.job_id, j.organisation_id, j.currency) n;
    IF job_ids IS NULL THEN
        RETURN 0;
    END IF;

    INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
    SELECT e.id, 'JobEscrow', e.job::text, e.currency, 0, at FROM unnest(escrow_ids, job_ids, currencies) AS e(id, job, currency)
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ledger_accounts WHERE id = ANY(escrow_ids) ORDER BY id FOR UPDATE;

    FOR i IN 1 .. array_length(job_ids, 1) LOOP
        SELECT balance INTO escrow FROM ledger_accounts WHERE id = escrow_ids[i];
        CONTINUE WHEN escrow >= costs[i];
        funds_id := md5('ResearcherFunds:' || organisation_ids[i]::text || ':' || currencies[i])::uuid;
        SELECT balance INTO fund_balance FROM ledger_accounts WHERE id = funds_id FOR UPDATE;
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

    -- The workers' payables exist and are locked, in id order, before any is credited.
    INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
    SELECT DISTINCT md5('WorkerPayable:' || a.worker_id || ':' || j.currency)::uuid, 'WorkerPayable', a.worker_id, j.currency, 0::bigint, at
    FROM assignments a JOIN jobs j ON j.id = a.job_id WHERE a.id = ANY(answer_ids)
    UNION
    SELECT DISTINCT md5('PlatformRevenue::' || j.currency)::uuid, 'PlatformRevenue', '', j.currency, NULL::bigint, at
    FROM assignments a JOIN jobs j ON j.id = a.job_id WHERE a.id = ANY(answer_ids)
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ledger_accounts
    WHERE id = ANY(ARRAY(SELECT md5('WorkerPayable:' || a.worker_id || ':' || j.currency)::uuid FROM assignments a JOIN jobs j ON j.id = a.job_id WHERE a.id = ANY(answer_ids)))
    ORDER BY id FOR UPDATE;

    WITH accepted AS (
        SELECT a.id, a.worker_id, a.job_id, j.organisation_id, j.currency, j.price_per_answer AS price, j.fee_per_answer AS fee
        FROM assignments a JOIN jobs j ON j.id = a.job_id
        WHERE a.id = ANY(answer_ids) AND j.price_per_answer + j.fee_per_answer > 0
          AND NOT ('earning:' || a.id::text = ANY(paid_keys))
    ), txs AS (
        INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, worker_id, assignment_id, memo, created_at)
        SELECT gen_random_uuid(), 'earning:' || id::text, 'Earning', currency, organisation_id, job_id, worker_id, id, '', at FROM accepted
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id, assignment_id
    )
    INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
    SELECT t.id, e.account, e.amount, x.currency
    FROM txs t JOIN accepted x ON x.id = t.assignment_id
    CROSS JOIN LATERAL (VALUES
        (md5('JobEscrow:' || x.job_id::text || ':' || x.currency)::uuid, -(x.price + x.fee)),
        (md5('WorkerPayable:' || x.worker_id || ':' || x.currency)::uuid, x.price),
        (md5('PlatformRevenue::' || x.currency)::uuid, x.fee)) AS e(account, amount)
    WHERE e.amount <> 0;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;
