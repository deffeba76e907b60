using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>
/// Settlement killed at the worst moment: Stripe has made the transfer and the process dies before
/// writing it down. The next run must find the payout, ask again with the same key, and record the
/// one transfer Stripe made.
/// </summary>
public class SettlementCrashTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Settle_ProcessKilledAfterStripeMadeTheTransfer_NextRunRecordsEachTransferOnce()
    {
        var workers = await factory.PayableWorkersAsync(6, 800);
        var clearing = await factory.ClearingAsync();
        factory.Emulator.HoldAfterCommit("/v1/transfers");

        await using (var settle = SettleProcess.Start(factory, new Dictionary<string, string> { ["Billing:SettlementParallelism"] = "2" }))
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
        Assert.Equal(madeBeforeCrash, factory.Emulator.Stats.Replays - replaysBefore);
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

/// <summary>The web app's `settle` command as a process of its own, on the test's database and emulator, configured by environment variables.</summary>
public sealed class SettleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SettleProcess(Process process)
    {
        _process = process;
        Exited = process.WaitForExitAsync();
    }

    public static string DllPath { get; } = typeof(SettleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WebAppPath").Value!;

    public Task Exited { get; }

    public string Output => string.Join(Environment.NewLine, _output);

    public static SettleProcess Start(BillingFactory factory, IReadOnlyDictionary<string, string> overrides)
    {
        Assert.True(File.Exists(DllPath), $"The web app is not built at {DllPath}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(DllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        start.ArgumentList.Add("settle");
        start.Environment["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString) { ApplicationName = "settle-under-test" }.ConnectionString;
        start.Environment["Storage__Root"] = factory.StorageRoot;
        start.Environment["BackgroundJobs__Enabled"] = "false";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in factory.Settings().Concat(overrides))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new SettleProcess(Process.Start(start) ?? throw new InvalidOperationException("settle did not start."));
        process._process.OutputDataReceived += (_, e) => process.Keep(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Keep(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills the process tree at once, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
