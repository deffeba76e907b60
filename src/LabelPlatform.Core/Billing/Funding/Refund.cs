namespace LabelPlatform.Billing.Funding;

public enum RefundStatus
{
    /// <summary>Written down (funds already moved out) and not yet confirmed by Stripe; resumed with the same key.</summary>
    Pending,

    /// <summary>Stripe made the refund to the card.</summary>
    Succeeded,

    /// <summary>Stripe refused it, or the card network returned it later: the money is back in the organisation's funds.</summary>
    Failed,
}

/// <summary>Part of a researcher's refund request, back to the card of one earlier top-up.</summary>
public sealed class Refund
{
    public Guid Id { get; set; }

    /// <summary>The researcher's request; one request may be refunded to several top-ups.</summary>
    public Guid RequestId { get; set; }

    public Guid OrganisationId { get; set; }

    public string CheckoutSessionId { get; set; } = "";

    public string PaymentIntent { get; set; } = "";

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public RefundStatus Status { get; set; }

    public string? StripeRefundId { get; set; }

    public string? FailureReason { get; set; }

    public string RequestedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum DisputeStatus
{
    Open,
    Won,
    Lost,
}

/// <summary>
/// A cardholder disputed one of an organisation's top-ups. While open, the amount is frozen (taken
/// from the organisation's job escrow first, then its funds); whatever the organisation did not hold
/// is the platform's exposure. Lost, the frozen money goes and the platform bears the exposure; won,
/// it returns to the organisation's funds.
/// </summary>
public sealed class Dispute
{
    /// <summary>Stripe's id (dp_...).</summary>
    public string Id { get; set; } = "";

    public Guid OrganisationId { get; set; }

    public string CheckoutSessionId { get; set; } = "";

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public DisputeStatus Status { get; set; }

    /// <summary>What was taken from the organisation and frozen.</summary>
    public long Frozen { get; set; }

    /// <summary>What the organisation did not hold: the platform loses it if the dispute is lost.</summary>
    public long Exposure { get; set; }

    public string Reason { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }
}
