using LabelPlatform.Billing;
using LabelPlatform.StripeEmulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.EndToEndTests;

/// <summary>The browser fixture with Stripe: the app talks to a local Stripe emulator, which sends its webhooks back to the app.</summary>
public sealed class StripeBrowserFixture : BrowserFixture
{
    public const string WebhookSecret = "whsec_emulator";

    public const string ConnectWebhookSecret = "whsec_emulator_connect";

    public StripeEmulator.StripeEmulator Stripe { get; private set; } = default!;

    public override async Task InitializeAsync()
    {
        Stripe = await StripeEmulator.StripeEmulator.StartAsync(new EmulatorOptions { WebhookSecret = WebhookSecret, ConnectWebhookSecret = ConnectWebhookSecret });
        await base.InitializeAsync();

        // The app's port is known only once it listens.
        Stripe.SetWebhook(new Uri($"{BaseUrl}/api/stripe/webhook"), WebhookSecret);
        Stripe.SetConnectWebhook(new Uri($"{BaseUrl}/api/stripe/connect-webhook"), ConnectWebhookSecret);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Stripe:SecretKey", Stripe.Options.ApiKey);
        builder.UseSetting("Stripe:ApiBase", Stripe.BaseUrl.ToString());
        builder.UseSetting("Stripe:WebhookSecret", WebhookSecret);
        builder.UseSetting("Stripe:ConnectWebhookSecret", ConnectWebhookSecret);

        // Return links need the app's address, which exists only after the server started; options are first read later, on the first Stripe call.
        builder.ConfigureServices(services => services.PostConfigure<StripeOptions>(o => o.PublicUrl = BaseUrl));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is not null)
        {
            await Stripe.DisposeAsync();
        }
    }
}
