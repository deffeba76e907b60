using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Escrow;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Billing.Stripe;
using LabelPlatform.Billing.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Billing;

public static class BillingSetup
{
    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<BillingOptions>(builder.Configuration.GetSection(BillingOptions.Section));
        var production = builder.Environment.IsProduction();
        builder.Services.AddOptions<StripeOptions>().Bind(builder.Configuration.GetSection(StripeOptions.Section))
            .Validate(o => !production || !o.IsConfigured || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && (u.Scheme == "https" || (!o.Livemode && u.Scheme == "http"))),
                "Stripe:PublicUrl must be this site's public address in production (https with a live key): Checkout and Connect onboarding send people back to it.")
            .Validate(o => !production || !o.IsConfigured || (o.WebhookSecret.Length > 0 && o.ConnectWebhookSecret.Length > 0),
                "Stripe:WebhookSecret and Stripe:ConnectWebhookSecret must both be set in production: without them no payment is credited and no worker becomes payable.")
            .Validate(o => o.EndpointRequestsPerSecond > 0 && o.RequestsPerSecond is null or > 0, "Stripe's request limits must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<StripeRateLimiter>();
        builder.Services.AddTransient<StripeRateLimitHandler>();
        builder.Services.AddHttpClient(nameof(StripeGateway), c => c.Timeout = TimeSpan.FromSeconds(30)).AddHttpMessageHandler<StripeRateLimitHandler>();
        builder.Services.AddSingleton<IStripeGateway, StripeGateway>();
        builder.Services.AddTransient<AddFunds>();
        builder.Services.AddTransient<Settlement.GetSettlementOverview>();
        builder.Services.AddTransient<Alerts.DismissBillingAlert>();
        builder.Services.AddTransient<Funding.CheckoutStatus>();
        builder.Services.AddTransient<Jobs.Lifecycle.IJobFunding, Escrow.JobFunding>();
        builder.Services.AddTransient<CreditOrganisation>();
        builder.Services.AddTransient<PayBonus>();
        builder.Services.AddTransient<ConnectPayoutAccount>();
        builder.Services.AddTransient<RefreshPayoutAccount>();
        builder.Services.AddTransient<RaiseBillingAlert>();
        builder.Services.AddTransient<SettlePayouts>();
        builder.Services.AddTransient<SettlementJob>();
        builder.Services.AddTransient<EscrowSweep>();
        builder.Services.AddTransient<StripeWebhook>();
        builder.Services.AddTransient<IStripeEventHandler, CheckoutCompleted>();
        builder.Services.AddTransient<IStripeEventHandler, CheckoutAsyncPaymentSucceeded>();
        builder.Services.AddTransient<IStripeEventHandler, CheckoutExpired>();
        builder.Services.AddTransient<IStripeEventHandler, CheckoutAsyncPaymentFailed>();
        builder.Services.AddTransient<IStripeEventHandler, AccountUpdated>();
        builder.Services.AddTransient<IStripeEventHandler, TransferReversed>();
        builder.Services.AddTransient<IStripeEventHandler, PayoutFailed>();
        builder.Services.AddTransient<IStripeEventHandler, RefundFailedEvent>();
        builder.Services.AddTransient<IStripeEventHandler, RefundUpdatedEvent>();
        builder.Services.AddTransient<IStripeEventHandler, DisputeEvents>();
        builder.Services.AddTransient<IStripeEventHandler, DisputeClosedEvent>();
        builder.Services.AddTransient<RefundFunds>();
        builder.Services.AddTransient<BillingStatements>();
        builder.Services.AddTransient<Reconciliation>();
        return builder;
    }
}
