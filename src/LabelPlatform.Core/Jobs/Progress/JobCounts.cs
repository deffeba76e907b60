using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Review.Verdicts;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.Progress;

/// <summary>
/// Where a job's answers stand with review: waiting for the model, accepted by it, sent to a reviewer,
/// rejected (by the model or a reviewer), approved by a reviewer, disputed by their worker.
/// </summary>
public sealed record ReviewCounts(int Pending, int Accepted, int NeedsReview, int Rejected, int Approved = 0, int Disputed = 0)
{
    public static readonly ReviewCounts None = new(0, 0, 0, 0);

    public int Total => Pending + Accepted + NeedsReview + Rejected + Approved + Disputed;
}

/// <summary>
/// A job's progress. Items the model labelled before launch (audit sample aside) count as done and
/// need no answers; gold items are checks on workers, not work, and are not counted. An item is done once
/// its final label is settled or undecided (left to reviewers) as of the last recompute, or, under fixed
/// overlap, once all its answers are in; under dynamic overlap an answered item may still want more.
/// </summary>
public sealed record JobCounts(int Items, int Answers, int AnswersNeeded, int ItemsDone, int ItemsStarted, int ActiveLeases, ReviewCounts Review)
{
    public int ItemsInProgress => ItemsStarted - ItemsDone;

    public int ItemsNotStarted => Items - ItemsStarted;

    public double PercentDone => AnswersNeeded == 0 ? 0 : 100.0 * Answers / AnswersNeeded;
}

public sealed class GetJobCounts(IDbContextFactory<AppDbContext> dbFactory)
{
    private static readonly string CountsSql = Sql.Named("Jobs/Progress/JobCounts.sql", "Counts");

    public async Task<IReadOnlyDictionary<Guid, JobCounts>> HandleAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = jobIds.ToArray();
        // Columns are snake_case: the model's naming convention applies to SqlQuery results too.
        var rows = await Sql.Query<CountsRow>(db.Database, CountsSql, ids).ToListAsync(ct);
        var review = (await db.Assignments
                .Where(a => ids.Contains(a.JobId) && a.ReviewState != null)
                .GroupBy(a => new { a.JobId, a.ReviewState })
                .Select(g => new { g.Key.JobId, State = g.Key.ReviewState, Count = g.Count() })
                .ToListAsync(ct))
            .GroupBy(r => r.JobId)
            .ToDictionary(g => g.Key, g => new ReviewCounts(
                g.Where(r => r.State == ReviewState.Pending).Sum(r => r.Count),
                g.Where(r => r.State == ReviewState.Accepted).Sum(r => r.Count),
                g.Where(r => r.State == ReviewState.NeedsReview).Sum(r => r.Count),
                g.Where(r => r.State == ReviewState.Rejected).Sum(r => r.Count),
                g.Where(r => r.State == ReviewState.Approved).Sum(r => r.Count),
                g.Where(r => r.State == ReviewState.Disputed).Sum(r => r.Count)));
        return rows.ToDictionary(
            r => r.JobId,
            r => new JobCounts(r.Items, r.Answers, r.AnswersNeeded, r.ItemsDone, r.ItemsStarted, r.ActiveLeases, review.GetValueOrDefault(r.JobId, ReviewCounts.None)));
    }

    private sealed record CountsRow(Guid JobId, int Items, int Answers, int AnswersNeeded, int ItemsDone, int ItemsStarted, int ActiveLeases);
}
