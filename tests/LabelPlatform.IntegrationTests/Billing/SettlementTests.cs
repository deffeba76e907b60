using LabelPlatform.Billing.Settlement;
using LabelPlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>Settlement against the Stripe emulator: who is paid, once, and what happens when Stripe refuses or stumbles.</summary>
public class SettlementTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private SettlePayouts Settle => factory.Services.GetRequiredService<SettlePayouts>();

    /// <summary>Pays whatever earlier tests left due, so the next injected failure meets this test's payout.</summary>
    private async Task DrainAsync()
    {
        await Settle.RunAsync();
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE status = 'Pending'"));
    }

    private async Task<(string Status, long Amount, string Key, string? Reason, string? Transfer)> PayoutAsync(string workerId)
    {
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using var read = new Npgsql.NpgsqlCommand(
            "SELECT status, amount, idempotency_key, failure_reason, stripe_transfer_id FROM payouts WHERE worker_id = $1 ORDER BY created_at DESC LIMIT 1", connection);
        read.Parameters.Add(new Npgsql.NpgsqlParameter { Value = workerId });
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no payout for {workerId}");
        return (reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    private async Task AssertPaidOnceAsync(PaidWorker worker, long amount)
    {
        var payout = await PayoutAsync(worker.WorkerId);
        Assert.Equal(("Paid", amount), (payout.Status, payout.Amount));
        var transfer = Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId);
        Assert.Equal((payout.Transfer, amount, payout.Key), (transfer.Id, transfer.Amount, transfer.IdempotencyKey));
        Assert.Equal(0, await factory.PayableAsync(worker.WorkerId));
        Assert.Equal(0, await factory.InTransitAsync(worker.WorkerId));
    }

    [Fact]
    public async Task RunAsync_WorkersDue_PaysEachOnceAndClearingMatchesStripe()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(12, 1_234);
        var clearing = await factory.ClearingAsync();

        var result = await Settle.RunAsync();

        Assert.Equal((12, 12, 0, 0), (result.Started, result.Paid, result.Failed, result.StillPending));
        foreach (var worker in workers)
        {
            await AssertPaidOnceAsync(worker, 1_234);
        }

        Assert.Equal(clearing + (12 * 1_234), await factory.ClearingAsync());
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RunAsync_BelowMinimumOrNotOnboarded_PaysNobodyAndKeepsTheirBalance()
    {
        await DrainAsync();
        var small = (await factory.PayableWorkersAsync(1, 499))[0];
        var users = await factory.InsertWorkersAsync(1);
        await factory.ConnectAsync(users.Select(u => u.Id), enabled: false);
        var organisation = Guid.NewGuid();
        Assert.True((await factory.PostAsync(LabelPlatform.Billing.Ledger.Postings.ManualCredit(organisation, "USD", 2_000, "Test", "admin", Guid.NewGuid()))).IsSuccess);
        Assert.True((await factory.PostAsync(LabelPlatform.Billing.Ledger.Postings.Bonus(Guid.NewGuid(), organisation, Guid.NewGuid(), users[0].Id, "USD", 1_000, 200, "b", "r"))).IsSuccess);

        var result = await Settle.RunAsync();

        Assert.Equal(0, result.Started);
        Assert.Equal(499, await factory.PayableAsync(small.WorkerId));
        Assert.Equal(1_000, await factory.PayableAsync(users[0].Id));
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE worker_id = ANY($1)", (object)new[] { small.WorkerId, users[0].Id }));
    }

    [Fact]
    public async Task RunAsync_TwoRunsAtOnce_PayNobodyTwice()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(30, 700);
        factory.Emulator.Latency = TimeSpan.FromMilliseconds(20);
        try
        {
            var results = await Task.WhenAll(Settle.RunAsync(), Settle.RunAsync(), Settle.RunAsync());

            Assert.Equal(30, results.Sum(r => r.Started));
            Assert.Equal(30, results.Sum(r => r.Paid));
        }
        finally
        {
            factory.Emulator.Latency = TimeSpan.Zero;
        }

        foreach (var worker in workers)
        {
            await AssertPaidOnceAsync(worker, 700);
            Assert.Equal(1, await factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE worker_id = $1", worker.WorkerId));
        }

        Assert.All(factory.Emulator.TransfersPerPayout(), p => Assert.Equal(1, p.Value));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RunAsync_StripeRefusesForGood_MoneyBackToPayableWithTheReason()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 900))[0];
        factory.Emulator.FailNext("/v1/transfers", 1, 400, "invalid_request_error", "account_closed", "The destination account is closed.");

        var result = await Settle.RunAsync();

        Assert.Equal((1, 0, 1), (result.Started, result.Paid, result.Failed));
        var payout = await PayoutAsync(worker.WorkerId);
        Assert.Equal("Failed", payout.Status);
        Assert.Contains("The destination account is closed.", payout.Reason);
        Assert.Equal(900, await factory.PayableAsync(worker.WorkerId));
        Assert.Equal(0, await factory.InTransitAsync(worker.WorkerId));
        Assert.DoesNotContain(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId);
        Assert.Contains("The destination account is closed.", await factory.ScalarAsync<string>(
            "SELECT memo FROM ledger_transactions WHERE kind = 'PayoutFailed' AND worker_id = $1", worker.WorkerId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RunAsync_Transient500And429_RetriedWithTheSameKeyAndPaidOnce()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 1_500))[0];
        factory.Emulator.FailNext("/v1/transfers", 1, 500, "api_error", null, "Something went wrong on Stripe's end.");
        factory.Emulator.FailNext("/v1/transfers", 1, 429, "rate_limit_error", "rate_limit", "Too many requests hit the API too quickly.");
        var writes = factory.Emulator.Stats.Writes;

        var result = await Settle.RunAsync();

        Assert.Equal((1, 1, 0), (result.Started, result.Paid, result.Failed));
        Assert.Equal(3, factory.Emulator.Stats.Writes - writes);
        await AssertPaidOnceAsync(worker, 1_500);
    }

    [Fact]
    public async Task RunAsync_StripeDownForEveryAttempt_LeftPendingThenPaidOnceByTheNextRun()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 2_000))[0];
        factory.Emulator.FailNext("/v1/transfers", 4, 503, "api_error", null, "Service unavailable.");

        var first = await Settle.RunAsync();
        var pending = await PayoutAsync(worker.WorkerId);
        var second = await Settle.RunAsync();

        Assert.Equal((1, 0, 1), (first.Started, first.Paid, first.StillPending));
        Assert.Equal("Pending", pending.Status);
        Assert.Contains("503", pending.Reason);
        Assert.Equal((0, 1), (second.Started, second.Paid));
        await AssertPaidOnceAsync(worker, 2_000);
        Assert.Equal(pending.Key, (await PayoutAsync(worker.WorkerId)).Key);
    }

    [Fact]
    public async Task StartAsync_WorkerWithAPayoutInFlightEarnsMore_NoSecondPayoutUntilTheFirstIsSettled()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 800))[0];
        Assert.Equal(1, await Settle.StartAsync(CancellationToken.None));
        var organisation = Guid.NewGuid();
        Assert.True((await factory.PostAsync(LabelPlatform.Billing.Ledger.Postings.ManualCredit(organisation, "USD", 1_000, "Test", "admin", Guid.NewGuid()))).IsSuccess);
        Assert.True((await factory.PostAsync(LabelPlatform.Billing.Ledger.Postings.Bonus(Guid.NewGuid(), organisation, Guid.NewGuid(), worker.WorkerId, "USD", 600, 120, "b", "r"))).IsSuccess);

        var again = await Settle.StartAsync(CancellationToken.None);
        Assert.Equal(0, again);

        // A run writes payouts down while it sends them: whether the 600 starts in the run that pays the
        // 800 (once that one is paid) or in the next depends on which of the two gets there first, so the
        // two runs are counted together, and the order of the transfers says the second waited.
        var first = await Settle.RunAsync();
        var second = await Settle.RunAsync();

        Assert.Equal((1, 2), (first.Started + second.Started, first.Paid + second.Paid));
        Assert.Equal(new long[] { 800, 600 }, factory.Emulator.Transfers.Where(t => t.Destination == worker.StripeAccountId).Select(t => t.Amount).ToArray());
        Assert.Equal(0, await factory.PayableAsync(worker.WorkerId));
        await LedgerChecks.AssertSoundAsync(factory);
    }
}
