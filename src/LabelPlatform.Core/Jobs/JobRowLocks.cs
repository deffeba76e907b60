using LabelPlatform.Common;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs;

/// <summary>
/// A job's row lock, taken through EF (which has no FOR UPDATE of its own): imports, model uploads and
/// status changes of one job run one after the other; the final-labels recompute takes the weaker lock
/// that still lets claims and submits through.
/// </summary>
public static class JobRowLocks
{
    private static readonly string ForUpdateSql = Sql.Named("Jobs/JobRowLocks.sql", "ForUpdate");
    private static readonly string OwnedForUpdateSql = Sql.Named("Jobs/JobRowLocks.sql", "OwnedForUpdate");
    private static readonly string ForNoKeyUpdateSql = Sql.Named("Jobs/JobRowLocks.sql", "ForNoKeyUpdate");

    /// <summary>The job, its row locked until the transaction ends.</summary>
    public static IQueryable<Job> ForUpdate(this DbSet<Job> jobs, Guid jobId) => jobs.FromSqlRaw(Sql.ForEf(ForUpdateSql), jobId);

    /// <summary>The job if <paramref name="organisationId"/> owns it, its row locked; another organisation's job is not touched.</summary>
    public static IQueryable<Job> ForUpdate(this DbSet<Job> jobs, Guid jobId, Guid organisationId) =>
        jobs.FromSqlRaw(Sql.ForEf(OwnedForUpdateSql), jobId, organisationId);

    public static IQueryable<Job> ForNoKeyUpdate(this DbSet<Job> jobs, Guid jobId) => jobs.FromSqlRaw(Sql.ForEf(ForNoKeyUpdateSql), jobId);
}
