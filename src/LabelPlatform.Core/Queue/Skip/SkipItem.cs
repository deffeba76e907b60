using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Skip;

/// <summary>A worker passes on an item: its slot goes back to the queue, and that worker never gets the item again.</summary>
public sealed class SkipItem(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Sql = """
        WITH skipped AS (
            UPDATE assignments SET status = 'Skipped', submitted_at = $3, skip_reason = $4
            WHERE id = $1 AND worker_id = $2 AND status = 'Leased'
            RETURNING id, item_id
        ), draft AS (
            DELETE FROM drafts USING skipped WHERE drafts.assignment_id = skipped.id
        )
        SELECT return_slots(ARRAY[item_id]) FROM skipped
        """;

    public const int MaxReasonLength = 200;

    /// <summary>Reasons a worker can pick from; any other text is kept as given (shortened to <see cref="MaxReasonLength"/>).</summary>
    public static readonly IReadOnlyList<string> Reasons = ["Not sure of the answer", "Takes too long", "Cannot see or read it properly", "Other"];

    public async Task<Error?> HandleAsync(Guid assignmentId, string workerId, string? reason = null, CancellationToken ct = default)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > MaxReasonLength })
        {
            reason = reason[..MaxReasonLength];
        }

        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        return await command.ExecuteScalarAsync(ct) is null
            ? Error.Conflict("This item is no longer yours to skip: it was submitted, skipped or its time ran out.")
            : null;
    }
}
