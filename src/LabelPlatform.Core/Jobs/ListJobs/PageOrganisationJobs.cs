using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.ListJobs;

/// <summary>Where a page of jobs ends: the last job's creation time and id (newest first, ties by id).</summary>
public sealed record JobCursor(DateTimeOffset CreatedAt, Guid Id);

public sealed record JobPage(IReadOnlyList<Job> Jobs, JobCursor? Next);

/// <summary>An organisation's jobs a page at a time, newest first; a page is stable while jobs are added.</summary>
public sealed class PageOrganisationJobs(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxPageSize = 100;

    public async Task<JobPage> HandleAsync(Guid organisationId, JobCursor? after, int limit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var jobs = db.Jobs.AsNoTracking().Where(j => j.OrganisationId == organisationId);
        if (after is { } cursor)
        {
            jobs = jobs.Where(j => EF.Functions.LessThan(ValueTuple.Create(j.CreatedAt, j.Id), ValueTuple.Create(cursor.CreatedAt, cursor.Id)));
        }

        var rows = await jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(limit + 1).ToListAsync(ct);
        var page = rows.Take(limit).ToList();
        return new JobPage(page, rows.Count > limit ? new JobCursor(page[^1].CreatedAt, page[^1].Id) : null);
    }
}
