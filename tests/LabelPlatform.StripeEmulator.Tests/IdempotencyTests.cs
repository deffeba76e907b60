using System.Net;
using System.Text.Json.Nodes;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class IdempotencyTests : EmulatorTestBase
{
    [Fact]
    public async Task CreateTransfer_RepeatedKey_ReplaysSameTransferAndCreatesOne()
    {
        var account = await OnboardedAccountAsync();

        var first = await TransferAsync(account.Id, 500, "payout-1", new() { ["payout_id"] = "1" });
        var again = await TransferAsync(account.Id, 500, "payout-1", new() { ["payout_id"] = "1" });

        Assert.Equal(first.Id, again.Id);
        var stored = Assert.Single(Emulator.Transfers);
        Assert.Equal("payout-1", stored.IdempotencyKey);
        Assert.Equal("true", again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, Emulator.Stats.Replays);
        Assert.Equal(1, Emulator.Stats.TransfersCreated);
    }

    [Fact]
    public async Task CreateTransfer_SameKeyDifferentAmount_FailsWithIdempotencyError()
    {
        var account = await OnboardedAccountAsync();
        await TransferAsync(account.Id, 500, "payout-2");

        var error = await Assert.ThrowsAsync<StripeException>(() => TransferAsync(account.Id, 501, "payout-2"));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.Contains("Try using a key other than 'payout-2'", error.StripeError.Message);
        Assert.Single(Emulator.Transfers);
    }

    [Fact]
    public async Task CreateTransfer_ConcurrentSameKey_CreatesOneTransfer()
    {
        var account = await OnboardedAccountAsync();
        Emulator.Latency = TimeSpan.FromMilliseconds(100);

        var transfers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TransferAsync(account.Id, 500, "payout-3")));

        Assert.Single(transfers.Select(t => t.Id).Distinct());
        Assert.Single(Emulator.Transfers);
        Assert.Equal(19, Emulator.Stats.Replays);
    }

    [Fact]
    public async Task CreateTransfer_KeyFirstRejectedAsInvalid_RetryExecutesAfresh()
    {
        var account = await NewAccountAsync();
        await Assert.ThrowsAsync<StripeException>(() => TransferAsync(account.Id, 500, "payout-4"));
        Emulator.CompleteOnboarding(account.Id);

        var transfer = await TransferAsync(account.Id, 500, "payout-4");

        Assert.Equal(transfer.Id, Assert.Single(Emulator.Transfers).Id);
    }

    [Fact]
    public async Task ControlApi_Transfers_ListsIdempotencyKeys()
    {
        var account = await OnboardedAccountAsync();
        var transfer = await TransferAsync(account.Id, 500, "payout-5");

        var json = JsonNode.Parse(await Http.GetStringAsync(new Uri(Emulator.BaseUrl, "_emulator/transfers")))!.AsArray();
        var stats = JsonNode.Parse(await Http.GetStringAsync(new Uri(Emulator.BaseUrl, "_emulator/stats")))!;

        Assert.Equal(transfer.Id, json.Single()!["id"]!.GetValue<string>());
        Assert.Equal("payout-5", json.Single()!["idempotency_key"]!.GetValue<string>());
        Assert.Equal(1, stats["transfersCreated"]!.GetValue<long>());
        Assert.True(stats["writes"]!.GetValue<long>() >= 2);
    }
}
