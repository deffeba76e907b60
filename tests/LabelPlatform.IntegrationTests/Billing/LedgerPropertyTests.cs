using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Escrow;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Billing.Webhooks;
using LabelPlatform.IntegrationTests.Review;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Batches;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>A billing factory whose payout minimum is low enough for a few answers and bonuses to reach it.</summary>
public sealed class LowMinimumBillingFactory : BillingFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Billing:PayoutMinimum", "50");
    }
}

/// <summary>
/// Random sequences of what researchers, workers, reviewers, settlement and Stripe do, through the
/// product's own use cases on the real database, with the ledger's rules checked after each sequence
/// and an independent tally of what was credited and earned. A failure names its seed; rerun it with
/// LP_BILLING_SEED=seed LP_BILLING_SEQUENCES=1.
/// </summary>
public class LedgerPropertyTests(LowMinimumBillingFactory factory, ITestOutputHelper output) : IClassFixture<LowMinimumBillingFactory>
{
    private const long Price = 5;
    private const long Unit = 6;
    private static readonly string[] Labels = ["cat", "dog", "bird"];

    private readonly List<Guid> _organisations = [];
    private readonly List<string> _researchers = [];
    private readonly List<string> _workers = [];
    private readonly Dictionary<Guid, Guid> _jobs = [];
    private readonly Dictionary<Guid, long> _credited = [];
    private readonly Dictionary<string, long> _earned = [];
    private ClaimsPrincipal _reviewer = null!;
    private Guid _lastCredit;
    private Guid _lastCreditOrganisation;
    private long _lastCreditAmount;

    private T Get<T>()
        where T : notnull => factory.Services.GetRequiredService<T>();

    [Fact]
    public async Task RandomSequences_OfEveryMoneyMovement_KeepTheLedgerSoundAndMoneyConserved()
    {
        var sequences = int.Parse(Environment.GetEnvironmentVariable("LP_BILLING_SEQUENCES") ?? "100", CultureInfo.InvariantCulture);
        var firstSeed = int.Parse(Environment.GetEnvironmentVariable("LP_BILLING_SEED") ?? "20261202", CultureInfo.InvariantCulture);
        await SetUpAsync();
        var operations = 0;
        var started = DateTime.UtcNow;
        for (var seed = firstSeed; seed < firstSeed + sequences; seed++)
        {
            var trace = new List<string>();
            try
            {
                var random = new Random(seed);
                var length = random.Next(4, 16);
                for (var step = 0; step < length; step++)
                {
                    trace.Add(await StepAsync(random));
                }

                operations += length;
                await CheckAsync();
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Sequence with seed {seed} failed (rerun: LP_BILLING_SEED={seed} LP_BILLING_SEQUENCES=1).\nSteps: {string.Join(" → ", trace)}\n{e}");
            }
        }

        output.WriteLine($"{sequences} sequences, {operations} operations in {(DateTime.UtcNow - started).TotalSeconds:F1} s; seeds {firstSeed}..{firstSeed + sequences - 1}");
    }

    private async Task SetUpAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            var researcher = await factory.SignUpAsync(AccountKind.Researcher);
            _organisations.Add(researcher.OrganisationId!.Value);
            _researchers.Add(researcher.Id);
        }

        var workers = await factory.InsertWorkersAsync(6);
        _workers.AddRange(workers.Select(w => w.Id));
        await factory.ConnectAsync(_workers.Take(4));
        _reviewer = (await ReviewBatchesTests.ReviewerAsync(factory)).Principal;
    }

    private async Task<string> StepAsync(Random random)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 12 => await FundAsync(random),
            < 17 => await FundByCardAsync(random),
            < 30 => await LaunchAsync(random),
            < 55 => await AcceptAsync(random, random.Next(1, 4)),
            < 65 => await ReviewAsync(random),
            < 73 => await BonusAsync(random),
            < 79 => await CancelAsync(random),
            < 84 => await SweepAsync(),
            < 93 => await SettleAsync(random),
            _ => await ReverseAsync(random),
        };
    }

    private Guid PickOrganisation(Random random) => _organisations[random.Next(_organisations.Count)];

    private async Task<List<(Guid Job, string Status)>> JobsAsync(params string[] statuses)
    {
        if (_jobs.Count == 0)
        {
            return [];
        }

        var rows = new List<(Guid, string)>();
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using var read = new Npgsql.NpgsqlCommand("SELECT id, status FROM jobs WHERE id = ANY($1) AND status = ANY($2) ORDER BY created_at, id", connection);
        read.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _jobs.Keys.ToArray() });
        read.Parameters.Add(new Npgsql.NpgsqlParameter { Value = statuses });
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return rows;
    }

    private async Task<string> FundAsync(Random random)
    {
        var replay = _lastCredit != Guid.Empty && random.Next(5) == 0;
        var organisation = replay ? _lastCreditOrganisation : PickOrganisation(random);
        var amount = replay ? _lastCreditAmount : random.Next(50, 3_000);
        var requestId = replay ? _lastCredit : Guid.NewGuid();
        var credited = await Get<CreditOrganisation>().HandleAsync(organisation, amount, BillingData.Usd, "Invoice", "admin", requestId);
        Assert.True(credited.IsSuccess, credited.Error?.Message);
        Assert.Equal(replay ? PostOutcome.AlreadyPosted : PostOutcome.Posted, credited.Value);
        if (!replay)
        {
            _credited[organisation] = _credited.GetValueOrDefault(organisation) + amount;
            (_lastCredit, _lastCreditOrganisation, _lastCreditAmount) = (requestId, organisation, amount);
        }

        return replay ? "credit again" : $"credit {amount}";
    }

    private async Task<string> FundByCardAsync(Random random)
    {
        var index = random.Next(_organisations.Count);
        var amount = random.Next(500, 5_000);
        var started = await Get<AddFunds>().HandleAsync(_organisations[index], _researchers[index], amount, BillingData.Usd);
        Assert.True(started.IsSuccess, started.Error?.Message);
        factory.Emulator.CompleteCheckout(started.Value!.Id);
        var paid = factory.Emulator.EventFor("checkout.session.completed", started.Value.Id);
        var webhook = Get<StripeWebhook>();
        Assert.Equal(WebhookOutcome.Processed, (await webhook.HandleAsync(paid.Json, BillingData.Sign(paid.Json))).Value);
        Assert.Equal(WebhookOutcome.Duplicate, (await webhook.HandleAsync(paid.Json, BillingData.Sign(paid.Json))).Value);
        _credited[_organisations[index]] = _credited.GetValueOrDefault(_organisations[index]) + amount;
        return $"card {amount}";
    }

    private async Task<string> LaunchAsync(Random random)
    {
        var index = random.Next(_organisations.Count);
        var items = random.Next(1, 5);
        var answersPerItem = random.Next(1, 3);
        var job = await factory.CreateJobWithItemsAsync(
            new LabelPlatform.Accounts.AppUser { Id = _researchers[index], OrganisationId = _organisations[index] }, items, answersPerItem, launch: false);
        _jobs[job.Id] = job.OrganisationId;
        var funds = await factory.FundsAsync(job.OrganisationId);
        var launched = await Get<ChangeJobStatus>().HandleAsync(job.Id, job.OrganisationId, JobAction.Launch);
        var budget = items * answersPerItem * Unit;
        if (launched.IsSuccess)
        {
            Assert.Equal(budget, await factory.EscrowAsync(job.Id));
            Assert.Equal(funds - budget, await factory.FundsAsync(job.OrganisationId));
            return $"launch {budget}";
        }

        Assert.True(budget > funds, $"launch of {budget} refused with {funds} in funds: {launched.Error!.Message}");
        Assert.Equal("insufficient_funds", launched.Error!.Code);
        Assert.Equal(funds, await factory.FundsAsync(job.OrganisationId));
        Assert.Equal(0, await factory.EscrowAsync(job.Id));
        return $"launch {budget} refused";
    }

    private async Task<string> AcceptAsync(Random random, int answers)
    {
        var running = await JobsAsync("Running");
        if (running.Count == 0)
        {
            return "accept: no job";
        }

        var job = running[random.Next(running.Count)].Job;
        var accepted = 0;
        for (var i = 0; i < answers; i++)
        {
            var worker = _workers[random.Next(_workers.Count)];
            var claim = await Get<ClaimNextItem>().HandleAsync(job, worker);
            if (!claim.IsSuccess)
            {
                continue;
            }

            var submitted = await Get<SubmitAnswer>().HandleAsync(claim.Value!.AssignmentId, worker, Answer.OneLabel(Labels[random.Next(Labels.Length)]));
            Assert.True(submitted.IsSuccess, submitted.Error?.Message);
            _earned[worker] = _earned.GetValueOrDefault(worker) + Price;
            accepted++;
        }

        return $"accept {accepted}";
    }

    /// <summary>An answer the model sent to a person (written as the model would leave it), then a reviewer's batch decided with some rejected.</summary>
    private async Task<string> ReviewAsync(Random random)
    {
        var running = await JobsAsync("Running");
        if (running.Count > 0)
        {
            var job = running[random.Next(running.Count)].Job;
            var worker = _workers[random.Next(_workers.Count)];
            var claim = await Get<ClaimNextItem>().HandleAsync(job, worker);
            if (claim.IsSuccess)
            {
                await factory.ExecuteAsync(
                    "UPDATE assignments SET status = 'Submitted', submitted_at = now(), label = 'cat', answer = $2::jsonb, review_state = 'NeedsReview' WHERE id = $1",
                    claim.Value!.AssignmentId, Answer.OneLabel("cat").ToJson());
            }
        }

        var batch = await Get<ClaimReviewBatch>().HandleAsync(_reviewer, null);
        Assert.True(batch.IsSuccess, batch.Error?.Message);
        if (batch.Value is not { } claimed)
        {
            return "review: nothing";
        }

        var rejected = claimed.AssignmentIds.Where(_ => random.Next(2) == 0).ToList();
        var decided = await Get<DecideReviewBatch>().HandleAsync(_reviewer, claimed.BatchId, rejected.Select(id => new Rejection(id, "Wrong label")).ToList());
        Assert.True(decided.IsSuccess, decided.Error?.Message);
        foreach (var id in claimed.AssignmentIds.Except(rejected))
        {
            var worker = (await factory.AssignmentAsync(id)).WorkerId;
            _earned[worker] = _earned.GetValueOrDefault(worker) + Price;
        }

        return $"review {claimed.AssignmentIds.Count - rejected.Count}/{rejected.Count}";
    }

    private async Task<string> BonusAsync(Random random)
    {
        var candidates = new List<(Guid Job, string Worker)>();
        await using (var connection = await factory.OpenUnpooledConnectionAsync())
        await using (var read = new Npgsql.NpgsqlCommand("SELECT DISTINCT job_id, worker_id FROM assignments WHERE job_id = ANY($1) AND status = 'Submitted' ORDER BY 1, 2", connection))
        {
            read.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _jobs.Keys.ToArray() });
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                candidates.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        if (candidates.Count == 0)
        {
            return "bonus: nobody";
        }

        var (job, worker) = candidates[random.Next(candidates.Count)];
        var organisation = _jobs[job];
        var amount = random.Next(1, 600);
        var funds = await factory.FundsAsync(organisation);
        var paid = await Get<PayBonus>().HandleAsync(organisation, "researcher", job, worker, amount, "Thanks", Guid.NewGuid());
        var cost = amount + LabelPlatform.Billing.Pricing.Fee(amount, 20, 1);
        if (paid.IsSuccess)
        {
            _earned[worker] = _earned.GetValueOrDefault(worker) + amount;
            Assert.Equal(funds - cost, await factory.FundsAsync(organisation));
            return $"bonus {amount}";
        }

        Assert.Equal("insufficient_funds", paid.Error!.Code);
        Assert.True(cost > funds);
        Assert.Equal(funds, await factory.FundsAsync(organisation));
        return $"bonus {amount} refused";
    }

    private async Task<string> CancelAsync(Random random)
    {
        var live = await JobsAsync("Running", "Paused");
        if (live.Count == 0)
        {
            return "cancel: no job";
        }

        var job = live[random.Next(live.Count)].Job;
        var cancelled = await Get<ChangeJobStatus>().HandleAsync(job, _jobs[job], JobAction.Cancel);
        Assert.True(cancelled.IsSuccess, cancelled.Error?.Message);
        var inHand = await factory.ScalarAsync<long>(
            "SELECT count(*) FROM assignments WHERE job_id = $1 AND (status = 'Leased' OR (status = 'Submitted' AND review_state IN ('Pending', 'NeedsReview', 'Disputed')))", job);
        Assert.Equal(inHand * Unit, await factory.EscrowAsync(job));
        return "cancel";
    }

    private async Task<string> SweepAsync()
    {
        await Get<EscrowSweep>().RunAsync(CancellationToken.None);
        return "sweep";
    }

    private async Task<string> SettleAsync(Random random)
    {
        var refuse = random.Next(4) == 0;
        if (refuse)
        {
            factory.Emulator.FailNext("/v1/transfers", 1, 400, "invalid_request_error", "account_closed", "The destination account is closed.");
        }

        var twice = random.Next(3) == 0;
        var results = twice
            ? await Task.WhenAll(Get<SettlePayouts>().RunAsync(), Get<SettlePayouts>().RunAsync())
            : [await Get<SettlePayouts>().RunAsync()];
        // A refusal injected when nobody was due meets the next transfer, in a later step: as it may in life.
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE status = 'Pending'"));
        return $"settle{(twice ? " x2" : "")} {results.Sum(r => r.Paid)} paid {results.Sum(r => r.Failed)} refused";
    }

    private async Task<string> ReverseAsync(Random random)
    {
        var open = factory.Emulator.Transfers.Where(t => t.AmountReversed < t.Amount).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        if (open.Count == 0)
        {
            return "reverse: nothing";
        }

        var transfer = open[random.Next(open.Count)];
        var amount = random.Next(1, (int)(transfer.Amount - transfer.AmountReversed) + 1);
        factory.Emulator.ReverseTransfer(transfer.Id, amount);
        var events = factory.Emulator.Events.Where(e => e.Type == "transfer.reversed" && e.Json.Contains(transfer.Id, StringComparison.Ordinal)).ToList();
        var webhook = Get<StripeWebhook>();

        // The new event, then an older one again (a late retry) if there is one: neither may credit twice.
        Assert.True((await webhook.HandleAsync(events[^1].Json, BillingData.Sign(events[^1].Json))).IsSuccess);
        var older = events[random.Next(events.Count)];
        Assert.True((await webhook.HandleAsync(older.Json, BillingData.Sign(older.Json))).IsSuccess);
        return $"reverse {amount}";
    }

    private async Task CheckAsync()
    {
        await LedgerChecks.AssertSoundAsync(factory);
        foreach (var organisation in _organisations)
        {
            var credited = await factory.ScalarAsync<long>(
                """
                SELECT coalesce(sum(e.amount), 0)::bigint FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
                WHERE t.organisation_id = $1 AND t.kind IN ('Funding', 'ManualCredit') AND e.account_id = $2
                """,
                organisation, LedgerAccount.Funds(organisation, BillingData.Usd));
            Assert.True(_credited.GetValueOrDefault(organisation) == credited, $"organisation {organisation}: credited {_credited.GetValueOrDefault(organisation)}, the ledger says {credited}");
        }

        foreach (var worker in _workers)
        {
            var earned = await factory.ScalarAsync<long>(
                """
                SELECT coalesce(sum(e.amount), 0)::bigint FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
                WHERE t.kind IN ('Earning', 'Bonus') AND e.account_id = $1
                """,
                LedgerAccount.Payable(worker, BillingData.Usd));
            Assert.True(_earned.GetValueOrDefault(worker) == earned, $"worker {worker}: earned {_earned.GetValueOrDefault(worker)}, the ledger says {earned}");
        }

        // Stripe and the ledger agree on what reached the workers, transfer by transfer.
        var transfers = factory.Emulator.Transfers;
        Assert.All(factory.Emulator.TransfersPerPayout(), p => Assert.Equal(1, p.Value));
        var net = transfers.Sum(t => t.Amount - t.AmountReversed);
        var ledgerNet = await factory.ScalarAsync<long>(
            """
            SELECT coalesce(sum(e.amount), 0)::bigint FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
            WHERE t.kind IN ('PayoutSent', 'PayoutReversed') AND e.account_id = $1
            """,
            LedgerAccount.Clearing(BillingData.Usd));
        Assert.True(net == ledgerNet, $"Stripe holds {net} sent net of reversals; the ledger's clearing says {ledgerNet}");
        var reversed = new Dictionary<string, long>();
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using (var read = new Npgsql.NpgsqlCommand("SELECT stripe_transfer_id, amount_reversed FROM payouts WHERE stripe_transfer_id IS NOT NULL", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reversed[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        Assert.Equal(transfers.Count, reversed.Count);
        Assert.All(transfers, t => Assert.True(reversed.GetValueOrDefault(t.Id, -1) == t.AmountReversed, $"transfer {t.Id}: Stripe reversed {t.AmountReversed}, the payout says {reversed.GetValueOrDefault(t.Id, -1)}"));
    }
}
