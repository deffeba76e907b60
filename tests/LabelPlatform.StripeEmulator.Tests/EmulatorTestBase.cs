using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

/// <summary>A fresh emulator per test, with Stripe.net pointed at it and retries off so every failure is visible.</summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected StripeEmulator Emulator { get; private set; } = null!;
    protected StripeClient Client { get; private set; } = null!;
    protected HttpClient Http { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    protected virtual EmulatorOptions Options => new();

    public async Task InitializeAsync()
    {
        Emulator = await StripeEmulator.StartAsync(Options);
        Client = ClientFor(Emulator, "sk_test_emulator");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    protected static StripeClient ClientFor(StripeEmulator emulator, string apiKey) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = emulator.BaseUrl.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
    });

    protected async Task<Account> OnboardedAccountAsync()
    {
        var account = await NewAccountAsync();
        Emulator.CompleteOnboarding(account.Id);
        return account;
    }

    protected Task<Account> NewAccountAsync() => Client.V1.Accounts.CreateAsync(new AccountCreateOptions
    {
        Type = "express",
        Email = "annotator@example.com",
        Country = "US",
        Capabilities = new AccountCapabilitiesOptions
        {
            Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
        },
    });

    protected Task<Transfer> TransferAsync(string destination, long amount, string? idempotencyKey = null,
        Dictionary<string, string>? metadata = null) =>
        Client.V1.Transfers.CreateAsync(
            new TransferCreateOptions { Amount = amount, Currency = "usd", Destination = destination, Metadata = metadata },
            idempotencyKey is null ? null : new RequestOptions { IdempotencyKey = idempotencyKey });
}
