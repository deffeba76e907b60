using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Verdicts;

/// <summary>A researcher sets how the review model's opinion becomes a verdict for their job; new verdicts follow it.</summary>
public sealed class SetReviewPolicy(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Error?> HandleAsync(Guid jobId, Guid organisationId, ReviewPolicy policy, CancellationToken ct = default)
    {
        if (policy.AcceptConfidence is < 0 or > 1 || policy.FlagConfidence is < 0 or > 1)
        {
            return Error.Validation("Confidences are between 0 and 1.");
        }

        if (policy.AuditShare is < 0 or > 1)
        {
            return Error.Validation("The audit share is between 0 and 1 (0.05 sends one accepted answer in twenty to a reviewer).");
        }

        if (policy.BoxSettingsProblem() is { } boxes)
        {
            return Error.Validation(boxes);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.Jobs.Where(j => j.Id == jobId && j.OrganisationId == organisationId)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.ReviewPolicy, policy), ct);
        return updated == 0 ? Error.NotFound("The job") : null;
    }
}
