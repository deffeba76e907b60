using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LabelPlatform.Jobs.Progress;

/// <summary>
/// Announces "this job's counts or state changed" through PostgreSQL NOTIFY, inside the caller's
/// transaction: it is delivered on commit, to every process listening (every web node), and not
/// at all on rollback. Identical notifications in one transaction are delivered once.
/// </summary>
public static class JobChanges
{
    public const string Channel = "lp_job_changed";

    public static Task AnnounceAsync(AppDbContext db, Guid jobId, CancellationToken ct = default) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {jobId.ToString()})", ct);

    public static async Task AnnounceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid jobId, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_notify('{Channel}', $1)", connection, tx) { Parameters = { new NpgsqlParameter { Value = jobId.ToString() } } };
        await command.ExecuteNonQueryAsync(ct);
    }

    public static NpgsqlBatchCommand AnnounceCommand(Guid jobId) =>
        new($"SELECT pg_notify('{Channel}', $1)") { Parameters = { new NpgsqlParameter { Value = jobId.ToString() } } };
}
