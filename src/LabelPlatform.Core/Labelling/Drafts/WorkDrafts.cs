using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Labelling.Drafts;

/// <summary>
/// Keeps the worker's unfinished answer on the server while they hold the item, so a reload or a
/// new connection restores it. Only the lease holder can save or read it, and only while the lease is live.
/// </summary>
public sealed class WorkDrafts(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>A box job's draft with the most boxes stays well under this.</summary>
    public const int MaxDraftChars = 512 * 1024;

    private static readonly string SaveSql = Sql.Named("Labelling/Drafts/WorkDrafts.sql", "Save");

    private static readonly string LoadSql = Sql.Named("Labelling/Drafts/WorkDrafts.sql", "Load");

    /// <summary>
    /// Saves the draft as the answer stood at <paramref name="changedAt"/> (the server's clock when the
    /// worker changed it). Saves can land out of order (each on its own connection), so an older
    /// change never overwrites a newer one. False when the item is no longer the worker's, the draft
    /// is too large, or a newer change is already saved.
    /// </summary>
    public async Task<bool> SaveAsync(Guid assignmentId, string workerId, Answer answer, DateTimeOffset changedAt, CancellationToken ct = default)
    {
        var json = answer.ToJson();
        if (json.Length > MaxDraftChars)
        {
            return false;
        }

        await using var command = Sql.Command(dataSource, SaveSql, assignmentId, workerId, json, clock.GetUtcNow(), changedAt);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    public async Task<(Answer Answer, DateTimeOffset SavedAt)?> LoadAsync(Guid assignmentId, string workerId, CancellationToken ct = default)
    {
        await using var command = Sql.Command(dataSource, LoadSql, assignmentId, workerId, clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var answer = Answer.FromJson(reader.GetString(0));
        return answer is null ? null : (answer, reader.GetFieldValue<DateTimeOffset>(1));
    }
}
