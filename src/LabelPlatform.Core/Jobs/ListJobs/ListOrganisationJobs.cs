using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.ListJobs;

/// <summary>An organisation's jobs, newest first (a user without an organisation has none).</summary>
public sealed class ListOrganisationJobs(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<List<Job>> HandleAsync(Guid? organisationId, CancellationToken ct = default)
    {
        if (organisationId is null)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Jobs.AsNoTracking().Where(j => j.OrganisationId == organisationId).OrderByDescending(j => j.CreatedAt).ToListAsync(ct);
    }
}
