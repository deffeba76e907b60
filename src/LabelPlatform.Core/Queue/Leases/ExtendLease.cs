using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Leases;

/// <summary>The workspace's heartbeat: while the page is open, the worker keeps the item.</summary>
public sealed class ExtendLease(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Sql = """
        UPDATE assignments a
        SET lease_expires_at = $3 + make_interval(mins => j.lease_minutes)
        FROM jobs j
        WHERE a.id = $1 AND a.worker_id = $2 AND a.status = 'Leased' AND a.lease_expires_at > $3 AND j.id = a.job_id
        RETURNING a.lease_expires_at
        """;

    public async Task<Result<DateTimeOffset>> HandleAsync(Guid assignmentId, string workerId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var expires = await command.ExecuteScalarAsync(ct);
        if (expires is DateTime at)
        {
            return new DateTimeOffset(at, TimeSpan.Zero);
        }

        // Not extended: say why, without telling anyone about an assignment that is not theirs.
        await using var mine = dataSource.CreateCommand("SELECT 1 FROM assignments WHERE id = $1 AND worker_id = $2");
        mine.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        mine.Parameters.Add(new NpgsqlParameter { Value = workerId });
        return await mine.ExecuteScalarAsync(ct) is null ? Error.NotFound("The assignment") : Assignment.LeaseExpired;
    }
}
