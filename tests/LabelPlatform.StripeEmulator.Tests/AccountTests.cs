using System.Net;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class AccountTests : EmulatorTestBase
{
    [Fact]
    public async Task CreateAccount_Express_StartsDisabledWithRequirements()
    {
        var account = await NewAccountAsync();

        Assert.StartsWith("acct_", account.Id);
        Assert.Equal("express", account.Type);
        Assert.False(account.ChargesEnabled);
        Assert.False(account.PayoutsEnabled);
        Assert.False(account.DetailsSubmitted);
        Assert.Equal("inactive", account.Capabilities.Transfers);
        Assert.NotEmpty(account.Requirements.CurrentlyDue);
        var fetched = await Client.V1.Accounts.GetAsync(account.Id);
        Assert.Equal("annotator@example.com", fetched.Email);
    }

    [Fact]
    public async Task CompleteOnboarding_ThroughAccountLinkPage_EnablesTransfers()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetConnectWebhook(receiver.Url, "whsec_emulator");
        var account = await NewAccountAsync();

        var link = await Client.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.Id,
            RefreshUrl = "https://app.example/refresh",
            ReturnUrl = "https://app.example/return?x=1",
            Type = "account_onboarding",
        });
        Assert.StartsWith(new Uri(Emulator.BaseUrl, $"connect/onboarding/{account.Id}").ToString(), link.Url);

        var page = await Http.GetStringAsync(link.Url);
        Assert.Contains("Stripe test onboarding", page);
        Assert.Contains("id=\"complete\"", page);
        using var submitted = await Http.PostAsync(link.Url, null);
        Assert.Equal(HttpStatusCode.SeeOther, submitted.StatusCode);
        Assert.Equal("https://app.example/return?x=1", submitted.Headers.Location!.ToString());

        var enabled = await Client.V1.Accounts.GetAsync(account.Id);
        Assert.True(enabled.PayoutsEnabled);
        Assert.True(enabled.DetailsSubmitted);
        Assert.Equal("active", enabled.Capabilities.Transfers);
        Assert.Empty(enabled.Requirements.CurrentlyDue);
        var transfer = await TransferAsync(account.Id, 500);
        Assert.Equal(account.Id, transfer.DestinationId);
        var evt = await receiver.WaitForAsync("account.updated");
        Assert.Equal(account.Id, ((Account)evt.Data.Object).Id);
        Assert.Equal(account.Id, evt.Account);
    }

    [Fact]
    public async Task CreateAccountLink_UnknownAccount_FailsNamingAccount()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = "acct_missing",
            RefreshUrl = "https://app.example/refresh",
            ReturnUrl = "https://app.example/return",
            Type = "account_onboarding",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("account", error.StripeError.Param);
    }

    [Fact]
    public async Task AnyRequest_WrongApiKey_Fails401WithStripeException()
    {
        var wrong = ClientFor(Emulator, "sk_test_wrong_key_123456");

        var error = await Assert.ThrowsAsync<StripeException>(() => wrong.V1.Accounts.GetAsync("acct_x"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Contains("Invalid API Key", error.StripeError.Message);
        Assert.Empty(Emulator.Accounts);
    }

    [Fact]
    public async Task AnyRequest_NoAuthorizationHeader_Fails401()
    {
        using var response = await Http.GetAsync(new Uri(Emulator.BaseUrl, "v1/transfers"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("did not provide an API key", await response.Content.ReadAsStringAsync());
    }
}
