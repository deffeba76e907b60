using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LabelPlatform.Hosting;

/// <summary>PostgreSQL answers and every migration is applied: what both hosts need before they do anything.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            var data = new Dictionary<string, object> { ["pending_migrations"] = pending.Count };
            return pending.Count == 0
                ? HealthCheckResult.Healthy("PostgreSQL answers and the schema is current.", data)
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}.", data: data);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL cannot be reached.", e);
        }
    }
}
