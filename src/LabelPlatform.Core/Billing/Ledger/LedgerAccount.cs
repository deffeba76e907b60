using System.Security.Cryptography;
using System.Text;

namespace LabelPlatform.Billing.Ledger;

/// <summary>What an account holds. The order is the order rows are locked in, so postings never deadlock.</summary>
public enum LedgerAccountKind
{
    /// <summary>A job's budget, reserved at launch; answers are paid out of it.</summary>
    JobEscrow = 1,

    /// <summary>An organisation's money, topped up by card or by an admin; never negative.</summary>
    ResearcherFunds = 2,

    /// <summary>What a worker has earned and not yet been paid; never negative.</summary>
    WorkerPayable = 3,

    /// <summary>A worker's payout written down but not yet confirmed by Stripe.</summary>
    PayoutsInTransit = 4,

    /// <summary>The platform's fees (one per currency).</summary>
    PlatformRevenue = 5,

    /// <summary>The other side of every movement through Stripe (one per currency): money in makes it negative.</summary>
    StripeClearing = 6,

    /// <summary>An organisation's money frozen while a cardholder disputes one of its payments; never negative.</summary>
    DisputeHold = 7,
}

/// <summary>
/// One account of the ledger. Its id is derived from kind, owner and currency, so any statement can
/// name it without a lookup. <see cref="Balance"/> is kept by a trigger as the sum of its entries for
/// the kinds that must never go negative (a CHECK refuses it); platform-wide accounts have none, so
/// no posting ever waits on one hot row.
/// </summary>
public sealed class LedgerAccount
{
    public Guid Id { get; set; }

    public LedgerAccountKind Kind { get; set; }

    /// <summary>The organisation, job or worker id; empty for platform-wide accounts.</summary>
    public string Owner { get; set; } = "";

    public string Currency { get; set; } = "";

    public long? Balance { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public static bool IsTracked(LedgerAccountKind kind) => kind is not (LedgerAccountKind.PlatformRevenue or LedgerAccountKind.StripeClearing);

    /// <summary>The account's id: md5 of "Kind:owner:CUR" read as a uuid, the same as SQL's <c>md5(...)::uuid</c>.</summary>
    public static Guid IdOf(LedgerAccountKind kind, string owner, string currency) =>
        Guid.ParseExact(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"{kind}:{owner}:{currency}"))), "N");

    public static Guid Funds(Guid organisationId, string currency) => IdOf(LedgerAccountKind.ResearcherFunds, organisationId.ToString(), currency);

    public static Guid Escrow(Guid jobId, string currency) => IdOf(LedgerAccountKind.JobEscrow, jobId.ToString(), currency);

    public static Guid Payable(string workerId, string currency) => IdOf(LedgerAccountKind.WorkerPayable, workerId, currency);

    public static Guid InTransit(string workerId, string currency) => IdOf(LedgerAccountKind.PayoutsInTransit, workerId, currency);

    public static Guid Revenue(string currency) => IdOf(LedgerAccountKind.PlatformRevenue, "", currency);

    public static Guid Clearing(string currency) => IdOf(LedgerAccountKind.StripeClearing, "", currency);
}
