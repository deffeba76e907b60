using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Batches;

/// <summary>A researcher sets the reasons reviewers pick from when they reject an answer of their job (digit keys 1–9 in the batch view).</summary>
public sealed class SetRejectionReasons(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Error?> HandleAsync(Guid jobId, Guid organisationId, IReadOnlyList<string> reasons, CancellationToken ct = default)
    {
        var cleaned = reasons.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToList();
        if (cleaned.Count > JobRules.MaxRejectionReasons)
        {
            return Error.Validation($"At most {JobRules.MaxRejectionReasons} reasons: reviewers pick them with the keys 1 to 9.");
        }

        if (cleaned.Any(r => r.Length > JobRules.MaxRejectionReasonLength))
        {
            return Error.Validation($"A reason is at most {JobRules.MaxRejectionReasonLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.Jobs.Where(j => j.Id == jobId && j.OrganisationId == organisationId)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.RejectionReasons, cleaned), ct);
        return updated == 0 ? Error.NotFound("The job") : null;
    }
}
