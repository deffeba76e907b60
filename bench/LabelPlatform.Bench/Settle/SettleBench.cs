using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Queue;
using LabelPlatform.Review;
using LabelPlatform.Review.Batches;
using LabelPlatform.StripeEmulator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Bench.Settle;

/// <param name="Workers">Workers to pay, each with one approved answer (and so one payout).</param>
/// <param name="Jobs">Jobs the answers are spread over (each job's escrow is one locked row).</param>
/// <param name="Reviewers">Reviewers deciding batches at once.</param>
/// <param name="LatencyMs">The emulator's latency on every Stripe call.</param>
/// <param name="Mode">"live" or "test": the key's mode, and so Stripe's documented limits at the emulator and the product's own defaults.</param>
/// <param name="PendingShare">The share of the payouts' money still pending at Stripe when settlement starts (available two emulated days later).</param>
/// <param name="Parallelism">Billing:SettlementParallelism.</param>
public sealed record SettlePlan(int Workers, int Jobs, int Reviewers, int LatencyMs, string Mode, double PendingShare, int Parallelism, string StorageRoot);

/// <summary>
/// Two measurements on one fresh database and an in-process Stripe emulator. First, approvals with
/// their ledger postings: every worker's answer waits for a person; reviewers claim batches of the
/// product's largest size (<see cref="LabelPlatform.Review.Inference.ReviewOptions.MaxReviewBatchSize"/>)
/// and decide them through <see cref="DecideReviewBatch"/>, which pays each approved answer (escrow →
/// payable and fee) in the decision's transaction. Those earnings are the payable balances the second
/// measurement settles: <see cref="SettlePayouts.RunAsync"/> to onboarded Connect accounts, with the
/// emulator holding Stripe's documented limits for the key's mode (live: 100 requests/s in all, 25/s
/// per endpoint; test: 25/s in all) and the product on its own defaults. Every request is counted at
/// the emulator, reads included; duplicates (transfers per payout above one), 429s and payouts marked
/// Failed (every account here is valid, so each one is wrong) too. With part of the funds pending, a
/// second run after two emulated days pays the rest.
/// </summary>
public static class SettleBench
{
    private const long Price = 600; // one approved answer takes a worker over the 5.00 payout minimum

    public static async Task RunAsync(string connectionString, SettlePlan plan)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, connectionString);
        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        var live = plan.Mode == "live";
        var apiKey = live ? "sk_live_emulator" : "sk_test_emulator";
        var emulatorOptions = new EmulatorOptions { ApiKey = apiKey, Latency = TimeSpan.FromMilliseconds(plan.LatencyMs) }.DocumentedLimits();
        if (plan.PendingShare > 0)
        {
            // Only what the payouts need is available; the rest arrives with the pending funds.
            var owed = (long)plan.Workers * Price;
            var pending = (long)(owed * plan.PendingShare);
            emulatorOptions.PlatformBalance["usd"] = owed - pending;
        }

        await using var emulator = await StripeEmulator.StripeEmulator.StartAsync(emulatorOptions);
        if (plan.PendingShare > 0)
        {
            emulator.AddPendingFunds("usd", (long)(plan.Workers * Price * plan.PendingShare) + Price, TimeSpan.FromDays(2));
        }

        using var host = await StartHostAsync(connectionString, plan, emulator.BaseUrl, apiKey);
        var services = host.Services;
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        var seeding = Stopwatch.StartNew();
        var (jobs, reviewers) = await SeedAsync(services, dataSource, emulator, plan);
        Console.WriteLine($"Seeded {plan.Workers:N0} workers with onboarded Connect accounts and {plan.Workers:N0} answers waiting for review over {plan.Jobs} jobs in {seeding.Elapsed.TotalSeconds:F1} s");

        // 1. Approvals with their ledger postings.
        var approving = Stopwatch.StartNew();
        var approved = 0;
        var batches = 0;
        await Task.WhenAll(reviewers.Select(async reviewer =>
        {
            while (true)
            {
                var claimed = await services.GetRequiredService<ClaimReviewBatch>().HandleAsync(reviewer, null);
                if (claimed.Value is not { } batch)
                {
                    return;
                }

                var decided = await services.GetRequiredService<DecideReviewBatch>().HandleAsync(reviewer, batch.BatchId, []);
                Interlocked.Add(ref approved, decided.Value?.Approved ?? throw new InvalidOperationException(decided.Error!.Message));
                Interlocked.Increment(ref batches);
            }
        }));
        approving.Stop();
        var approvalsPerSecond = approved / approving.Elapsed.TotalSeconds;
        var payable = await ScalarAsync(dataSource, "SELECT count(*) FROM ledger_accounts WHERE kind = 'WorkerPayable' AND balance >= 500");
        Console.WriteLine($"Approvals: {approved:N0} in {batches:N0} batches of up to {LabelPlatform.Review.Inference.ReviewOptions.MaxReviewBatchSize} by {plan.Reviewers} reviewers at once in {approving.Elapsed.TotalSeconds:F1} s: {approvalsPerSecond:F0} approvals/s, each paid in its decision's transaction; {payable:N0} workers now due a payout");
        Measure.Print("settle_approvals", ("approvals", approved), ("batches", batches), ("seconds", approving.Elapsed.TotalSeconds), ("approvals_per_s", approvalsPerSecond));

        // 2. Settlement: one run as the daily job makes it (payouts written down and sent at the same time).
        var settle = services.GetRequiredService<SettlePayouts>();
        var before = emulator.Stats;
        var endpointsBefore = emulator.EndpointRequests;
        var total = Stopwatch.StartNew();
        var result = await settle.RunAsync();
        total.Stop();
        var after = emulator.Stats;
        var seconds = total.Elapsed.TotalSeconds;

        // The binding limiter: whichever of the global and the busiest endpoint's ran closest to its limit.
        var global = (after.Requests - before.Requests - (after.Http429 - before.Http429)) / seconds / emulatorOptions.RequestsPerSecond!.Value;
        var (busiest, busiestCount) = emulator.EndpointRequests.Select(e => (e.Key, Count: e.Value - endpointsBefore.GetValueOrDefault(e.Key))).MaxBy(e => e.Count);
        var endpoint = busiestCount / seconds / emulatorOptions.EndpointRequestsPerSecond!.Value;
        var rate = Math.Max(global, endpoint);
        var binding = global >= endpoint ? $"global {emulatorOptions.RequestsPerSecond}/s" : $"{busiest} {emulatorOptions.EndpointRequestsPerSecond}/s";
        var transfers = after.TransfersCreated - before.TransfersCreated;
        Console.WriteLine($"Settlement ({plan.Mode} mode): {result.Started:N0} payouts written down; {result.Paid:N0} paid, {result.Failed} failed, {result.WaitingForFunds:N0} waiting for funds, {result.StillPending - result.WaitingForFunds} left pending; {transfers:N0} transfers in {seconds:F1} s");
        Console.WriteLine($"  {after.Requests - before.Requests:N0} requests to Stripe (reads included): {global:P0} of the global limit, {endpoint:P0} of {busiest}'s; binding: {binding}");

        var second = 0;
        if (plan.PendingShare > 0)
        {
            // Two days on, the pending funds are available: the next daily run pays those that waited.
            emulator.AdvanceTime(TimeSpan.FromDays(2));
            var later = await settle.RunAsync();
            second = later.Paid;
            Console.WriteLine($"  two days later: {later.Paid:N0} paid, {later.Failed} failed, {later.StillPending} still pending");
        }

        var duplicates = emulator.Transfers.GroupBy(t => t.Metadata.GetValueOrDefault("payout_id") ?? t.Id).Sum(g => g.Count() - 1);
        var failedRows = await ScalarAsync(dataSource, "SELECT count(*) FROM payouts WHERE status = 'Failed'");
        var paidRows = await ScalarAsync(dataSource, "SELECT count(*) FROM payouts WHERE status = 'Paid'");
        var left = await ScalarAsync(dataSource, "SELECT count(*) FROM ledger_accounts WHERE kind IN ('WorkerPayable', 'PayoutsInTransit') AND balance <> 0");
        Console.WriteLine($"  {duplicates} duplicate transfers, {emulator.Stats.Http429} answered 429, {emulator.Stats.Replays} idempotent replays; {paidRows:N0} payouts Paid, {failedRows} Failed (every account is valid: each is wrong); {left} payable or in-transit balances not zero");
        Measure.Print("settle", ("mode", plan.Mode), ("payouts", result.Started), ("paid", result.Paid), ("failed", result.Failed), ("waiting", result.WaitingForFunds),
            ("paid_later", second), ("transfers", transfers), ("requests", after.Requests - before.Requests), ("seconds", seconds),
            ("rate_vs_limit", rate), ("global_vs_limit", global), ("endpoint_vs_limit", endpoint), ("duplicates", duplicates),
            ("http_429", emulator.Stats.Http429), ("wrongly_failed", failedRows), ("paid_rows", paidRows), ("balances_left", left), ("approvals_per_s", approvalsPerSecond));
        _ = jobs;
    }

    private static Task<IHost> StartHostAsync(string connectionString, SettlePlan plan, Uri stripe, string apiKey)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connectionString,
            ["Storage:Root"] = plan.StorageRoot,
            ["Review:Device"] = "cpu",
            ["Review:ReviewBatchSize"] = LabelPlatform.Review.Inference.ReviewOptions.MaxReviewBatchSize.ToString(CultureInfo.InvariantCulture),
            ["Stripe:SecretKey"] = apiKey,
            ["Stripe:ApiBase"] = stripe.ToString().TrimEnd('/'),
            ["Stripe:WebhookSecret"] = "whsec_emulator",
            ["Stripe:ConnectWebhookSecret"] = "whsec_emulator_connect",
            ["Stripe:PublicUrl"] = "https://bench.labelplatform.test",
            ["Billing:SettlementParallelism"] = plan.Parallelism.ToString(CultureInfo.InvariantCulture),
        };
        return Review.ReviewHost.StartAsync(settings);
    }

    /// <summary>
    /// A researcher whose funds launch the jobs (their escrow reserved through the product), the workers
    /// as user rows with onboarded Connect accounts at the emulator and payout accounts saying so, and one
    /// submitted answer per worker that the model sent to a person (written set-based, as the model would leave it).
    /// </summary>
    private static async Task<(List<Guid> Jobs, List<ClaimsPrincipal> Reviewers)> SeedAsync(IServiceProvider services, NpgsqlDataSource dataSource, StripeEmulator.StripeEmulator emulator, SettlePlan plan)
    {
        var signUp = await services.GetRequiredService<SignUp>().HandleAsync(
            new SignUpRequest("researcher@settle.bench.labelplatform.test", "bench-settle-password", "Bench researcher", AccountKind.Researcher, "Bench Lab"));
        var researcher = signUp.Value ?? throw new InvalidOperationException(signUp.Error!.Message);
        var organisation = researcher.OrganisationId!.Value;

        var workerIds = Enumerable.Range(0, plan.Workers).Select(i => $"settle-worker-{i:00000}").ToArray();
        var reviewerIds = Enumerable.Range(0, plan.Reviewers).Select(i => $"settle-reviewer-{i:00}").ToArray();
        await ExecuteAsync(dataSource,
            """
            INSERT INTO "AspNetUsers" (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email,
                email_confirmed, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT id, id, now(), id || '@example.test', upper(id || '@example.test'), id || '@example.test', upper(id || '@example.test'),
                true, md5(id), md5(id || 'c'), false, false, true, 0
            FROM unnest($1::text[]) AS id
            """,
            (object)workerIds.Concat(reviewerIds).ToArray());

        var accounts = workerIds.Select(_ =>
        {
            var id = "acct_" + Guid.NewGuid().ToString("N")[..16];
            emulator.State.AddAccount(new EmulatedAccount { Id = id, Country = "US", TransfersRequested = true, Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
            emulator.State.CompleteOnboarding(id);
            return id;
        }).ToArray();
        await ExecuteAsync(dataSource,
            "INSERT INTO payout_accounts (worker_id, stripe_account_id, payouts_enabled, requirements, created_at, updated_at) SELECT w, a, true, '', now(), now() FROM unnest($1::text[], $2::text[]) AS t(w, a)",
            workerIds, accounts);

        var perJob = (plan.Workers + plan.Jobs - 1) / plan.Jobs;
        var unit = Price + Pricing.Fee(Price, new BillingOptions());
        var credit = services.GetRequiredService<CreditOrganisation>();
        for (var remaining = perJob * plan.Jobs * unit; remaining > 0; remaining -= AddFunds.Maximum)
        {
            var credited = await credit.HandleAsync(organisation, Math.Min(remaining, AddFunds.Maximum), "USD", "Bench invoice", "bench", Guid.NewGuid());
            _ = credited.Value;
        }

        var jobs = new List<Guid>();
        for (var j = 0; j < plan.Jobs; j++)
        {
            var draft = new JobDraft($"Settle bench {j}", "Pick the right label.", ["cat", "dog", "bird"], 1, Price);
            var created = await services.GetRequiredService<CreateJob>().HandleAsync(draft, organisation, researcher.Id);
            var job = created.Value ?? throw new InvalidOperationException(created.Error!.Message);
            var workers = workerIds.Skip(j * perJob).Take(perJob).ToArray();
            await ExecuteAsync(dataSource,
                """
                INSERT INTO items (id, job_id, ordinal, source_name, storage_key, content_type, byte_size, width, height, sha256, remaining_slots, created_at)
                SELECT gen_random_uuid(), $1, g, format('img/%s.png', g), format('placeholder/%s/%s.png', $1, g), 'image/png', 100, 8, 8, md5(g::text) || md5(g::text), 1, now()
                FROM generate_series(0, $2 - 1) AS g;
                """,
                job.Id, workers.Length);
            await ExecuteAsync(dataSource, "UPDATE jobs SET status = 'Ready' WHERE id = $1", job.Id);
            var launched = await services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, organisation, JobAction.Launch);
            _ = launched.Value == JobStatus.Running ? 0 : throw new InvalidOperationException(launched.Error?.Message ?? "not running");

            // Each worker answers one item; the model sent every answer to a person.
            await ExecuteAsync(dataSource,
                """
                WITH numbered AS (SELECT id, row_number() OVER (ORDER BY ordinal) AS n FROM items WHERE job_id = $1),
                taken AS (UPDATE items SET remaining_slots = 0 WHERE job_id = $1)
                INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at, submitted_at, label, answer, review_state)
                SELECT gen_random_uuid(), $1, i.id, w.id, 'Submitted', now() - interval '1 hour', now(), now() - interval '1 hour' + w.n * interval '1 millisecond',
                    'cat', $3::jsonb, 'NeedsReview'
                FROM numbered i JOIN unnest($2::text[]) WITH ORDINALITY AS w(id, n) ON w.n = i.n
                """,
                job.Id, workers, LabelPlatform.Labelling.Answer.OneLabel("cat").ToJson());
            jobs.Add(job.Id);
        }

        await ExecuteAsync(dataSource, "VACUUM ANALYZE");
        var reviewers = reviewerIds.Select(id => new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Role, Roles.Reviewer)], "bench"))).ToList();
        return (jobs, reviewers);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, params object[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
