using Hangfire;

namespace LabelPlatform.Billing.Settlement;

/// <summary>The recurring settlement (daily by default) and the admin's "Settle now" both run this: payouts, then refunds left waiting.</summary>
public sealed class SettlementJob(SettlePayouts settle, LabelPlatform.Billing.Funding.RefundFunds refunds)
{
    // Retrying is safe (Pending payouts resume with their keys), but the next run does it anyway.
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken ct)
    {
        await settle.RunAsync(ct: ct);
        await refunds.ResumeAsync(ct);
    }
}
