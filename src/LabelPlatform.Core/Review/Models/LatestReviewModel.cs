using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Models;

/// <summary>The newest version of a job's review model, or null when it has none.</summary>
public sealed class LatestReviewModel(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<ReviewModel?> HandleAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ReviewModels.AsNoTracking().Where(m => m.JobId == jobId).OrderByDescending(m => m.Version).FirstOrDefaultAsync(ct);
    }
}
