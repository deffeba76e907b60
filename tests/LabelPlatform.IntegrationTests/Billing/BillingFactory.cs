using LabelPlatform.StripeEmulator;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>
/// The real web app on a fresh database with Stripe.net pointed at an in-process Stripe emulator:
/// test-mode key, both webhook endpoints' secrets and billing settings as in production, but Stripe
/// limits raised (the emulator has none unless a test sets them) and retries fast.
/// </summary>
public class BillingFactory : LabelPlatformFactory, IAsyncLifetime
{
    public const string SecretKey = "sk_test_emulator";

    public const string WebhookSecret = "whsec_emulator";

    /// <summary>The platform endpoint's previous secret, still accepted while it is rolled.</summary>
    public const string PreviousWebhookSecret = "whsec_rolled_out";

    public const string ConnectWebhookSecret = "whsec_emulator_connect";

    public StripeEmulator.StripeEmulator Emulator { get; private set; } = null!;

    /// <summary>The emulator's options; a subclass may set latency or a write limit.</summary>
    protected virtual EmulatorOptions EmulatorOptions => new() { WebhookSecret = WebhookSecret, ConnectWebhookSecret = ConnectWebhookSecret };

    public override async Task InitializeAsync()
    {
        Emulator = await StripeEmulator.StripeEmulator.StartAsync(EmulatorOptions);
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Stripe and Billing settings, also given to a settlement process of our own (as environment variables).</summary>
    public IReadOnlyDictionary<string, string> Settings() => new Dictionary<string, string>
    {
        ["Stripe:SecretKey"] = SecretKey,
        ["Stripe:ApiBase"] = Emulator.BaseUrl.ToString().TrimEnd('/'),
        ["Stripe:WebhookSecret"] = $"{WebhookSecret},{PreviousWebhookSecret}",
        ["Stripe:ConnectWebhookSecret"] = ConnectWebhookSecret,
        ["Stripe:RequestsPerSecond"] = "1000",
        ["Stripe:EndpointRequestsPerSecond"] = "1000",
        ["Billing:FeePercent"] = "20",
        ["Billing:FeeMinimum"] = "1",
        ["Billing:PayoutMinimum"] = "500",
        ["Billing:SettlementParallelism"] = "4",
        ["Billing:TransientAttempts"] = "4",
    };

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(StorageRoot, recursive: true);
        await Emulator.DisposeAsync();
    }
}
