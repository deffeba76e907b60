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
        await using var command = dataSource.CreateCommand(ExtendSql);
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var expires = await command.ExecuteScalarAsync(ct);
        if (expires is DateTime at)
        {
            return new DateTimeOffset(at, TimeSpan.Zero);
        }

        // Not extended: say why, without telling anyone about an assignment that is not theirs.
        await using var mine = dataSource.CreateCommand(MineSql);
        mine.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        mine.Parameters.Add(new NpgsqlParameter { Value = workerId });
        return await mine.ExecuteScalarAsync(ct) is null ? Error.NotFound("The assignment") : Assignment.LeaseExpired;
    }
}
