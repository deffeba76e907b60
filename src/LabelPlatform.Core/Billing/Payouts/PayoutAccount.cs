namespace LabelPlatform.Billing.Payouts;

/// <summary>A worker's Stripe Connect Express account; payouts go only where Stripe says transfers can land.</summary>
public sealed class PayoutAccount
{
    public string WorkerId { get; set; } = "";

    public string StripeAccountId { get; set; } = "";

    /// <summary>Stripe reports the account's transfers capability active and payouts enabled.</summary>
    public bool PayoutsEnabled { get; set; }

    /// <summary>What Stripe still wants from the worker, as Stripe lists it; empty when nothing.</summary>
    public string Requirements { get; set; } = "";

    /// <summary>The country the worker gave when connecting (ISO 3166-1 alpha-2): where Stripe opened the account.</summary>
    public string? Country { get; set; }

    /// <summary>When Stripe described the account as these fields say (its event's time, or our read): an older <c>account.updated</c> arriving late changes nothing.</summary>
    public DateTimeOffset? StripeStateAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
