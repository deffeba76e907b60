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
    public async Task<IReadOnlyDictionary<Guid, JobCounts>> HandleAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = jobIds.ToArray();
        // Columns are snake_case: the model's naming convention applies to SqlQuery results too.
        var rows = await db.Database.SqlQuery<CountsRow>($"""
            SELECT j.id AS job_id,
                   count(i.id)::int AS items,
                   coalesce(sum(s.n), 0)::int AS answers,
                   (count(i.id) FILTER (WHERE NOT (i.machine_label IS NOT NULL AND NOT i.machine_audit)) * j.answers_per_item)::int AS answers_needed,
                   count(i.id) FILTER (WHERE i.final_state IS NOT NULL OR (i.machine_label IS NOT NULL AND NOT i.machine_audit)
                       OR (coalesce(s.n, 0) >= j.answers_per_item AND coalesce((j.quality_policy->>'MaxAnswersPerItem')::int, 0) <= j.answers_per_item))::int AS items_done,
                   count(i.id) FILTER (WHERE coalesce(s.n, 0) > 0 OR (i.machine_label IS NOT NULL AND NOT i.machine_audit))::int AS items_started,
                   (SELECT count(*) FROM assignments l WHERE l.job_id = j.id AND l.status = 'Leased')::int AS active_leases
            FROM jobs j
            LEFT JOIN items i ON i.job_id = j.id AND i.gold_answer IS NULL
            LEFT JOIN (SELECT item_id, count(*) AS n FROM assignments WHERE job_id = ANY({ids}) AND status = 'Submitted' GROUP BY item_id) s
                   ON s.item_id = i.id
            WHERE j.id = ANY({ids})
            GROUP BY j.id, j.answers_per_item
            """).ToListAsync(ct);
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
