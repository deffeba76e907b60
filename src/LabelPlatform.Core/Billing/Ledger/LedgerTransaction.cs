namespace LabelPlatform.Billing.Ledger;

public enum LedgerTransactionKind
{
    /// <summary>Stripe Checkout paid: clearing → funds.</summary>
    Funding,

    /// <summary>An admin credited an invoiced customer: clearing → funds, with the reason.</summary>
    ManualCredit,

    /// <summary>Launch or top-up: funds → escrow.</summary>
    Escrow,

    /// <summary>What a finished or cancelled job did not use: escrow → funds.</summary>
    EscrowRelease,

    /// <summary>An accepted answer: escrow → worker payable (price) and → revenue (fee).</summary>
    Earning,

    /// <summary>A researcher's bonus to a worker: funds → payable and → revenue (fee).</summary>
    Bonus,

    /// <summary>Settlement wrote a payout down: payable → in transit.</summary>
    PayoutStarted,

    /// <summary>Stripe made the transfer: in transit → clearing.</summary>
    PayoutSent,

    /// <summary>Stripe refused the transfer for good: in transit → payable.</summary>
    PayoutFailed,

    /// <summary>Stripe reversed a transfer: clearing → payable.</summary>
    PayoutReversed,

    /// <summary>Gold answers outran the job's budget and the organisation had no funds: the platform paid (revenue → escrow).</summary>
    PlatformCover,

    /// <summary>Unused funds back to a card: funds → clearing, written down before Stripe is asked.</summary>
    Refund,

    /// <summary>Stripe refused a refund, or the card returned it: clearing → funds.</summary>
    RefundFailed,

    /// <summary>A cardholder disputed a payment: escrow and funds → dispute hold.</summary>
    DisputeFrozen,

    /// <summary>The dispute was won: hold → funds.</summary>
    DisputeWon,

    /// <summary>The dispute was lost: hold (and the platform, for what was not held) → clearing.</summary>
    DisputeLost,
}

/// <summary>One balanced movement of money; its entries sum to zero (the database refuses otherwise).</summary>
public sealed class LedgerTransaction
{
    public Guid Id { get; set; }

    /// <summary>Unique: a retried or replayed action finds its transaction and posts nothing twice.</summary>
    public string IdempotencyKey { get; set; } = "";

    public LedgerTransactionKind Kind { get; set; }

    public string Currency { get; set; } = "";

    public Guid? OrganisationId { get; set; }

    public Guid? JobId { get; set; }

    public string? WorkerId { get; set; }

    public Guid? AssignmentId { get; set; }

    public Guid? PayoutId { get; set; }

    /// <summary>Why, in words: the admin's reason for a credit, a bonus's note, Stripe's failure message.</summary>
    public string Memo { get; set; } = "";

    public string? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One side of a transaction: a signed amount in minor units on one account.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }

    public Guid TransactionId { get; set; }

    public Guid AccountId { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "";
}
