using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Prefilter;

/// <summary>How the machine labels fare against people on the audit sample: items people have answered, and those where they agree.</summary>
public sealed record AuditAccuracy(int AuditItems, int Answered, int Agreeing)
{
    public double? Accuracy => Answered == 0 ? null : (double)Agreeing / Answered;

    /// <summary>
    /// An audit item agrees when the machine's label is the one people gave most often (a tie counts
    /// when the machine's label is among the tied). Items nobody has answered yet are not counted.
    /// </summary>
    public static AuditAccuracy Measure(IEnumerable<(Guid ItemId, string MachineLabel)> auditItems, IEnumerable<(Guid ItemId, string Label, int Answers)> answers)
    {
        var votes = answers.GroupBy(a => a.ItemId).ToDictionary(g => g.Key, g => g.ToList());
        int total = 0, answered = 0, agreeing = 0;
        foreach (var (itemId, machineLabel) in auditItems)
        {
            total++;
            if (!votes.TryGetValue(itemId, out var itemVotes) || itemVotes.Sum(v => v.Answers) == 0)
            {
                continue;
            }

            answered++;
            var most = itemVotes.Max(v => v.Answers);
            if (itemVotes.Any(v => v.Label == machineLabel && v.Answers == most))
            {
                agreeing++;
            }
        }

        return new AuditAccuracy(total, answered, agreeing);
    }
}

public sealed record PrefilterSummary(PrefilterRun Run, AuditAccuracy Audit);

/// <summary>The latest pre-filter run of a job, with the machine labels' accuracy on its audit sample so far.</summary>
public sealed class PrefilterSummaries(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<PrefilterSummary?> LatestAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.PrefilterRuns.AsNoTracking().Where(r => r.JobId == jobId).OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync(ct);
        if (run is null)
        {
            return null;
        }

        var audit = await db.Items.AsNoTracking()
            .Where(i => i.JobId == jobId && i.MachineAudit && i.MachineLabel != null)
            .Select(i => new { i.Id, i.MachineLabel })
            .ToListAsync(ct);
        var ids = audit.Select(a => a.Id).ToList();
        var answers = await db.Assignments.AsNoTracking()
            .Where(a => a.JobId == jobId && a.Status == AssignmentStatus.Submitted && ids.Contains(a.ItemId) && a.Label != null)
            .GroupBy(a => new { a.ItemId, a.Label })
            .Select(g => new { g.Key.ItemId, g.Key.Label, Answers = g.Count() })
            .ToListAsync(ct);
        var accuracy = AuditAccuracy.Measure(
            audit.Select(a => (a.Id, a.MachineLabel!)),
            answers.Select(a => (a.ItemId, a.Label!, a.Answers)));
        return new PrefilterSummary(run, accuracy);
    }
}
