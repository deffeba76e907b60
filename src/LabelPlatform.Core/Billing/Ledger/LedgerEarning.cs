namespace LabelPlatform.Billing.Ledger;

/// <summary>
/// One accepted answer paid: the link between the answer and the ledger transaction that paid it
/// (one per job and accepting batch, ADR 0019). Its key is the assignment, so the database itself
/// refuses to pay an answer twice. Written only by <c>ledger_pay_answers</c>; append-only like the ledger.
/// </summary>
public sealed class LedgerEarning
{
    public Guid AssignmentId { get; set; }

    public Guid TransactionId { get; set; }

    public string WorkerId { get; set; } = "";

    /// <summary>The price the worker was paid for it, in minor units of the transaction's currency.</summary>
    public long Amount { get; set; }

    /// <summary>The platform's fee taken on it.</summary>
    public long Fee { get; set; }
}
