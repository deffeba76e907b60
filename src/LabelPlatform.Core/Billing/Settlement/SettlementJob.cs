using Hangfire;

namespace LabelPlatform.Billing.Settlement;

/// <summary>The recurring settlement (daily by default) and the admin's "Settle now" both run this.</summary>
public sealed class SettlementJob(SettlePayouts settle)
{
    // Retrying is safe (Pending payouts resume with their keys), but the next run does it anyway.
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task RunAsync(CancellationToken ct) => settle.RunAsync(ct: ct);
}
