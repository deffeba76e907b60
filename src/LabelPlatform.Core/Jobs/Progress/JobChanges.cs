using LabelPlatform.Common;
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

    private static readonly string AnnounceSql = Sql.Named("Jobs/Progress/JobChanges.sql", "Announce");

    public static Task AnnounceAsync(AppDbContext db, Guid jobId, CancellationToken ct = default) =>
        Sql.ExecuteAsync(db.Database, AnnounceSql, ct, Channel, jobId.ToString());

    public static Task AnnounceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid jobId, CancellationToken ct = default) =>
        Sql.ExecuteAsync(connection, tx, AnnounceSql, ct, Channel, jobId.ToString());

    public static NpgsqlBatchCommand AnnounceCommand(Guid jobId) => Sql.BatchCommand(AnnounceSql, Channel, jobId.ToString());
}
