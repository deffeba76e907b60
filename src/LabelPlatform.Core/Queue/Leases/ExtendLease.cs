using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Leases;

/// <summary>The workspace's heartbeat: while the page is open, the worker keeps the item.</summary>
public sealed class ExtendLease(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly string MineSql = Sql.Named("Queue/Leases/ExtendLease.sql", "Mine");

    private static readonly string ExtendSql = Sql.Named("Queue/Leases/ExtendLease.sql", "Extend");

    public async Task<Result<DateTimeOffset>> HandleAsync(Guid assignmentId, string workerId, CancellationToken ct = default)
    {
        await using var command = Sql.Command(dataSource, ExtendSql, assignmentId, workerId, clock.GetUtcNow());
        var expires = await command.ExecuteScalarAsync(ct);
        if (expires is DateTime at)
        {
            return new DateTimeOffset(at, TimeSpan.Zero);
        }

        // Not extended: say why, without telling anyone about an assignment that is not theirs.
        await using var mine = Sql.Command(dataSource, MineSql, assignmentId, workerId);
        return await mine.ExecuteScalarAsync(ct) is null ? Error.NotFound("The assignment") : Assignment.LeaseExpired;
    }
}
