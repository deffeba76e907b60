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
    private const string Sql = """
        WITH target AS (
            SELECT id FROM assignments WHERE id = $1 AND worker_id = $2 AND review_state = 'Rejected' FOR UPDATE
        ), dispute AS (
            INSERT INTO review_disputes (id, assignment_id, worker_id, note, created_at)
            SELECT $3, id, $2, $4, $5 FROM target
            ON CONFLICT (assignment_id) DO NOTHING
            RETURNING assignment_id
        )
        UPDATE assignments SET review_state = 'Disputed', review_batch_id = NULL
        FROM dispute WHERE assignments.id = dispute.assignment_id
        RETURNING assignments.job_id
        """;

    public async Task<Error?> HandleAsync(Guid assignmentId, string workerId, string? note, CancellationToken ct = default)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > ReviewDispute.MaxNoteLength })
        {
            note = note[..ReviewDispute.MaxNoteLength];
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(Sql, connection, tx);
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
