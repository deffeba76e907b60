using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Billing.Alerts;

/// <summary>An admin has read an alert and acted on it: it leaves the desk, with who dismissed it and when.</summary>
public sealed class DismissBillingAlert(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task HandleAsync(long alertId, string adminId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.BillingAlerts.Where(a => a.Id == alertId && a.DismissedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.DismissedAt, clock.GetUtcNow()).SetProperty(a => a.DismissedBy, adminId), ct);
    }
}
