using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

/// <summary>One worker's record on gold: in one job, or (overall) across every job.</summary>
public sealed record WorkerAccuracyRow(string WorkerId, string DisplayName, int GoldAnswers, int GoldCorrect, DateTimeOffset? BlockedAt, string? BlockReason)
{
    /// <summary>The posterior mean of the worker's accuracy (Beta(1, 1) prior).</summary>
    public double Accuracy => QualityPolicy.Accuracy(GoldAnswers, GoldCorrect);

    /// <summary>A 90% credible interval for the accuracy, from the Beta posterior (normal approximation, clipped).</summary>
    public (double Low, double High) Interval => Aggregation.WorkerPrior.Default.IntervalFrom(GoldCorrect, GoldAnswers);
}

/// <summary>Workers' accuracy on gold, for a job's researchers and for admins.</summary>
public sealed class WorkerAccuracy(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<IReadOnlyList<WorkerAccuracyRow>> ForJobAsync(Guid jobId, Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WorkerJobQuality.AsNoTracking()
            .Where(q => q.JobId == jobId && db.Jobs.Any(j => j.Id == jobId && j.OrganisationId == organisationId))
            .Join(db.Users, q => q.WorkerId, u => u.Id, (q, u) => new { q.WorkerId, u.DisplayName, q.GoldAnswers, q.GoldCorrect, q.BlockedAt, q.BlockReason })
            .ToListAsync(ct);

        // Blocked first, then the least accurate: who needs the researcher's attention.
        return [.. rows
            .Select(r => new WorkerAccuracyRow(r.WorkerId, r.DisplayName, r.GoldAnswers, r.GoldCorrect, r.BlockedAt, r.BlockReason))
            .OrderBy(r => r.BlockedAt is null)
            .ThenBy(r => r.Accuracy)];
    }

    /// <summary>Every job's gold pooled: a worker's overall record.</summary>
    public async Task<WorkerAccuracyRow?> OverallAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WorkerJobQuality.AsNoTracking().Where(q => q.WorkerId == workerId).ToListAsync(ct);
        return rows.Count == 0 ? null : new WorkerAccuracyRow(workerId, "", rows.Sum(r => r.GoldAnswers), rows.Sum(r => r.GoldCorrect), null, null);
    }
}
