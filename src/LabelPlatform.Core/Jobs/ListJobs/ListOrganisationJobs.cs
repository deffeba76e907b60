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

/// <summary>One job, if the organisation owns it (another organisation's job reads as not found).</summary>
public sealed class FindOrganisationJob(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Job?> HandleAsync(Guid jobId, Guid? organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
    }
}
