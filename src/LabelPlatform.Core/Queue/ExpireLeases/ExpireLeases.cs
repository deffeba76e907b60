using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.ExpireLeases;

/// <summary>Returns the slots of leases that ran out. Safe to run any number of times, on any node.</summary>
public sealed class ExpireLeases(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private static readonly string ExpireSql = Sql.Named("Queue/ExpireLeases/ExpireLeases.sql", "Expire");

    public async Task<int> HandleAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var returned = await Sql.Query<int>(db.Database, ExpireSql, now).ToListAsync(ct);
        return returned.Single();
    }
}
