using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.Report;

/// <summary>One worker's report on an item, as the job's owner reads it.</summary>
public sealed record ItemReportRow(string Item, ReportReason Reason, string? Note, DateTimeOffset At);

/// <summary>The latest reports on a job's items, newest first (the caller has checked the job is the reader's).</summary>
public sealed class ListItemReports(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int Shown = 100;

    public async Task<List<ItemReportRow>> HandleAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ItemReports.AsNoTracking()
            .Where(r => r.JobId == jobId)
            .OrderByDescending(r => r.CreatedAt)
            .Take(Shown)
            .Join(db.Items, r => r.ItemId, i => i.Id, (r, i) => new ItemReportRow(i.SourceName, r.Reason, r.Note, r.CreatedAt))
            .ToListAsync(ct);
    }
}
