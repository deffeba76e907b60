using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "fee_per_answer",
                table: "jobs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "checkout_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_by = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_checkout_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_checkout_sessions_organisations_organisation_id",
                        column: x => x.organisation_id,
                        principalTable: "organisations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ledger_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    owner = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    balance = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_accounts", x => x.id);
                    table.CheckConstraint("ck_ledger_accounts_balance_not_negative", "balance IS NULL OR balance >= 0");
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    transaction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_transactions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    organisation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    worker_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payout_id = table.Column<Guid>(type: "uuid", nullable: true),
                    memo = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created_by = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_transactions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "payout_accounts",
                columns: table => new
                {
                    worker_id = table.Column<string>(type: "text", nullable: false),
                    stripe_account_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payouts_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    requirements = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_accounts", x => x.worker_id);
                    table.ForeignKey(
                        name: "fk_payout_accounts_asp_net_users_worker_id",
                        column: x => x.worker_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payouts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    worker_id = table.Column<string>(type: "text", nullable: false),
                    stripe_account_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    stripe_transfer_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    amount_reversed = table.Column<long>(type: "bigint", nullable: false),
                    failure_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payouts", x => x.id);
                    table.ForeignKey(
                        name: "fk_payouts_asp_net_users_worker_id",
                        column: x => x.worker_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stripe_events",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stripe_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_checkout_sessions_organisation_id_created_at",
                table: "checkout_sessions",
                columns: new[] { "organisation_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_accounts_kind_owner_currency",
                table: "ledger_accounts",
                columns: new[] { "kind", "owner", "currency" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_account_id",
                table: "ledger_entries",
                column: "account_id")
                .Annotation("Npgsql:IndexInclude", new[] { "amount" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_transaction_id",
                table: "ledger_entries",
                column: "transaction_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_transactions_idempotency_key",
                table: "ledger_transactions",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_transactions_job_id_kind",
                table: "ledger_transactions",
                columns: new[] { "job_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_transactions_payout_id",
                table: "ledger_transactions",
                column: "payout_id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_transactions_worker_id_created_at",
                table: "ledger_transactions",
                columns: new[] { "worker_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payout_accounts_stripe_account_id",
                table: "payout_accounts",
                column: "stripe_account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payouts_idempotency_key",
                table: "payouts",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payouts_one_pending",
                table: "payouts",
                columns: new[] { "worker_id", "currency" },
                unique: true,
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_pending",
                table: "payouts",
                column: "created_at",
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_stripe_transfer_id",
                table: "payouts",
                column: "stripe_transfer_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payouts_worker_id_created_at",
                table: "payouts",
                columns: new[] { "worker_id", "created_at" });

            // The ledger's rules, kept by the database whatever the code does (ADR 0013).
            migrationBuilder.Sql("""
                CREATE FUNCTION ledger_entries_check() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    unbalanced uuid;
                BEGIN
                    -- Every statement's entries must balance per transaction by themselves: so a transaction can
                    -- never be left unbalanced, and adding a balanced set keeps it so. No look at older entries.
                    SELECT transaction_id INTO unbalanced FROM new_entries
                    GROUP BY transaction_id HAVING sum(amount) <> 0 OR count(DISTINCT currency) > 1
                    LIMIT 1;
                    IF unbalanced IS NOT NULL THEN
                        RAISE EXCEPTION 'ledger transaction % does not balance: its entries must sum to zero in one currency', unbalanced
                            USING ERRCODE = '23514';
                    END IF;
                    -- Instead of foreign keys: each account and transaction named exists, checked once each, by primary key
                    -- (= ANY of an array) whatever the transition table's size, and each entry has its account's currency.
                    IF (SELECT count(*) FROM ledger_accounts WHERE id = ANY(ARRAY(SELECT DISTINCT account_id FROM new_entries)))
                           <> (SELECT count(DISTINCT account_id) FROM new_entries)
                       OR (SELECT count(*) FROM ledger_transactions WHERE id = ANY(ARRAY(SELECT DISTINCT transaction_id FROM new_entries)))
                           <> (SELECT count(DISTINCT transaction_id) FROM new_entries) THEN
                        RAISE EXCEPTION 'a ledger entry names an account or a transaction that does not exist' USING ERRCODE = '23503';
                    END IF;
                    IF EXISTS (SELECT 1 FROM ledger_accounts a
                               WHERE a.id = ANY(ARRAY(SELECT DISTINCT account_id FROM new_entries))
                                 AND EXISTS (SELECT 1 FROM new_entries n WHERE n.account_id = a.id AND n.currency <> a.currency)) THEN
                        RAISE EXCEPTION 'a ledger entry''s currency differs from its account''s' USING ERRCODE = '23514';
                    END IF;
                    -- Balances are the sums of entries; the CHECK on ledger_accounts refuses a negative one.
                    -- The callers have locked these rows already, in the ledger's order.
                    UPDATE ledger_accounts a SET balance = a.balance + (SELECT sum(n.amount) FROM new_entries n WHERE n.account_id = a.id)
                    WHERE a.id = ANY(ARRAY(SELECT DISTINCT account_id FROM new_entries)) AND a.balance IS NOT NULL;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER ledger_entries_check AFTER INSERT ON ledger_entries
                    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_check();

                -- Pays accepted answers (escrow -> worker payable, fee -> revenue), once each (keyed by assignment),
                -- in one round trip of the accepting transaction. Escrow rows are locked in id order before any
                -- funds row; a short escrow is topped up from funds, and what funds cannot cover the platform pays.
                CREATE FUNCTION ledger_pay_answers(answer_ids uuid[], at timestamptz) RETURNS integer LANGUAGE plpgsql AS $$
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

                CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed; post a correcting transaction', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = '42501';
                END $$;

                CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
                    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
                CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
                    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS ledger_entries_check ON ledger_entries;
                DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries;
                DROP TRIGGER IF EXISTS ledger_transactions_append_only ON ledger_transactions;
                DROP FUNCTION IF EXISTS ledger_entries_check();
                DROP FUNCTION IF EXISTS ledger_append_only();
                DROP FUNCTION IF EXISTS ledger_pay_answers(uuid[], timestamptz);
                """);

            migrationBuilder.DropTable(
                name: "checkout_sessions");

            migrationBuilder.DropTable(
                name: "ledger_accounts");

            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "ledger_transactions");

            migrationBuilder.DropTable(
                name: "payout_accounts");

            migrationBuilder.DropTable(
                name: "payouts");

            migrationBuilder.DropTable(
                name: "stripe_events");

            migrationBuilder.DropColumn(
                name: "fee_per_answer",
                table: "jobs");
        }
    }
}
