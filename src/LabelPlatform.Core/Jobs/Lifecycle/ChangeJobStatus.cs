using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Progress;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.Lifecycle;

public enum JobAction
{
    Launch,
    Pause,
    Resume,
    Cancel,
}

public sealed class ChangeJobStatus(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Result<JobStatus>> HandleAsync(Guid jobId, Guid organisationId, JobAction action, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Jobs
            .FromSql($"SELECT * FROM jobs WHERE id = {jobId} AND organisation_id = {organisationId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        var error = action switch
        {
            JobAction.Launch => job.Launch(clock.GetUtcNow()),
            JobAction.Pause => job.Pause(),
            JobAction.Resume => job.Resume(),
            JobAction.Cancel => job.Cancel(clock.GetUtcNow()),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        if (error is not null)
        {
            return error;
        }

        await db.SaveChangesAsync(ct);
        await JobChanges.AnnounceAsync(db, jobId, ct);
        await tx.CommitAsync(ct);
        return job.Status;
    }
}
