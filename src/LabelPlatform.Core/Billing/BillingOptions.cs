namespace LabelPlatform.Billing;

/// <summary>The "Billing" configuration section.</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>The platform's fee on each answer and bonus, in percent of its price (rounded up to a whole minor unit).</summary>
    public decimal FeePercent { get; set; } = 20;

    /// <summary>The least fee on an answer or bonus, in minor units.</summary>
    public long FeeMinimum { get; set; } = 1;

    /// <summary>A worker is paid once their available balance reaches this, in minor units.</summary>
    public long PayoutMinimum { get; set; } = 500;

    /// <summary>When settlement runs (cron, UTC); daily by default.</summary>
    public string SettlementCron { get; set; } = "0 3 * * *";

    /// <summary>Stripe calls settlement makes at once.</summary>
    public int SettlementParallelism { get; set; } = 8;

    /// <summary>Attempts at one transfer within a run when Stripe answers 429, 5xx or not at all.</summary>
    public int TransientAttempts { get; set; } = 5;
}

/// <summary>The "Stripe" configuration section: test-mode keys only in development; never commit a real key.</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string SecretKey { get; set; } = "";

    /// <summary>
    /// The signing secret of the platform endpoint (<c>/api/stripe/webhook</c>: checkout, transfers).
    /// Several may be given, separated by commas, while a secret is rolled: Stripe signs with the new
    /// one and the old one for up to 24 hours.
    /// </summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>The signing secret(s) of the Connect endpoint (<c>/api/stripe/connect-webhook</c>: events about workers' connected accounts).</summary>
    public string ConnectWebhookSecret { get; set; } = "";

    /// <summary>The account's global limit on requests, reads included; empty for Stripe's documented default (100/s live, 25/s in a sandbox).</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>The limit on each endpoint (e.g. <c>POST /v1/transfers</c>); Stripe's default is 25/s unless it raised the account's limits.</summary>
    public double EndpointRequestsPerSecond { get; set; } = 25;

    /// <summary>Where Stripe.net sends its calls; empty for api.stripe.com (the tests and the demo point it at the local emulator).</summary>
    public string ApiBase { get; set; } = "";

    /// <summary>This site's public address, for Checkout's and Connect onboarding's return links; required in production when Stripe is configured.</summary>
    public string PublicUrl { get; set; } = "";

    public bool IsConfigured => SecretKey.Length > 0;

    /// <summary>Live keys (<c>sk_live_</c>, <c>rk_live_</c>) move real money; every other key is a sandbox's.</summary>
    public bool Livemode => SecretKey.StartsWith("sk_live_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_live_", StringComparison.Ordinal);

    public double GlobalRequestsPerSecond => RequestsPerSecond ?? (Livemode ? 100 : 25);

    /// <summary>The public address for return links: the configured one, or this machine's development address.</summary>
    public string SiteUrl => PublicUrl.Length > 0 ? PublicUrl.TrimEnd('/') : "http://localhost:5000";

    public static IReadOnlyList<string> SecretsIn(string secrets) =>
        secrets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
