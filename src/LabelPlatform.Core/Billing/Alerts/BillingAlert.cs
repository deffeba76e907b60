namespace LabelPlatform.Billing.Alerts;

/// <summary>Something about money an admin must act on (settlement stopped, funds pending, a payout held); shown on the billing desk until dismissed.</summary>
public sealed class BillingAlert
{
    public long Id { get; set; }

    /// <summary>What happened, as one of <see cref="BillingAlertKinds"/>; docs/payments.md says what each means and what to do.</summary>
    public string Kind { get; set; } = "";

    public string Message { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DismissedAt { get; set; }

    public string? DismissedBy { get; set; }
}

public static class BillingAlertKinds
{
    /// <summary>Stripe refused the platform itself (401 bad or revoked key, 403 permission, platform account invalid): the run stopped and changed nothing.</summary>
    public const string SettlementStopped = "settlement_stopped";

    /// <summary>Stripe gave no usable answer to several payouts in a row: the run stopped; they are looked up and sent by the next run.</summary>
    public const string StripeUnreachable = "stripe_unreachable";

    /// <summary>Payouts wait for the platform's available balance (card payments still pending).</summary>
    public const string FundsPending = "funds_pending";

    /// <summary>A cardholder disputed a payment: the amount is frozen from the organisation; what it did not hold is the platform's exposure.</summary>
    public const string DisputeOpened = "dispute_opened";

    /// <summary>A dispute was lost: the frozen money went back to the cardholder, and the platform bore what was not frozen.</summary>
    public const string DisputeLost = "dispute_lost";

    /// <summary>A refund to a card could not be made or confirmed (Stripe refused the platform, or the balance was short): it waits.</summary>
    public const string RefundWaiting = "refund_waiting";

    /// <summary>Stripe refused a payout for a reason on our side (not the worker's account): held Pending for a person.</summary>
    public const string PayoutHeld = "payout_held";
}
