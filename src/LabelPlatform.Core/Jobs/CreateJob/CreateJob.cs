using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.CreateJob;

public sealed class CreateJob(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Result<Job>> HandleAsync(JobDraft draft, Guid organisationId, string userId, CancellationToken ct = default)
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

        var job = new Job
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            CreatedByUserId = userId,
            Name = draft.Name.Trim(),
            Instructions = draft.Instructions ?? "",
            Kind = draft.Kind,
            Labels = [.. draft.Labels],
            AnswersPerItem = draft.AnswersPerItem,
            PricePerAnswer = draft.PricePerAnswer,
            Currency = draft.Currency,
            Priority = draft.Priority,
            LeaseMinutes = draft.LeaseMinutes,
            MinBoxSize = draft.MinBoxSize,
            MaxBoxes = draft.MaxBoxes,
            ShowSuggestions = draft.ShowSuggestions,
            QualityPolicy = draft.Quality ?? Quality.Gold.QualityPolicy.Default,
            Status = JobStatus.Draft,
            CreatedAt = clock.GetUtcNow(),
        };

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Jobs.Add(job);
        await db.SaveChangesAsync(ct);
        return job;
    }
}
