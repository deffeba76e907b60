namespace LabelPlatform.Web.Components.Billing;

/// <summary>Today's payouts (UTC) by state: settlement's progress as the admin watches it.</summary>
public sealed record SettlementToday(int Created, int Paid, int Failed, int Pending)
{
    public int Finished => Paid + Failed;
}

public sealed record AdminPayoutRow(DateTimeOffset CreatedAt, string Worker, long Amount, string Currency, string Status, string? TransferId, string? FailureReason);
