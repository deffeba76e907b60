using System.Net;
using System.Net.Http.Json;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class FaultTests : EmulatorTestBase
{
    [Fact]
    public async Task CreateTransfer_AboveRate_Gets429RateLimitError()
    {
        var account = await OnboardedAccountAsync();
        Emulator.EndpointRequestsPerSecond = 2;

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await TransferAsync(account.Id, 100 + i);
                return null;
            }
            catch (StripeException e)
            {
                return e;
            }
        }));

        var limited = results.Where(e => e is not null).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, e =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, e!.HttpStatusCode);
            Assert.Equal("rate_limit_error", e.StripeError.Type);
            Assert.Equal("rate_limit", e.StripeError.Code);
        });
        Assert.Equal(limited.Count, Emulator.Stats.Http429);
        Assert.Equal(20 - limited.Count, Emulator.Transfers.Count);
    }

    [Fact]
    public async Task CreateTransfer_PacedUnderRate_NeverGets429()
    {
        var account = await OnboardedAccountAsync();
        Emulator.EndpointRequestsPerSecond = 10;
        await Task.Delay(200);

        for (var i = 0; i < 25; i++)
        {
            var started = DateTime.UtcNow;
            await TransferAsync(account.Id, 100 + i);
            var wait = TimeSpan.FromMilliseconds(125) - (DateTime.UtcNow - started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        Assert.Equal(0, Emulator.Stats.Http429);
        Assert.Equal(25, Emulator.Transfers.Count);
    }

    [Theory]
    [InlineData(500, "api_error", null)]
    [InlineData(400, "invalid_request_error", "account_closed")]
    public async Task CreateTransfer_FailNext_ThrowsGivenErrorAndCreatesNothing(int status, string type, string? code)
    {
        var account = await OnboardedAccountAsync();
        Emulator.FailNext("/v1/transfers", 1, status, type, code, "Injected");

        var error = await Assert.ThrowsAsync<StripeException>(() => TransferAsync(account.Id, 500, "payout-9"));
        var retried = await TransferAsync(account.Id, 500, "payout-9");

        Assert.Equal(status, (int)error.HttpStatusCode);
        Assert.Equal(type, error.StripeError.Type);
        Assert.Equal(code, error.StripeError.Code);
        Assert.Equal("Injected", error.StripeError.Message);
        Assert.Equal(retried.Id, Assert.Single(Emulator.Transfers).Id);
    }

    [Fact]
    public async Task ControlApi_Fail_InjectsErrorForPathPrefix()
    {
        var account = await OnboardedAccountAsync();
        using var set = await Http.PostAsJsonAsync(new Uri(Emulator.BaseUrl, "_emulator/fail"),
            new { path = "/v1/transfers", count = 2, status = 503, type = "api_error", message = "Down" });
        set.EnsureSuccessStatusCode();

        var first = await Assert.ThrowsAsync<StripeException>(() => TransferAsync(account.Id, 500));
        var second = await Assert.ThrowsAsync<StripeException>(() => TransferAsync(account.Id, 500));
        await TransferAsync(account.Id, 500);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.HttpStatusCode);
        Assert.Equal("Down", second.StripeError.Message);
        Assert.Single(Emulator.Transfers);
    }

    [Fact]
    public async Task CreateTransfer_HoldAfterCommit_RecordsTransferWhileClientWaits()
    {
        var account = await OnboardedAccountAsync();
        Emulator.HoldAfterCommit("/v1/transfers");

        var pending = TransferAsync(account.Id, 700, "payout-held");
        await Emulator.WaitForHeldAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var held = await Http.GetFromJsonAsync<HeldCount>(new Uri(Emulator.BaseUrl, "_emulator/held"));

        var stored = Assert.Single(Emulator.Transfers);
        Assert.Equal("payout-held", stored.IdempotencyKey);
        Assert.Equal(1, held!.Count);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);
        Emulator.ReleaseHeld();
        var transfer = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(stored.Id, transfer.Id);
        Assert.Equal(0, Emulator.HeldCount);
        var replay = await TransferAsync(account.Id, 700, "payout-held");
        Assert.Equal(stored.Id, replay.Id);
    }

    [Fact]
    public async Task CreateTransfer_HeldClientGivesUp_RetryWithSameKeyReplaysCommittedTransfer()
    {
        var account = await OnboardedAccountAsync();
        Emulator.HoldAfterCommit("/v1/transfers");
        using var crash = new CancellationTokenSource();

        var pending = Client.V1.Transfers.CreateAsync(
            new TransferCreateOptions { Amount = 900, Currency = "usd", Destination = account.Id },
            new RequestOptions { IdempotencyKey = "payout-crash" }, crash.Token);
        await Emulator.WaitForHeldAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await crash.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        for (var i = 0; i < 100 && Emulator.HeldCount > 0; i++)
        {
            await Task.Delay(20);
        }
        Emulator.ReleaseHeld();
        var retried = await TransferAsync(account.Id, 900, "payout-crash");

        Assert.Equal(0, Emulator.HeldCount);
        Assert.Equal(retried.Id, Assert.Single(Emulator.Transfers).Id);
        Assert.Equal(1, Emulator.Stats.Replays);
    }

    [Fact]
    public async Task AnyRequest_WithLatency_IsDelayedButConcurrent()
    {
        var account = await OnboardedAccountAsync();
        Emulator.Latency = TimeSpan.FromMilliseconds(300);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Client.V1.Accounts.GetAsync(account.Id)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(10));
    }

    private sealed record HeldCount(int Count);
}
