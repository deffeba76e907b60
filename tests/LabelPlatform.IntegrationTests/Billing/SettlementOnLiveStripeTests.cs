using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>
/// Settlement meeting what live Stripe does and a naive emulator did not: funds still pending, a
/// revoked key, Stripe down, an answer lost and its idempotency key expired. Each would have failed
/// payouts, alerted nobody or paid twice before.
/// </summary>
public class SettlementOnLiveStripeTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private const long Plenty = 1_000_000_000_000;

    private SettlePayouts Settle => factory.Services.GetRequiredService<SettlePayouts>();

    private async Task DrainAsync()
    {
        await Settle.RunAsync();
        await factory.ExecuteAsync("UPDATE billing_alerts SET dismissed_at = now() WHERE dismissed_at IS NULL");
    }

    private Task<long> PayoutsAsync(IEnumerable<PaidWorker> workers, string status) =>
        factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE worker_id = ANY($1) AND status = $2", (object)workers.Select(w => w.WorkerId).ToArray(), status);

    private Task<long> OpenAlertsAsync(string kind) =>
        factory.ScalarAsync<long>("SELECT count(*) FROM billing_alerts WHERE dismissed_at IS NULL AND kind = $1", kind);

    [Fact]
    public async Task RunAsync_HalfTheFundsStillPending_PaysWhatIsAvailableTheRestWaitsNoneFails()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(4, 1_000);
        factory.Emulator.SetAvailableBalance("usd", 2_500);
        factory.Emulator.AddPendingFunds("usd", 10_000, TimeSpan.FromDays(2));
        try
        {
            var first = await Settle.RunAsync();

            Assert.Equal((4, 2, 0, 2, 2), (first.Started, first.Paid, first.Failed, first.StillPending, first.WaitingForFunds));
            Assert.Equal(0, await PayoutsAsync(workers, "Failed"));
            var reasons = await factory.ScalarAsync<string[]>(
                "SELECT array_agg(failure_reason) FROM payouts WHERE worker_id = ANY($1) AND status = 'Pending'", (object)workers.Select(w => w.WorkerId).ToArray());
            Assert.All(reasons, r => Assert.Contains("Waiting for the platform's Stripe balance", r, StringComparison.Ordinal));
            Assert.All(reasons, r => Assert.Contains("100.00 USD still pending", r, StringComparison.Ordinal));
            Assert.Equal(1, await OpenAlertsAsync(BillingAlertKinds.FundsPending));

            // Two days on the funds are available: the next run pays the two that waited, once.
            factory.Emulator.AdvanceTime(TimeSpan.FromDays(2));
            var second = await Settle.RunAsync();

            Assert.Equal((0, 2, 0, 0), (second.Started, second.Paid, second.Failed, second.StillPending));
            Assert.Equal(4, await PayoutsAsync(workers, "Paid"));
            Assert.All(workers, w => Assert.Single(factory.Emulator.Transfers, t => t.Destination == w.StripeAccountId));
            await LedgerChecks.AssertSoundAsync(factory);
        }
        finally
        {
            factory.Emulator.SetAvailableBalance("usd", Plenty);
        }
    }

    [Fact]
    public async Task RunAsync_StripeSaysBalanceInsufficient_PayoutWaitsAndIsNotFailed()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 900))[0];
        // Another process spent the balance after this run read it.
        factory.Emulator.FailNext("/v1/transfers", 1, 400, "invalid_request_error", "balance_insufficient",
            "You have insufficient available funds in your Stripe account.");

        var result = await Settle.RunAsync();

        Assert.Equal((1, 0, 0, 1), (result.Started, result.Paid, result.Failed, result.WaitingForFunds));
        Assert.Equal(1, await PayoutsAsync([worker], "Pending"));
        Assert.Equal(900, await factory.InTransitAsync(worker.WorkerId));
        Assert.Equal(0, await factory.ScalarAsync<int>("SELECT attempts FROM payouts WHERE worker_id = $1", worker.WorkerId));
        Assert.Equal(1, (await Settle.RunAsync()).Paid);
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RunAsync_KeyRevoked_StopsBeforeWritingAnythingDownAndAlertsOnce()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(5, 700);
        var requests = factory.Emulator.Stats.Requests;
        factory.Emulator.RevokeKey();
        try
        {
            var stopped = await Settle.RunAsync();
            var again = await Settle.RunAsync();

            Assert.Equal((0, 0, 0), (stopped.Started, stopped.Paid, stopped.Failed));
            Assert.Contains("api_key_expired", stopped.StoppedBecause, StringComparison.Ordinal);
            Assert.NotNull(again.StoppedBecause);
            Assert.Equal(2, factory.Emulator.Stats.Requests - requests); // one balance read per run, nothing else
            Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE worker_id = ANY($1)", (object)workers.Select(w => w.WorkerId).ToArray()));
            Assert.All(workers, w => Assert.DoesNotContain(factory.Emulator.Transfers, t => t.Destination == w.StripeAccountId));
            Assert.Equal(1, await OpenAlertsAsync(BillingAlertKinds.SettlementStopped));
        }
        finally
        {
            factory.Emulator.RestoreKey();
        }

        Assert.Equal(5, (await Settle.RunAsync()).Paid);
    }

    [Fact]
    public async Task RunAsync_401OnTransfers_StopsTheRunOnceAndNoPayoutChanges()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(12, 700);
        var writes = factory.Emulator.Stats.Writes;
        factory.Emulator.FailNext("/v1/transfers", 1_000, 401, "invalid_request_error", null, "Invalid API Key provided: sk_test_****");
        try
        {
            var result = await Settle.RunAsync();

            Assert.NotNull(result.StoppedBecause);
            Assert.Equal((0, 0), (result.Paid, result.Failed));
            // The senders in flight when the first 401 came back: at most one each, never one per payout.
            Assert.InRange(factory.Emulator.Stats.Writes - writes, 1, 4);
            Assert.Equal(12, await PayoutsAsync(workers, "Pending"));
            Assert.Equal(0, await factory.ScalarAsync<long>(
                "SELECT count(*) FROM payouts WHERE worker_id = ANY($1) AND (attempts <> 0 OR failure_reason IS NOT NULL)", (object)workers.Select(w => w.WorkerId).ToArray()));
            Assert.Equal(1, await OpenAlertsAsync(BillingAlertKinds.SettlementStopped));
        }
        finally
        {
            factory.Emulator.ClearFaults();
        }

        Assert.Equal(12, (await Settle.RunAsync()).Paid);
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RunAsync_StripeDown_StopsAfterAFewPayoutsInsteadOfTryingEveryOne()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(20, 600);
        factory.Emulator.FailNext("/v1/transfers", 10_000, 503, "api_error", null, "Service unavailable.");
        try
        {
            var result = await Settle.RunAsync();

            Assert.NotNull(result.StoppedBecause);
            Assert.Equal((0, 0), (result.Paid, result.Failed));
            Assert.InRange(await factory.ScalarAsync<long>(
                "SELECT count(*) FROM payouts WHERE worker_id = ANY($1) AND attempts > 0", (object)workers.Select(w => w.WorkerId).ToArray()), SettlePayouts.StopAfterUnanswered, 8);
            Assert.Equal(1, await OpenAlertsAsync(BillingAlertKinds.StripeUnreachable));
        }
        finally
        {
            factory.Emulator.ClearFaults();
        }

        Assert.Equal(20, (await Settle.RunAsync()).Paid);
        Assert.All(factory.Emulator.TransfersPerPayout(), p => Assert.Equal(1, p.Value));
    }

    [Fact]
    public async Task RunAsync_AnswerLostAndKeyExpiredBeforeTheNextRun_TheTransferIsFoundNotMadeAgain()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 1_100))[0];
        // Stripe makes the transfer; every answer to it in this run (the first and each replay) is cut off.
        factory.Emulator.CutNext("/v1/transfers", 4);

        var first = await Settle.RunAsync();
        var made = Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId);
        Assert.Equal((0, 0, 1), (first.Paid, first.Failed, first.StillPending));
        Assert.Contains("no answer that could be read", await factory.ScalarAsync<string>("SELECT failure_reason FROM payouts WHERE worker_id = $1", worker.WorkerId));

        // The next daily run comes more than 24 hours later: Stripe has forgotten the key.
        factory.Emulator.AdvanceTime(TimeSpan.FromHours(25));
        var second = await Settle.RunAsync();

        Assert.Equal((1, 0), (second.Paid, second.Failed));
        Assert.Equal(made.Id, Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId).Id);
        Assert.Equal(made.Id, await factory.ScalarAsync<string>("SELECT stripe_transfer_id FROM payouts WHERE worker_id = $1", worker.WorkerId));
        Assert.Equal(0, await factory.InTransitAsync(worker.WorkerId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RunAsync_StripeLimitLowerThanConfigured_BacksOffOn429AndPaysEachOnce()
    {
        await DrainAsync();
        var workers = await factory.PayableWorkersAsync(30, 650);
        var limited = factory.Emulator.Stats.Http429;
        factory.Emulator.EndpointRequestsPerSecond = 10;
        try
        {
            var result = await Settle.RunAsync();

            // A 429 never fails a payout; one that met it on every attempt waits for the next run.
            Assert.Equal((30, 0), (result.Paid + result.StillPending, result.Failed));
            Assert.True(factory.Emulator.Stats.Http429 > limited, "the emulator's limit is below the configured one, so some requests meet 429");
            Assert.True(factory.Services.GetRequiredService<LabelPlatform.Billing.Stripe.StripeRateLimiter>().EndpointRate("POST /v1/transfers") < 1_000,
                "the limiter slowed the endpoint Stripe named");
        }
        finally
        {
            factory.Emulator.EndpointRequestsPerSecond = null;
        }

        await Settle.RunAsync();
        Assert.Equal(30, await PayoutsAsync(workers, "Paid"));
        Assert.All(workers, w => Assert.Single(factory.Emulator.Transfers, t => t.Destination == w.StripeAccountId));
    }

    [Fact]
    public async Task RunAsync_ZeroDecimalCurrency_PaysYenAsYenAndReconcilesPerCurrency()
    {
        await DrainAsync();
        var worker = (await factory.PayableWorkersAsync(1, 700))[0];
        var organisation = Guid.NewGuid();
        Assert.True((await factory.PostAsync(LabelPlatform.Billing.Ledger.Postings.ManualCredit(organisation, "JPY", 5_000, "Invoice", "admin", Guid.NewGuid()))).IsSuccess);
        Assert.True((await factory.PostAsync(LabelPlatform.Billing.Ledger.Postings.Bonus(Guid.NewGuid(), organisation, Guid.NewGuid(), worker.WorkerId, "JPY", 1_200, 240, "b", "r"))).IsSuccess);

        var result = await Settle.RunAsync();

        Assert.Equal((2, 2), (result.Started, result.Paid));
        var yen = Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId && t.Currency == "jpy");
        Assert.Equal(1_200, yen.Amount);
        Assert.Equal(700, Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId && t.Currency == "usd").Amount);

        var report = await factory.Services.GetRequiredService<LabelPlatform.Billing.Statements.Reconciliation>().RunAsync(TimeSpan.FromDays(400));
        var jpy = Assert.Single(report.Currencies, c => c.Currency == "JPY");
        Assert.Equal((0L, 1_200L, 1_200L), (jpy.TrialBalance, jpy.LedgerSent, jpy.StripeSent));
        Assert.All(report.Currencies, c => Assert.Equal(0, c.TrialBalance));
        Assert.Equal(report.Currencies.Single(c => c.Currency == "USD").LedgerSent, report.Currencies.Single(c => c.Currency == "USD").StripeSent);
    }
}
