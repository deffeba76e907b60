using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.ExpireLeases;

/// <summary>Returns the slots of leases that ran out. Safe to run any number of times, on any node.</summary>
public sealed class ExpireLeases(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<int> HandleAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var returned = await db.Database.SqlQuery<int>($"""
            WITH expired AS (
                UPDATE assignments SET status = 'Expired'
                WHERE status = 'Leased' AND lease_expires_at <= {now}
                RETURNING item_id
            ), stale_drafts AS (
                DELETE FROM drafts d USING assignments a
                WHERE a.id = d.assignment_id AND (a.status <> 'Leased' OR a.lease_expires_at <= {now})
            )
            SELECT return_slots(ARRAY(SELECT item_id FROM expired)) AS "Value"
            """).ToListAsync(ct);
        return returned.Single();
    }
}
