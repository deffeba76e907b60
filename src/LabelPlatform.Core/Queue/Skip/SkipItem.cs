using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Skip;

/// <summary>A worker passes on an item: its slot goes back to the queue, and that worker never gets the item again.</summary>
public sealed class SkipItem(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Sql = """
        WITH skipped AS (
            UPDATE assignments SET status = 'Skipped', submitted_at = $3
            WHERE id = $1 AND worker_id = $2 AND status = 'Leased'
            RETURNING item_id
        )
        UPDATE items SET remaining_slots = remaining_slots + 1
        FROM skipped WHERE items.id = skipped.item_id
        RETURNING items.id
        """;

    public async Task<Error?> HandleAsync(Guid assignmentId, string workerId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteScalarAsync(ct) is null
            ? Error.Conflict("This item is no longer yours to skip: it was submitted, skipped or its time ran out.")
            : null;
    }
}
