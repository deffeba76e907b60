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
        builder.Services.Configure<StripeOptions>(builder.Configuration.GetSection(StripeOptions.Section));
        builder.Services.AddHttpClient(nameof(StripeGateway), c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<IStripeGateway, StripeGateway>();
        builder.Services.AddSingleton(sp => new StripeWritePacer(sp.GetRequiredService<IOptions<BillingOptions>>().Value.StripeWritesPerSecond));
        builder.Services.AddTransient<AddFunds>();
        builder.Services.AddTransient<CreditOrganisation>();
        builder.Services.AddTransient<PayBonus>();
        builder.Services.AddTransient<ConnectPayoutAccount>();
        builder.Services.AddTransient<RefreshPayoutAccount>();
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
        builder.Services.AddTransient<BillingStatements>();
        builder.Services.AddTransient<Reconciliation>();
        return builder;
    }
}
