using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Billing.Settlement;

/// <summary>Today's payouts (UTC) by state: settlement's progress as the admin watches it.</summary>
public sealed record SettlementToday(int Created, int Paid, int Failed, int Pending)
{
    public int Finished => Paid + Failed;
}

public sealed record AdminPayoutRow(DateTimeOffset CreatedAt, string Worker, long Amount, string Currency, string Status, string? TransferId, string? FailureReason);

/// <summary>What the admin's billing desk shows: today's payouts by state, open disputes first, alerts not dismissed, the latest payouts.</summary>
public sealed record SettlementOverview(SettlementToday Today, List<Dispute> Disputes, List<BillingAlert> Alerts, List<AdminPayoutRow> Payouts);

/// <summary>The admin's billing desk, read in one go (the page is admin-only).</summary>
public sealed class GetSettlementOverview(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<SettlementOverview> HandleAsync(CancellationToken ct = default)
    {
        var midnight = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.Payouts.Where(p => p.CreatedAt >= midnight).GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(PayoutStatus status) => counts.Where(c => c.Key == status).Sum(c => c.Count);
        var today = new SettlementToday(counts.Sum(c => c.Count), Count(PayoutStatus.Paid), Count(PayoutStatus.Failed), Count(PayoutStatus.Pending));
        var disputes = await db.Disputes.AsNoTracking()
            .OrderByDescending(d => d.Status == DisputeStatus.Open).ThenByDescending(d => d.CreatedAt).Take(20).ToListAsync(ct);
        var alerts = await db.BillingAlerts.AsNoTracking().Where(a => a.DismissedAt == null).OrderByDescending(a => a.CreatedAt).Take(20).ToListAsync(ct);
        var payouts = await db.Payouts.AsNoTracking()
            .OrderByDescending(p => p.CreatedAt)
            .Take(50)
            .GroupJoin(db.Users, p => p.WorkerId, u => u.Id, (p, users) => new { p, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new AdminPayoutRow(
                x.p.CreatedAt, u == null ? x.p.WorkerId : u.Email ?? x.p.WorkerId, x.p.Amount, x.p.Currency, x.p.Status.ToString(), x.p.StripeTransferId, x.p.FailureReason))
            .ToListAsync(ct);
        return new SettlementOverview(today, disputes, alerts, payouts);
    }
}
