namespace LabelPlatform.Billing.Ledger;

/// <summary>One side of a posting: <paramref name="Amount"/> minor units onto the account of that kind and owner.</summary>
public sealed record PostingLine(LedgerAccountKind Kind, string Owner, long Amount);

/// <summary>A ledger transaction about to be written: balanced lines, a key that makes it happen once, and what it is about.</summary>
public sealed record Posting(string Key, LedgerTransactionKind Kind, string Currency, IReadOnlyList<PostingLine> Lines)
{
    public Guid? OrganisationId { get; init; }

    public Guid? JobId { get; init; }

    public string? WorkerId { get; init; }

    public Guid? AssignmentId { get; init; }

    public Guid? PayoutId { get; init; }

    public string Memo { get; init; } = "";

    public string? CreatedBy { get; init; }

    public bool IsBalanced => Lines.Sum(l => l.Amount) == 0 && Lines.Count >= 2;
}

/// <summary>The platform's movements of money as balanced postings: pure, so their arithmetic is unit-tested.</summary>
public static class Postings
{
    private static string Org(Guid id) => id.ToString();

    public static Posting Funding(Guid organisationId, string currency, long amount, string checkoutSessionId) =>
        new($"checkout:{checkoutSessionId}", LedgerTransactionKind.Funding, currency,
            [new(LedgerAccountKind.StripeClearing, "", -amount), new(LedgerAccountKind.ResearcherFunds, Org(organisationId), amount)])
        { OrganisationId = organisationId, Memo = $"Card payment {checkoutSessionId}" };

    public static Posting ManualCredit(Guid organisationId, string currency, long amount, string reason, string adminId, Guid requestId) =>
        new($"credit:{requestId}", LedgerTransactionKind.ManualCredit, currency,
            [new(LedgerAccountKind.StripeClearing, "", -amount), new(LedgerAccountKind.ResearcherFunds, Org(organisationId), amount)])
        { OrganisationId = organisationId, Memo = reason, CreatedBy = adminId };

    public static Posting Escrow(string key, Guid organisationId, Guid jobId, string currency, long amount, string memo) =>
        new(key, LedgerTransactionKind.Escrow, currency,
            [new(LedgerAccountKind.JobEscrow, jobId.ToString(), amount), new(LedgerAccountKind.ResearcherFunds, Org(organisationId), -amount)])
        { OrganisationId = organisationId, JobId = jobId, Memo = memo };

    public static Posting Release(string key, Guid organisationId, Guid jobId, string currency, long amount, string memo) =>
        new(key, LedgerTransactionKind.EscrowRelease, currency,
            [new(LedgerAccountKind.JobEscrow, jobId.ToString(), -amount), new(LedgerAccountKind.ResearcherFunds, Org(organisationId), amount)])
        { OrganisationId = organisationId, JobId = jobId, Memo = memo };


    public static Posting Bonus(Guid requestId, Guid organisationId, Guid jobId, string workerId, string currency, long amount, long fee, string note, string researcherId) =>
        new($"bonus:{requestId}", LedgerTransactionKind.Bonus, currency,
            [
                new(LedgerAccountKind.ResearcherFunds, Org(organisationId), -(amount + fee)),
                new(LedgerAccountKind.WorkerPayable, workerId, amount),
                new(LedgerAccountKind.PlatformRevenue, "", fee),
            ])
        { OrganisationId = organisationId, JobId = jobId, WorkerId = workerId, Memo = note, CreatedBy = researcherId };

    public static Posting PayoutStarted(Guid payoutId, string workerId, string currency, long amount) =>
        new($"payout:{payoutId}", LedgerTransactionKind.PayoutStarted, currency,
            [new(LedgerAccountKind.WorkerPayable, workerId, -amount), new(LedgerAccountKind.PayoutsInTransit, workerId, amount)])
        { WorkerId = workerId, PayoutId = payoutId };

    public static Posting PayoutSent(Guid payoutId, string workerId, string currency, long amount, string transferId) =>
        new($"payout-sent:{payoutId}", LedgerTransactionKind.PayoutSent, currency,
            [new(LedgerAccountKind.PayoutsInTransit, workerId, -amount), new(LedgerAccountKind.StripeClearing, "", amount)])
        { WorkerId = workerId, PayoutId = payoutId, Memo = transferId };

    public static Posting PayoutFailed(Guid payoutId, string workerId, string currency, long amount, string reason) =>
        new($"payout-failed:{payoutId}", LedgerTransactionKind.PayoutFailed, currency,
            [new(LedgerAccountKind.PayoutsInTransit, workerId, -amount), new(LedgerAccountKind.WorkerPayable, workerId, amount)])
        { WorkerId = workerId, PayoutId = payoutId, Memo = reason };

    /// <summary>Keyed by the transfer's reversed total, so each reversal event (even replayed, even out of order) moves only what is new.</summary>
    public static Posting PayoutReversed(Guid payoutId, string workerId, string currency, long amount, long reversedTotal, string transferId) =>
        new($"payout-reversed:{payoutId}:{reversedTotal}", LedgerTransactionKind.PayoutReversed, currency,
            [new(LedgerAccountKind.StripeClearing, "", -amount), new(LedgerAccountKind.WorkerPayable, workerId, amount)])
        { WorkerId = workerId, PayoutId = payoutId, Memo = $"Stripe reversed {transferId}" };

    public static Posting Refund(Guid refundId, Guid organisationId, string currency, long amount, string checkoutSessionId) =>
        new($"refund:{refundId}", LedgerTransactionKind.Refund, currency,
            [new(LedgerAccountKind.ResearcherFunds, Org(organisationId), -amount), new(LedgerAccountKind.StripeClearing, "", amount)])
        { OrganisationId = organisationId, Memo = $"Refund to the card of {checkoutSessionId}" };

    public static Posting RefundFailed(Guid refundId, Guid organisationId, string currency, long amount, string reason) =>
        new($"refund-failed:{refundId}", LedgerTransactionKind.RefundFailed, currency,
            [new(LedgerAccountKind.StripeClearing, "", -amount), new(LedgerAccountKind.ResearcherFunds, Org(organisationId), amount)])
        { OrganisationId = organisationId, Memo = reason };

    /// <summary>Freezes what the organisation holds toward a disputed amount: each job's escrow in turn, then its funds.</summary>
    public static Posting DisputeFrozen(string disputeId, Guid organisationId, string currency, IReadOnlyList<(Guid JobId, long Amount)> fromEscrow, long fromFunds) =>
        new($"dispute:{disputeId}:frozen", LedgerTransactionKind.DisputeFrozen, currency,
            [
                .. fromEscrow.Select(e => new PostingLine(LedgerAccountKind.JobEscrow, e.JobId.ToString(), -e.Amount)),
                new(LedgerAccountKind.ResearcherFunds, Org(organisationId), -fromFunds),
                new(LedgerAccountKind.DisputeHold, Org(organisationId), fromEscrow.Sum(e => e.Amount) + fromFunds),
            ])
        { OrganisationId = organisationId, Memo = $"Frozen while dispute {disputeId} is open" };

    public static Posting DisputeWon(string disputeId, Guid organisationId, string currency, long frozen) =>
        new($"dispute:{disputeId}:won", LedgerTransactionKind.DisputeWon, currency,
            [new(LedgerAccountKind.DisputeHold, Org(organisationId), -frozen), new(LedgerAccountKind.ResearcherFunds, Org(organisationId), frozen)])
        { OrganisationId = organisationId, Memo = $"Dispute {disputeId} won: the frozen money is back" };

    /// <summary>Stripe kept the disputed amount: the frozen money goes, and the platform's revenue bears what was not frozen.</summary>
    public static Posting DisputeLost(string disputeId, Guid organisationId, string currency, long frozen, long exposure) =>
        new($"dispute:{disputeId}:lost", LedgerTransactionKind.DisputeLost, currency,
            [
                new(LedgerAccountKind.DisputeHold, Org(organisationId), -frozen),
                new(LedgerAccountKind.PlatformRevenue, "", -exposure),
                new(LedgerAccountKind.StripeClearing, "", frozen + exposure),
            ])
        { OrganisationId = organisationId, Memo = $"Dispute {disputeId} lost" };
}
