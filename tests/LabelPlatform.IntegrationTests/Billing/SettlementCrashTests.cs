using LabelPlatform.Billing.Settlement;
using LabelPlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>
/// Settlement killed at the worst moment: Stripe has made the transfer and the process dies before
/// writing it down. The next run must find the payout, look up what Stripe made for it (by its
/// transfer group, as its idempotency key may have expired by the next daily run), and record the one
/// transfer Stripe made, sending only the payouts Stripe never saw.
/// </summary>
public class SettlementCrashTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Settle_ProcessKilledAfterStripeMadeTheTransfer_NextRunRecordsEachTransferOnce()
    {
        var workers = await factory.PayableWorkersAsync(6, 800);
        var clearing = await factory.ClearingAsync();
        factory.Emulator.HoldAfterCommit("/v1/transfers");

        var settings = factory.Settings().Concat(new Dictionary<string, string>
        {
            ["Billing:SettlementParallelism"] = "2",
            ["BackgroundJobs:Enabled"] = "false",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        });
        await using (var settle = AppProcess.Start(AppProcess.WebApp, ["settle"], factory, "settle-under-test", settings))
        {
            var held = factory.Emulator.WaitForHeldAsync();
            var first = await Task.WhenAny(held, settle.Exited, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(first == held, $"settle never reached Stripe (exited: {settle.Exited.IsCompleted}):\n{settle.Output}");
            await settle.KillAsync();
        }

        factory.Emulator.ReleaseHeld();
        var madeBeforeCrash = factory.Emulator.Transfers.Count;
        Assert.InRange(madeBeforeCrash, 1, 2);
        Assert.Equal(6, await factory.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE status = 'Pending'"));
        foreach (var worker in workers)
        {
            Assert.Equal(800, await factory.InTransitAsync(worker.WorkerId));
        }

        var replaysBefore = factory.Emulator.Stats.Replays;
        var result = await factory.Services.GetRequiredService<SettlePayouts>().RunAsync();

        Assert.Equal((0, 6, 0, 0), (result.Started, result.Paid, result.Failed, result.StillPending));
        Assert.Equal(0, factory.Emulator.Stats.Replays - replaysBefore); // found by lookup, not sent again
        var perPayout = factory.Emulator.TransfersPerPayout();
        Assert.Equal(6, perPayout.Count);
        Assert.All(perPayout, p => Assert.Equal(1, p.Value));
        foreach (var worker in workers)
        {
            var transfer = Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId);
            Assert.Equal(800, transfer.Amount);
            Assert.Equal("Paid", await factory.ScalarAsync<string>("SELECT status FROM payouts WHERE stripe_transfer_id = $1", transfer.Id));
            Assert.Equal(0, await factory.PayableAsync(worker.WorkerId));
            Assert.Equal(0, await factory.InTransitAsync(worker.WorkerId));
        }

        Assert.Equal(clearing + (6 * 800), await factory.ClearingAsync());
        await LedgerChecks.AssertSoundAsync(factory);
    }
}
