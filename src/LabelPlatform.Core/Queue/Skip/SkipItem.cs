using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Skip;

/// <summary>A worker passes on an item: its slot goes back to the queue, and that worker never gets the item again.</summary>
public sealed class SkipItem(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly string SkipSql = Sql.Named("Queue/Skip/SkipItem.sql", "Skip");

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

        await using var command = Sql.Command(dataSource, SkipSql, assignmentId, workerId, clock.GetUtcNow(), reason);
        return await command.ExecuteScalarAsync(ct) is null
            ? Error.Conflict("This item is no longer yours to skip: it was submitted, skipped or its time ran out.")
            : null;
    }
}
