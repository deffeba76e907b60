using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.AvailableJobs;

public sealed record AvailableJob(
    Guid Id, string Name, string Instructions, IReadOnlyList<string> Labels, long PricePerAnswer, string Currency, int ItemsForYou);

/// <summary>
/// Running jobs where this worker still has something to do, with how much. The count moves the
/// same way whichever kind of item the worker takes or answers: it is the real items open to
/// them, the leases they hold, and (while any of those remain) the live gold items they have not
/// had. A count of real items alone would stand still after a gold answer and give it away.
/// </summary>
public sealed class ListAvailableJobs(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyList<AvailableJob>> HandleAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var jobs = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running)
            .Where(j => !db.WorkerJobQuality.Any(q => q.JobId == j.Id && q.WorkerId == workerId && q.BlockedAt != null))
            .ToListAsync(ct);
        var ids = jobs.Select(j => j.Id).ToList();
        var open = await db.Items
            .Where(i => ids.Contains(i.JobId) && i.GoldAnswer == null && i.RemainingSlots > 0 && !db.Assignments.Any(a => a.ItemId == i.Id && a.WorkerId == workerId))
            .GroupBy(i => i.JobId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var held = await db.Assignments
            .Where(a => ids.Contains(a.JobId) && a.WorkerId == workerId && a.Status == AssignmentStatus.Leased)
            .GroupBy(a => a.JobId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var unseenGold = (await db.Items
                .Where(i => ids.Contains(i.JobId) && i.GoldAnswer != null && !db.Assignments.Any(a => a.ItemId == i.Id && a.WorkerId == workerId))
                .Select(i => new { i.JobId, i.GoldShown })
                .ToListAsync(ct))
            .ToLookup(i => i.JobId, i => i.GoldShown);

        return jobs
            .Select(j =>
            {
                var work = open.GetValueOrDefault(j.Id) + held.GetValueOrDefault(j.Id);
                var gold = work > 0 ? unseenGold[j.Id].Count(j.QualityPolicy.IsLive) : 0;
                return (Job: j, Count: work + gold);
            })
            .Where(x => x.Count > 0)
            .OrderByDescending(x => x.Job.PricePerAnswer).ThenBy(x => x.Job.LaunchedAt)
            .Select(x => new AvailableJob(x.Job.Id, x.Job.Name, x.Job.Instructions, x.Job.Labels, x.Job.PricePerAnswer, x.Job.Currency, x.Count))
            .ToList();
    }
}
