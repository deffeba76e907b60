using System.Diagnostics;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Bench.Queue;

/// <param name="History">Completed assignments (status Submitted) in completed jobs.</param>
/// <param name="OpenItems">Items with all their slots open, spread over the running jobs.</param>
/// <param name="GoldItems">Gold items per running job (known answer "cat"), drawn at the job's quality policy's rate.</param>
public sealed record SeedPlan(int History, int OpenItems, int RunningJobs, int Workers, int GoldItems = 400);

/// <summary>
/// Migrates a fresh database and fills it the fast way: users and jobs with SQL, items and
/// assignments with binary COPY. Ids are UUIDv7 like the product's, so index locality is realistic.
/// Billing is on as in production: each running job is funded (its escrow holds every answer at
/// price + fee, plus the gold the policy will draw) and the organisation holds more funds that a short
/// escrow tops up from; the jobs carry the default quality policy and gold items, so claims draw gold
/// and submits score it.
/// </summary>
public sealed class QueueSeeder(string connectionString)
{
    public const int AnswersPerItem = 3;
    private const int HistoryItemsPerJob = 20_000;
    public const long PricePerAnswer = 5;

    /// <summary>The platform's fee at the default 20% (at least one cent) of the price.</summary>
    public const long FeePerAnswer = 1;

    /// <summary>The answer every gold item knows; the simulated workers answer gold right (good workers, never blocked).</summary>
    public const string GoldLabel = "cat";

    private static readonly string[] Labels = ["cat", "dog"];

    public async Task RunAsync(SeedPlan plan)
    {
        if (plan.Workers < AnswersPerItem || 337 % plan.Workers == 0 || 674 % plan.Workers == 0)
        {
            throw new ArgumentException("Seed at least 3 workers, and not 337 or 674 of them.");
        }

        var clock = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, connectionString);
        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Bulk load of rows that are consistent by construction: skip the per-row foreign key triggers.
        await ExecuteAsync(connection, "SET session_replication_role = replica");
        // The SQL builds worker ids as lpad(n, 12, '0'), the same as BenchIds.Worker.
        await SeedPeopleAsync(connection, plan.Workers);

        var historyItems = (plan.History + AnswersPerItem - 1) / AnswersPerItem;
        var completedJobs = (historyItems + HistoryItemsPerJob - 1) / HistoryItemsPerJob;
        var historyStart = DateTimeOffset.UtcNow.AddDays(-30);
        var openJobs = new List<Guid>();
        for (var j = 0; j < completedJobs; j++)
        {
            var jobId = await InsertJobAsync(connection, $"History {j + 1}", "Completed", historyStart.AddHours(j));
            var items = Math.Min(HistoryItemsPerJob, historyItems - (j * HistoryItemsPerJob));
            var itemIds = await CopyItemsAsync(connection, jobId, items, remainingSlots: 0, historyStart.AddHours(j));
            var answers = Math.Min(items * AnswersPerItem, plan.History - (j * HistoryItemsPerJob * AnswersPerItem));
            await CopyHistoryAsync(connection, jobId, itemIds, answers, plan.Workers, historyStart.AddHours(j));
        }

        for (var j = 0; j < plan.RunningJobs; j++)
        {
            var jobId = await InsertJobAsync(connection, $"Running {j + 1}", "Running", DateTimeOffset.UtcNow.AddHours(-1));
            var items = (plan.OpenItems / plan.RunningJobs) + (j < plan.OpenItems % plan.RunningJobs ? 1 : 0);
            await CopyItemsAsync(connection, jobId, items, remainingSlots: AnswersPerItem, DateTimeOffset.UtcNow.AddHours(-1));
            await CopyItemsAsync(connection, jobId, plan.GoldItems, remainingSlots: 0, DateTimeOffset.UtcNow.AddHours(-1), firstOrdinal: items + 1, gold: true);
            // The launch budget: every answer, and the gold a worker's 5-50% draws may add on top.
            await FundEscrowAsync(connection, jobId, (long)items * AnswersPerItem * (PricePerAnswer + FeePerAnswer) * 3 / 2);
            openJobs.Add(jobId);
        }

        await FundOrganisationAsync(connection, 10_000_000);

        await ExecuteAsync(connection, "SET session_replication_role = origin");
        // Old history is all-visible and analysed in a real database; start from the same place.
        await ExecuteAsync(connection, "VACUUM ANALYZE");

        Console.WriteLine($"Seeded {plan.Workers} workers, {completedJobs} completed jobs with {plan.History:N0} submitted assignments, " +
            $"{plan.RunningJobs} running jobs with {plan.OpenItems:N0} items x {AnswersPerItem} slots in {clock.Elapsed.TotalSeconds:0.0} s");
        Measure.Print("seed", ("history", plan.History), ("open_items", plan.OpenItems), ("running_jobs", plan.RunningJobs),
            ("seconds", clock.Elapsed.TotalSeconds));
    }

    private static async Task SeedPeopleAsync(NpgsqlConnection connection, int workers)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO organisations (id, name, created_at) VALUES (@org, 'Bench Lab', now() - interval '60 days');
            INSERT INTO "AspNetUsers" (id, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                password_hash, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled,
                lockout_enabled, access_failed_count, display_name, created_at, organisation_id)
            VALUES (@researcher, 'researcher@bench.test', 'RESEARCHER@BENCH.TEST', 'researcher@bench.test', 'RESEARCHER@BENCH.TEST', true,
                NULL, md5('r'), md5('r'), false, false, true, 0, 'Bench researcher', now() - interval '60 days', @org);
            INSERT INTO "AspNetUsers" (id, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                password_hash, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled,
                lockout_enabled, access_failed_count, display_name, created_at, organisation_id)
            SELECT '00000000-0000-4000-8000-' || lpad(n::text, 12, '0'),
                   'worker' || n || '@bench.test', 'WORKER' || n || '@BENCH.TEST',
                   'worker' || n || '@bench.test', 'WORKER' || n || '@BENCH.TEST', true,
                   NULL, md5(n::text), md5(n::text), false, false, true, 0, 'Worker ' || n, now() - interval '60 days', NULL
            FROM generate_series(0, @workers - 1) AS n;
            INSERT INTO "AspNetUserRoles" (user_id, role_id)
            SELECT id, CASE WHEN organisation_id IS NULL THEN 'role-worker' ELSE 'role-researcher' END FROM "AspNetUsers";
            """, connection);
        command.Parameters.AddWithValue("org", BenchIds.Organisation);
        command.Parameters.AddWithValue("researcher", BenchIds.Researcher);
        command.Parameters.AddWithValue("workers", workers);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Guid> InsertJobAsync(NpgsqlConnection connection, string name, string status, DateTimeOffset createdAt)
    {
        var id = Guid.CreateVersion7(createdAt);
        await using var command = new NpgsqlCommand("""
            INSERT INTO jobs (id, organisation_id, created_by_user_id, name, instructions, kind, labels, answers_per_item,
                price_per_answer, fee_per_answer, currency, status, created_at, launched_at, completed_at, quality_policy)
            VALUES (@id, @org, @researcher, @name, 'Pick the animal.', 'ImageClassification', @labels, @answers,
                @price, @fee, 'USD', @status, @created, @created, CASE WHEN @status = 'Completed' THEN @created + interval '1 day' END,
                @policy::jsonb)
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("org", BenchIds.Organisation);
        command.Parameters.AddWithValue("researcher", BenchIds.Researcher);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("labels", Labels);
        command.Parameters.AddWithValue("answers", AnswersPerItem);
        command.Parameters.AddWithValue("price", PricePerAnswer);
        command.Parameters.AddWithValue("fee", FeePerAnswer);
        command.Parameters.AddWithValue("policy", Quality.Gold.QualityPolicy.Default.ToJson());
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("created", createdAt);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>
    /// A launched job's escrow, as launching would leave it (the budget arrived from Stripe), so submits pay
    /// answers as they do in production. Triggers are off while seeding: the balance is written with the entries.
    /// </summary>
    private static async Task FundEscrowAsync(NpgsqlConnection connection, Guid jobId, long budget)
    {
        await using var command = new NpgsqlCommand("""
            WITH accounts AS (
                INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at) VALUES
                    (md5('JobEscrow:' || @job::text || ':USD')::uuid, 'JobEscrow', @job::text, 'USD', @budget, now()),
                    (md5('StripeClearing::USD')::uuid, 'StripeClearing', '', 'USD', NULL, now())
                ON CONFLICT DO NOTHING
            ), tx AS (
                INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, memo, created_at)
                VALUES (gen_random_uuid(), 'bench-launch:' || @job::text, 'Escrow', 'USD', @org, @job, 'Bench seed', now())
                RETURNING id
            )
            INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
            SELECT tx.id, e.account, e.amount, 'USD' FROM tx, (VALUES
                (md5('JobEscrow:' || @job::text || ':USD')::uuid, @budget),
                (md5('StripeClearing::USD')::uuid, -@budget)) AS e(account, amount)
            """, connection);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("org", BenchIds.Organisation);
        command.Parameters.AddWithValue("budget", budget);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The researcher's funds, credited as a Checkout payment would: what a short escrow tops up from.</summary>
    private static async Task FundOrganisationAsync(NpgsqlConnection connection, long amount)
    {
        await using var command = new NpgsqlCommand("""
            WITH accounts AS (
                INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at) VALUES
                    (md5('ResearcherFunds:' || @org::text || ':USD')::uuid, 'ResearcherFunds', @org::text, 'USD', @amount, now())
            ), tx AS (
                INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, memo, created_at)
                VALUES (gen_random_uuid(), 'bench-funds', 'Funding', 'USD', @org, 'Bench seed', now())
                RETURNING id
            )
            INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
            SELECT tx.id, e.account, e.amount, 'USD' FROM tx, (VALUES
                (md5('ResearcherFunds:' || @org::text || ':USD')::uuid, @amount),
                (md5('StripeClearing::USD')::uuid, -@amount)) AS e(account, amount)
            """, connection);
        command.Parameters.AddWithValue("org", BenchIds.Organisation);
        command.Parameters.AddWithValue("amount", amount);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Guid[]> CopyItemsAsync(
        NpgsqlConnection connection, Guid jobId, int count, int remainingSlots, DateTimeOffset createdAt, int firstOrdinal = 1, bool gold = false)
    {
        var ids = new Guid[count];
        var goldAnswer = Labelling.Answer.OneLabel(GoldLabel).ToJson();
        await using var writer = await connection.BeginBinaryImportAsync("""
            COPY items (id, job_id, ordinal, source_name, storage_key, content_type, byte_size, width, height, sha256,
                remaining_slots, created_at, gold_answer) FROM STDIN (FORMAT BINARY)
            """);
        for (var i = 0; i < count; i++)
        {
            ids[i] = Guid.CreateVersion7(createdAt);
            await writer.StartRowAsync();
            await writer.WriteAsync(ids[i], NpgsqlDbType.Uuid);
            await writer.WriteAsync(jobId, NpgsqlDbType.Uuid);
            await writer.WriteAsync(firstOrdinal + i, NpgsqlDbType.Integer);
            await writer.WriteAsync($"images/{firstOrdinal + i:D7}.jpg", NpgsqlDbType.Varchar);
            await writer.WriteAsync($"{jobId:N}/{ids[i]:N}.jpg", NpgsqlDbType.Varchar);
            await writer.WriteAsync("image/jpeg", NpgsqlDbType.Varchar);
            await writer.WriteAsync(48_000L, NpgsqlDbType.Bigint);
            await writer.WriteAsync(640, NpgsqlDbType.Integer);
            await writer.WriteAsync(480, NpgsqlDbType.Integer);
            await writer.WriteAsync(Convert.ToHexStringLower(ids[i].ToByteArray()).PadRight(64, '0'), NpgsqlDbType.Varchar);
            await writer.WriteAsync(remainingSlots, NpgsqlDbType.Integer);
            await writer.WriteAsync(createdAt, NpgsqlDbType.TimestampTz);
            if (gold)
            {
                await writer.WriteAsync(goldAnswer, NpgsqlDbType.Jsonb);
            }
            else
            {
                await writer.WriteNullAsync();
            }
        }

        await writer.CompleteAsync();
        return ids;
    }

    /// <summary>Each item answered by <see cref="AnswersPerItem"/> different workers, in item order.</summary>
    private static async Task CopyHistoryAsync(NpgsqlConnection connection, Guid jobId, Guid[] itemIds, int answers, int workers, DateTimeOffset start)
    {
        await using var writer = await connection.BeginBinaryImportAsync("""
            COPY assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at, submitted_at, label)
            FROM STDIN (FORMAT BINARY)
            """);
        for (var n = 0; n < answers; n++)
        {
            var item = n / AnswersPerItem;
            // Offsets 0, 337 and 674 modulo the worker count differ (337 is prime), so an item's answers come from different workers.
            var worker = (item + (n % AnswersPerItem * 337)) % workers;
            var leasedAt = start.AddMilliseconds(n * 50L);
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(leasedAt), NpgsqlDbType.Uuid);
            await writer.WriteAsync(jobId, NpgsqlDbType.Uuid);
            await writer.WriteAsync(itemIds[item], NpgsqlDbType.Uuid);
            await writer.WriteAsync(BenchIds.Worker(worker), NpgsqlDbType.Text);
            await writer.WriteAsync("Submitted", NpgsqlDbType.Varchar);
            await writer.WriteAsync(leasedAt, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(leasedAt.AddMinutes(10), NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(leasedAt.AddSeconds(8), NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(Labels[(n + item) % Labels.Length], NpgsqlDbType.Varchar);
        }

        await writer.CompleteAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
