using System.Net;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class TransferTests : EmulatorTestBase
{
    protected override EmulatorOptions Options => new() { PlatformBalance = { ["eur"] = 1000 } };

    [Fact]
    public async Task CreateTransfer_OnboardedDestination_ReturnsStripeTransfer()
    {
        var account = await OnboardedAccountAsync();

        var transfer = await Client.V1.Transfers.CreateAsync(new TransferCreateOptions
        {
            Amount = 1234,
            Currency = "USD",
            Destination = account.Id,
            TransferGroup = "payout_7",
            Description = "Labels",
            Metadata = new() { ["payout_id"] = "7" },
        });

        Assert.StartsWith("tr_", transfer.Id);
        Assert.Equal(1234, transfer.Amount);
        Assert.Equal("usd", transfer.Currency);
        Assert.Equal(account.Id, transfer.DestinationId);
        Assert.False(transfer.Reversed);
        Assert.Equal(0, transfer.AmountReversed);
        Assert.Equal("7", transfer.Metadata["payout_id"]);
        Assert.Equal("payout_7", transfer.TransferGroup);
        Assert.Empty(transfer.Reversals.Data);
        Assert.True(Math.Abs((DateTime.UtcNow - transfer.Created).TotalMinutes) < 1);
        Assert.Equal(transfer.Id, (await Client.V1.Transfers.GetAsync(transfer.Id)).Id);
    }

    [Fact]
    public async Task CreateTransfer_NotOnboardedDestination_FailsWithCapabilityError()
    {
        var account = await NewAccountAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => TransferAsync(account.Id, 500));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("insufficient_capabilities_for_transfer", error.StripeError.Code);
        Assert.Empty(Emulator.Transfers);
    }

    [Fact]
    public async Task CreateTransfer_UnknownDestination_FailsResourceMissingOnDestination()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => TransferAsync("acct_nobody", 500));

        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("destination", error.StripeError.Param);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
    }

    [Theory]
    [InlineData(0, "usd", "amount")]
    [InlineData(-5, "usd", "amount")]
    [InlineData(100, "xyz", "currency")]
    public async Task CreateTransfer_InvalidParameter_FailsNamingIt(long amount, string currency, string param)
    {
        var account = await OnboardedAccountAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Transfers.CreateAsync(
            new TransferCreateOptions { Amount = amount, Currency = currency, Destination = account.Id }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(param, error.StripeError.Param);
    }

    [Fact]
    public async Task CreateTransfer_MissingDestination_FailsParameterMissing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Transfers.CreateAsync(
            new TransferCreateOptions { Amount = 100, Currency = "usd" }));

        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("destination", error.StripeError.Param);
    }

    [Fact]
    public async Task CreateTransfer_AbovePlatformBalance_FailsBalanceInsufficient()
    {
        var account = await OnboardedAccountAsync();
        await Client.V1.Transfers.CreateAsync(new TransferCreateOptions { Amount = 800, Currency = "eur", Destination = account.Id });

        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Transfers.CreateAsync(
            new TransferCreateOptions { Amount = 201, Currency = "eur", Destination = account.Id }));

        Assert.Equal("balance_insufficient", error.StripeError.Code);
        Assert.Single(Emulator.Transfers);
    }

    [Fact]
    public async Task ListTransfers_WithCursors_PagesNewestFirst()
    {
        var a = await OnboardedAccountAsync();
        var b = await OnboardedAccountAsync();
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await TransferAsync(i % 2 == 0 ? b.Id : a.Id, i * 100)).Id);
        }
        ids.Reverse();

        var first = await Client.V1.Transfers.ListAsync(new TransferListOptions { Limit = 2 });
        var second = await Client.V1.Transfers.ListAsync(new TransferListOptions { Limit = 2, StartingAfter = first.Data[^1].Id });
        var last = await Client.V1.Transfers.ListAsync(new TransferListOptions { Limit = 2, StartingAfter = second.Data[^1].Id });
        var back = await Client.V1.Transfers.ListAsync(new TransferListOptions { Limit = 2, EndingBefore = last.Data[0].Id });
        var toB = await Client.V1.Transfers.ListAsync(new TransferListOptions { Destination = b.Id });
        var created = await Client.V1.Transfers.ListAsync(new TransferListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.UtcNow.AddMinutes(-5), LessThanOrEqual = DateTime.UtcNow.AddMinutes(5) },
            Limit = 100,
        });
        var none = await Client.V1.Transfers.ListAsync(new TransferListOptions { Created = new DateRangeOptions { GreaterThan = DateTime.UtcNow.AddMinutes(5) } });

        Assert.Equal(ids[..2], first.Data.Select(t => t.Id));
        Assert.True(first.HasMore);
        Assert.Equal(ids[2..4], second.Data.Select(t => t.Id));
        Assert.Equal(ids[4..], last.Data.Select(t => t.Id));
        Assert.False(last.HasMore);
        Assert.Equal(ids[2..4], back.Data.Select(t => t.Id));
        Assert.Equal(2, toB.Data.Count);
        Assert.All(toB.Data, t => Assert.Equal(b.Id, t.DestinationId));
        Assert.Equal(5, created.Data.Count);
        Assert.Empty(none.Data);
        Assert.Equal("/v1/transfers", first.Url);
    }

    [Fact]
    public async Task ListTransfers_LimitAbove100_FailsNamingLimit()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Transfers.ListAsync(new TransferListOptions { Limit = 101 }));

        Assert.Equal("limit", error.StripeError.Param);
    }

    [Fact]
    public async Task GetTransfer_Unknown_Fails404()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Transfers.GetAsync("tr_missing"));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
    }

    [Fact]
    public async Task CreateReversal_PartialThenRest_UpdatesTransferAndSendsSignedWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_test_reversal");
        Emulator.SetWebhook(receiver.Url, "whsec_test_reversal");
        var account = await OnboardedAccountAsync();
        var transfer = await TransferAsync(account.Id, 1000);

        var partial = await Client.V1.Transfers.Reversals.CreateAsync(transfer.Id, new TransferReversalCreateOptions { Amount = 300 });
        var afterPartial = await Client.V1.Transfers.GetAsync(transfer.Id);
        var evt = await receiver.WaitForAsync("transfer.reversed");
        var rest = await Client.V1.Transfers.Reversals.CreateAsync(transfer.Id, new TransferReversalCreateOptions());
        var afterRest = await Client.V1.Transfers.GetAsync(transfer.Id);
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() =>
            Client.V1.Transfers.Reversals.CreateAsync(transfer.Id, new TransferReversalCreateOptions { Amount = 1 }));

        Assert.StartsWith("trr_", partial.Id);
        Assert.Equal(300, partial.Amount);
        Assert.Equal(transfer.Id, partial.TransferId);
        Assert.Equal(300, afterPartial.AmountReversed);
        Assert.False(afterPartial.Reversed);
        var reversed = Assert.IsType<Transfer>(evt.Data.Object);
        Assert.Equal(transfer.Id, reversed.Id);
        Assert.Equal(300, reversed.AmountReversed);
        Assert.Equal(700, rest.Amount);
        Assert.True(afterRest.Reversed);
        Assert.Equal(2, afterRest.Reversals.Data.Count);
        Assert.Equal("amount", tooMuch.StripeError.Param);
        Assert.Equal(0, receiver.BadSignatures);
    }
}
