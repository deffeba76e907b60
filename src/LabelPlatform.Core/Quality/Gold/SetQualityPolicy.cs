using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

/// <summary>A researcher sets how gold items check the job's workers; claims and submits from now on follow it.</summary>
public sealed class SetQualityPolicy(IDbContextFactory<AppDbContext> dbFactory, GoldDraw draw)
{
    public async Task<Error?> HandleAsync(Guid jobId, Guid organisationId, QualityPolicy policy, CancellationToken ct = default)
    {
        if (policy.Problem() is { } problem)
        {
            return Error.Validation(problem);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.Jobs.Where(j => j.Id == jobId && j.OrganisationId == organisationId)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.QualityPolicy, policy), ct);
        draw.Forget(jobId);
        return updated == 0 ? Error.NotFound("The job") : null;
    }
}
