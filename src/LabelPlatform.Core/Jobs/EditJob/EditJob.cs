using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Progress;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.EditJob;

/// <summary>
/// Changes a job before it is launched, under the same rules as creating it. Once items are uploaded,
/// what they were checked against (the kind, the labels, the answers per item) stays as it is.
/// </summary>
public sealed class EditJob(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Result<Job>> HandleAsync(Guid jobId, Guid organisationId, JobDraft draft, CancellationToken ct = default)
    {
        var errors = JobRules.Validate(draft);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors.Select(e => (e.Field, e.Message)));
        }

        if (draft.Quality?.Problem() is { } problem)
        {
            return Error.Invalid([(nameof(JobDraft.Quality), problem)]);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Jobs.ForUpdate(jobId, organisationId).SingleOrDefaultAsync(ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        if (job.Status is not (JobStatus.Draft or JobStatus.Ready))
        {
            return Error.Conflict($"Only a job that has not been launched can be edited; this one is {job.Status.ToString().ToLowerInvariant()}.");
        }

        if (job.Status == JobStatus.Ready
            && (draft.Kind != job.Kind || !draft.Labels.SequenceEqual(job.Labels) || draft.AnswersPerItem != job.AnswersPerItem))
        {
            return Error.Conflict("The job has items: its kind, labels and answers per item were used to check them and can no longer change. Create a new job instead.");
        }

        job.Name = draft.Name.Trim();
        job.Instructions = draft.Instructions ?? "";
        job.Kind = draft.Kind;
        job.Labels = [.. draft.Labels];
        job.AnswersPerItem = draft.AnswersPerItem;
        job.PricePerAnswer = draft.PricePerAnswer;
        job.Currency = draft.Currency;
        job.Priority = draft.Priority;
        job.LeaseMinutes = draft.LeaseMinutes;
        job.MinBoxSize = draft.MinBoxSize;
        job.MaxBoxes = draft.MaxBoxes;
        job.ShowSuggestions = draft.ShowSuggestions;
        job.QualityPolicy = draft.Quality ?? job.QualityPolicy;
        await db.SaveChangesAsync(ct);
        await JobChanges.AnnounceAsync(db, jobId, ct);
        await tx.CommitAsync(ct);
        return job;
    }
}
