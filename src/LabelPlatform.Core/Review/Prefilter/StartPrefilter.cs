using Hangfire;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LabelPlatform.Review.Prefilter;

public sealed record PrefilterRequest(float Threshold, float AuditShare, bool MachineLabels);

/// <summary>
/// A researcher asks the job's model to go over every item before launch. Earlier machine labels are
/// cleared (each item goes back to needing people) and a run is queued for the review workers.
/// </summary>
public sealed class StartPrefilter(IDbContextFactory<AppDbContext> dbFactory, IBackgroundJobClient jobs, TimeProvider clock)
{
    public async Task<Result<PrefilterRun>> HandleAsync(Guid jobId, Guid organisationId, string userId, PrefilterRequest request, CancellationToken ct = default)
    {
        if (request.Threshold is <= 0 or > 1)
        {
            return Error.Validation("The confidence threshold is above 0 and at most 1 (0.95: the model must be 95% sure).");
        }

        if (request.AuditShare is < 0 or > 1)
        {
            return Error.Validation("The audit share is between 0 and 1 (0.05 sends one machine-labelled item in twenty to people as well).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Jobs
            .ForUpdate(jobId, organisationId)
            .AsNoTracking()
            .SingleOrDefaultAsync(ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        if (job.Status is not (JobStatus.Draft or JobStatus.Ready))
        {
            return Error.Conflict($"The model goes over the items before launch; this job is {job.Status.ToString().ToLowerInvariant()}.");
        }

        if (job.Kind.IsText())
        {
            return Error.Conflict("Review models read images; this is a text job.");
        }

        var model = await db.ReviewModels.AsNoTracking().Where(m => m.JobId == jobId).OrderByDescending(m => m.Version).FirstOrDefaultAsync(ct);
        if (model is null)
        {
            return Error.Conflict("Upload a review model first: the pre-filter runs the job's model.");
        }

        var items = await db.Items.CountAsync(i => i.JobId == jobId, ct);
        if (items == 0)
        {
            return Error.Conflict("Upload items first: there is nothing for the model to go over.");
        }

        var run = new PrefilterRun
        {
            Id = Guid.CreateVersion7(),
            JobId = jobId,
            ModelId = model.Id,
            ModelVersion = model.Version,
            Status = PrefilterStatus.Running,
            Threshold = request.Threshold,
            AuditShare = request.AuditShare,

            // Box jobs get the model's boxes as suggestions; a machine label is one label per image.
            MachineLabels = request.MachineLabels && job.Kind == TaskKind.ImageClassification,
            Total = items,
            RequestedByUserId = userId,
            CreatedAt = clock.GetUtcNow(),
            UpdatedAt = clock.GetUtcNow(),
        };
        db.PrefilterRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Error.Conflict("The model is already going over this job's items; wait for that run to finish.");
        }

        // Nobody has claimed anything before launch, so every item can simply go back to needing people.
        await db.Items.Where(i => i.JobId == jobId && i.MachineLabel != null && i.GoldAnswer == null)
            .ExecuteUpdateAsync(u => u
                .SetProperty(i => i.MachineLabel, (string?)null)
                .SetProperty(i => i.MachineConfidence, (float?)null)
                .SetProperty(i => i.MachineAudit, false)
                .SetProperty(i => i.RemainingSlots, job.AnswersPerItem), ct);
        await Jobs.Progress.JobChanges.AnnounceAsync(db, jobId, ct);
        await tx.CommitAsync(ct);

        // Queued after the commit: the job must find its run. A lost enqueue is caught by the recurring sweep.
        jobs.Enqueue<PrefilterJob>(j => j.RunAsync(run.Id, CancellationToken.None));
        return run;
    }
}
