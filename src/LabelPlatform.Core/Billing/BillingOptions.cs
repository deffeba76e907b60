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

    /// <summary>Settlement's write rate to Stripe; live mode allows 100 writes a second, test mode 25.</summary>
    public double StripeWritesPerSecond { get; set; } = 95;

    /// <summary>Attempts at one transfer within a run when Stripe answers 429, 5xx or not at all.</summary>
    public int TransientAttempts { get; set; } = 5;
}

/// <summary>The "Stripe" configuration section: test-mode keys only in development; never commit a real key.</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string SecretKey { get; set; } = "";

    public string WebhookSecret { get; set; } = "";

    /// <summary>Where Stripe.net sends its calls; empty for api.stripe.com (the tests and the demo point it at the local emulator).</summary>
    public string ApiBase { get; set; } = "";

    /// <summary>This site's public address, for Checkout's and Connect onboarding's return links.</summary>
    public string PublicUrl { get; set; } = "http://localhost:5000";

    public bool IsConfigured => SecretKey.Length > 0;
}
