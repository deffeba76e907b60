using System.Net;
using System.Text.Json.Nodes;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

/// <summary>What live Stripe does that a naive emulator would not: limits on reads too, per-endpoint limits, keys that expire, answers cut off, funds that wait.</summary>
public sealed class LiveStripeTests : EmulatorTestBase
{
    private async Task<HttpResponseMessage> GetBalanceRawAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.BaseUrl, "v1/balance"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk_test_emulator");
        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task GlobalLimit_CountsReads_429NamesTheGlobalLimiter()
    {
        Emulator.RequestsPerSecond = 3;

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await GetBalanceRawAsync());
        }

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, a => Assert.Equal("global-rate", a.Headers.GetValues("Stripe-Rate-Limited-Reason").Single()));
        Assert.Equal(limited.Count, Emulator.Stats.Http429);
    }

    [Fact]
    public async Task EndpointLimit_OneEndpointFull_OthersStillAnswer()
    {
        var account = await OnboardedAccountAsync();
        Emulator.EndpointRequestsPerSecond = 2;

        var errors = new List<StripeException>();
        for (var i = 0; i < 6; i++)
        {
            try
            {
                await TransferAsync(account.Id, 100);
            }
            catch (StripeException e)
            {
                errors.Add(e);
            }
        }
        var balance = await Client.V1.Balance.GetAsync();

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode));
        Assert.NotNull(balance);
        Assert.Equal(6 - errors.Count, Emulator.EndpointRequests["POST /v1/transfers"]);
        Assert.Equal("POST /v1/transfers/{id}/reversals", StripeEmulator.EndpointOf("POST", "/v1/transfers/tr_1234567890abcdef/reversals"));
    }

    [Fact]
    public void DocumentedLimits_LiveAndTestMode()
    {
        Assert.Equal((100, 25), (new EmulatorOptions { ApiKey = "sk_live_emulator" }.DocumentedLimits().RequestsPerSecond, 25));
        var test = new EmulatorOptions().DocumentedLimits();
        Assert.Equal((25, 25), (test.RequestsPerSecond, test.EndpointRequestsPerSecond));
    }

    [Fact]
    public async Task IdempotencyKey_After24Hours_ExecutesAfresh()
    {
        var account = await OnboardedAccountAsync();
        var first = await TransferAsync(account.Id, 700, "payout:expiring");
        Emulator.AdvanceTime(TimeSpan.FromHours(23));
        var replayed = await TransferAsync(account.Id, 700, "payout:expiring");
        Emulator.AdvanceTime(TimeSpan.FromHours(2));

        var fresh = await TransferAsync(account.Id, 700, "payout:expiring");

        Assert.Equal(first.Id, replayed.Id);
        Assert.NotEqual(first.Id, fresh.Id);
        Assert.Equal(2, Emulator.Transfers.Count);
    }

    [Fact]
    public async Task CutNext_TransferMadeButTheAnswerCannotBeRead()
    {
        var account = await OnboardedAccountAsync();
        Emulator.CutNext("/v1/transfers");

        var error = await Record.ExceptionAsync(() => TransferAsync(account.Id, 800, "payout:cut"));
        var retried = await TransferAsync(account.Id, 800, "payout:cut");

        Assert.NotNull(error);
        Assert.IsNotType<StripeException>(error);
        var made = Assert.Single(Emulator.Transfers);
        Assert.Equal(made.Id, retried.Id);
    }

    [Fact]
    public async Task Balance_PendingFundsWaitForTheirDay_TransferAboveAvailableIsBalanceInsufficient()
    {
        await using var emulator = await StripeEmulator.StartAsync(new EmulatorOptions { PlatformBalance = { ["usd"] = 1_000 }, DefaultPlatformBalance = 0 });
        var client = ClientFor(emulator, "sk_test_emulator");
        var account = await client.V1.Accounts.CreateAsync(new AccountCreateOptions { Type = "express", Country = "US", Capabilities = new() { Transfers = new() { Requested = true } } });
        emulator.CompleteOnboarding(account.Id);
        emulator.AddPendingFunds("usd", 5_000, TimeSpan.FromDays(2));

        var before = await client.V1.Balance.GetAsync();
        var refused = await Assert.ThrowsAsync<StripeException>(() => client.V1.Transfers.CreateAsync(new TransferCreateOptions { Amount = 2_000, Currency = "usd", Destination = account.Id }));
        emulator.AdvanceTime(TimeSpan.FromDays(2));
        var after = await client.V1.Balance.GetAsync();
        await client.V1.Transfers.CreateAsync(new TransferCreateOptions { Amount = 2_000, Currency = "usd", Destination = account.Id });

        Assert.Equal((1_000L, 5_000L), (before.Available.Single().Amount, before.Pending.Single().Amount));
        Assert.Equal("balance_insufficient", refused.StripeError.Code);
        Assert.Equal((6_000L, 0L), (after.Available.Single().Amount, after.Pending.Single().Amount));
        Assert.Equal(4_000, emulator.State.AvailableBalance("usd"));
    }

    [Fact]
    public async Task CompletedCheckout_ItsPaymentIsPendingUntilFundsPendingForPasses()
    {
        await using var emulator = await StripeEmulator.StartAsync(new EmulatorOptions { PlatformBalance = { ["usd"] = 0 }, DefaultPlatformBalance = 0, FundsPendingFor = TimeSpan.FromDays(7) });
        var client = ClientFor(emulator, "sk_test_emulator");
        var session = await client.V1.Checkout.Sessions.CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "payment",
            SuccessUrl = "https://app.example/ok",
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 2_500, ProductData = new() { Name = "Funds" } } }],
        });

        emulator.CompleteCheckout(session.Id);
        var pending = await client.V1.Balance.GetAsync();
        emulator.AdvanceTime(TimeSpan.FromDays(7));
        var available = await client.V1.Balance.GetAsync();

        Assert.Equal((0L, 2_500L), (pending.Available.Single().Amount, pending.Pending.Single().Amount));
        Assert.Equal(2_500L, available.Available.Single().Amount);
    }

    [Fact]
    public async Task ConnectEvents_GoToTheConnectEndpointWithItsSecret_PlatformEventsToThePlatformEndpoint()
    {
        await using var platform = await WebhookReceiver.StartAsync("whsec_platform");
        await using var connect = await WebhookReceiver.StartAsync("whsec_connect");
        Emulator.SetWebhook(platform.Url, "whsec_platform");
        Emulator.SetConnectWebhook(connect.Url, "whsec_connect");
        var account = await NewAccountAsync();

        Emulator.CompleteOnboarding(account.Id);
        var updated = await connect.WaitForAsync("account.updated");
        Emulator.SendEvent("checkout.session.completed", new JsonObject { ["id"] = "cs_1", ["object"] = "checkout.session" });
        await platform.WaitForAsync("checkout.session.completed");

        Assert.Equal(account.Id, updated.Account);
        Assert.False(updated.Livemode);
        Assert.DoesNotContain(platform.Received, e => e.Type == "account.updated");
        Assert.DoesNotContain(connect.Received, e => e.Type == "checkout.session.completed");
    }

    [Fact]
    public async Task LiveKey_EventsSayLivemode()
    {
        await using var emulator = await StripeEmulator.StartAsync(new EmulatorOptions { ApiKey = "sk_live_emulator" });

        var evt = emulator.CreateEvent("account.updated", new JsonObject { ["id"] = "acct_1", ["object"] = "account" }, "acct_1");

        Assert.True(JsonNode.Parse(evt.Json)!["livemode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RevokedKey_Every401IsApiKeyExpired_UntilRestored()
    {
        Emulator.RevokeKey();
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Balance.GetAsync());
        Emulator.RestoreKey();
        var balance = await Client.V1.Balance.GetAsync();

        Assert.Equal((HttpStatusCode.Unauthorized, "api_key_expired"), (error.HttpStatusCode, error.StripeError.Code));
        Assert.NotNull(balance);
    }

    [Fact]
    public async Task CutNext_AlsoCutsReplays()
    {
        var account = await OnboardedAccountAsync();
        Emulator.CutNext("/v1/transfers", 2);

        var first = await Record.ExceptionAsync(() => TransferAsync(account.Id, 900, "payout:cut-twice"));
        var replay = await Record.ExceptionAsync(() => TransferAsync(account.Id, 900, "payout:cut-twice"));
        var third = await TransferAsync(account.Id, 900, "payout:cut-twice");

        Assert.NotNull(first);
        Assert.NotNull(replay);
        Assert.Equal(Assert.Single(Emulator.Transfers).Id, third.Id);
    }
}
