using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Review.Disputes;

/// <summary>
/// A worker disputes the rejection of one of their answers, once: it goes back to the reviewers'
/// queue as Disputed, where the claim keeps it from anyone who decided it before and from its worker.
/// </summary>
public sealed class DisputeRejection(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly string RejectSql = Sql.Named("Review/Disputes/DisputeRejection.sql", "Reject");

    public async Task<Error?> HandleAsync(Guid assignmentId, string workerId, string? note, CancellationToken ct = default)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > ReviewDispute.MaxNoteLength })
        {
            note = note[..ReviewDispute.MaxNoteLength];
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = Sql.Command(connection, tx, RejectSql);
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)note ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (await command.ExecuteScalarAsync(ct) is not Guid jobId)
        {
            return Error.Conflict("Only a rejected answer of yours can be disputed, and only once.");
        }

        await Jobs.Progress.JobChanges.AnnounceAsync(connection, tx, jobId, ct);
        await tx.CommitAsync(ct);
        return null;
    }
}
