using LabelPlatform.Billing;
using LabelPlatform.Billing.Escrow;
using LabelPlatform.Common;
using LabelPlatform.Common.Events;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Progress;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Jobs.Lifecycle;

public enum JobAction
{
    Launch,
    Pause,
    Resume,
    Cancel,
}

/// <summary>
/// Launch, pause, resume or cancel a job. Launching reserves the job's budget in escrow and cancelling
/// returns what is left, in the same transaction as the change of status.
/// </summary>
public sealed class ChangeJobStatus(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, IJobFunding funding)
{
    public async Task<Result<JobStatus>> HandleAsync(Guid jobId, Guid organisationId, JobAction action, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Jobs
            .ForUpdate(jobId, organisationId)
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

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTx = (NpgsqlTransaction)tx.GetDbTransaction();
        var money = action switch
        {
            JobAction.Launch => await funding.ReserveAsync(connection, npgsqlTx, job, clock.GetUtcNow(), ct),
            JobAction.Resume => await funding.CoverForResumeAsync(connection, npgsqlTx, job, clock.GetUtcNow(), ct),
            _ => null,
        };
        if (money is not null)
        {
            return money;
        }

        var type = action switch
        {
            JobAction.Launch => OrganisationEventTypes.JobLaunched,
            JobAction.Pause => OrganisationEventTypes.JobPaused,
            JobAction.Resume => OrganisationEventTypes.JobResumed,
            _ => OrganisationEventTypes.JobCancelled,
        };
        db.OrganisationEvents.Add(OrganisationEvent.Create(organisationId, type, jobId,
            new JobEventData(jobId, job.Name, job.Status.ToString().ToLowerInvariant(), action == JobAction.Pause ? JobEventData.ByResearcher : null), clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        if (action == JobAction.Cancel)
        {
            await funding.ReleaseAsync(connection, npgsqlTx, job, clock.GetUtcNow(), ct);
        }

        await JobChanges.AnnounceAsync(db, jobId, ct);
        await tx.CommitAsync(ct);
        return job.Status;
    }
}

/// <summary>The data of the job.* events.</summary>
/// <param name="Reason">For job.paused: <see cref="ByResearcher"/> or <see cref="FundsExhausted"/>.</param>
public sealed record JobEventData(Guid JobId, string Name, string Status, string? Reason = null)
{
    public const string ByResearcher = "researcher";

    public const string FundsExhausted = "funds_exhausted";
}
