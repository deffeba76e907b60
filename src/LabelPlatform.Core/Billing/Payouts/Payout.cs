namespace LabelPlatform.Billing.Payouts;

public enum PayoutStatus
{
    /// <summary>Written down (money moved to in transit) and not yet confirmed by Stripe; a restart resumes it with the same key.</summary>
    Pending,

    /// <summary>Stripe made the transfer.</summary>
    Paid,

    /// <summary>Stripe refused it for good; the money went back to the worker's payable.</summary>
    Failed,

    /// <summary>Stripe reversed the transfer (all of it); the money went back to payable.</summary>
    Reversed,
}

/// <summary>One Stripe transfer to one worker, exactly once.</summary>
public sealed class Payout
{
    public Guid Id { get; set; }

    public string WorkerId { get; set; } = "";

    public string StripeAccountId { get; set; } = "";

    public string Currency { get; set; } = "";

    public long Amount { get; set; }

    public PayoutStatus Status { get; set; }

    /// <summary>Sent with every attempt, so Stripe makes one transfer however often we ask.</summary>
    public string IdempotencyKey { get; set; } = "";

    public string? StripeTransferId { get; set; }

    public long AmountReversed { get; set; }

    /// <summary>Stripe's words when it refused the transfer, or when the bank payout failed.</summary>
    public string? FailureReason { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
