using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.AvailableJobs;

public sealed record AvailableJob(
    Guid Id, string Name, string Instructions, IReadOnlyList<string> Labels, long PricePerAnswer, string Currency, int ItemsForYou);

/// <summary>Running jobs where this worker still has something to do.</summary>
public sealed class ListAvailableJobs(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyList<AvailableJob>> HandleAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Jobs
            .Where(j => j.Status == JobStatus.Running)
            .Where(j => !db.WorkerJobQuality.Any(q => q.JobId == j.Id && q.WorkerId == workerId && q.BlockedAt != null))
            .Select(j => new
            {
                Job = j,
                Open = db.Items.Count(i => i.JobId == j.Id && i.RemainingSlots > 0
                    && !db.Assignments.Any(a => a.ItemId == i.Id && a.WorkerId == workerId)),
                Held = db.Assignments.Count(a => a.JobId == j.Id && a.WorkerId == workerId && a.Status == AssignmentStatus.Leased),
            })
            .Where(x => x.Open + x.Held > 0)
            .OrderByDescending(x => x.Job.PricePerAnswer).ThenBy(x => x.Job.LaunchedAt)
            .ToListAsync(ct);
        return rows
            .Select(x => new AvailableJob(x.Job.Id, x.Job.Name, x.Job.Instructions, x.Job.Labels, x.Job.PricePerAnswer, x.Job.Currency, x.Open + x.Held))
            .ToList();
    }
}
