using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

/// <summary>A reviewer's own audit record (how many of their decisions on gold answers were right); null before their first.</summary>
public sealed class GetReviewerQuality(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<ReviewerQuality?> HandleAsync(string reviewerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ReviewerQuality.AsNoTracking().FirstOrDefaultAsync(q => q.ReviewerId == reviewerId, ct);
    }
}
