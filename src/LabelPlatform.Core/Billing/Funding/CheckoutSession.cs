namespace LabelPlatform.Billing.Funding;

/// <summary>A researcher's top-up through Stripe Checkout; credited once, when Stripe says it was paid.</summary>
public sealed class CheckoutSession
{
    /// <summary>Stripe's id (cs_...).</summary>
    public string Id { get; set; } = "";

    public Guid OrganisationId { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    /// <summary>Open, Completed, Expired (unpaid when its time ran out) or Failed (its delayed payment failed).</summary>
    public string Status { get; set; } = "Open";

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Stripe's payment intent (pi_...) once paid: what refunds and disputes name.</summary>
    public string? PaymentIntent { get; set; }

    /// <summary>How much of it has been refunded (refunds written down, less those that failed).</summary>
    public long Refunded { get; set; }
}
