using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.Progress;

/// <summary>A job's progress. Items the model labelled before launch (audit sample aside) count as done and need no answers.</summary>
public sealed record JobCounts(int Items, int Answers, int AnswersNeeded, int ItemsDone, int ItemsStarted, int ActiveLeases)
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
                   count(i.id) FILTER (WHERE coalesce(s.n, 0) >= j.answers_per_item OR (i.machine_label IS NOT NULL AND NOT i.machine_audit))::int AS items_done,
                   count(i.id) FILTER (WHERE coalesce(s.n, 0) > 0 OR (i.machine_label IS NOT NULL AND NOT i.machine_audit))::int AS items_started,
                   (SELECT count(*) FROM assignments l WHERE l.job_id = j.id AND l.status = 'Leased')::int AS active_leases
            FROM jobs j
            LEFT JOIN items i ON i.job_id = j.id
            LEFT JOIN (SELECT item_id, count(*) AS n FROM assignments WHERE job_id = ANY({ids}) AND status = 'Submitted' GROUP BY item_id) s
                   ON s.item_id = i.id
            WHERE j.id = ANY({ids})
            GROUP BY j.id, j.answers_per_item
            """).ToListAsync(ct);
        return rows.ToDictionary(r => r.JobId, r => new JobCounts(r.Items, r.Answers, r.AnswersNeeded, r.ItemsDone, r.ItemsStarted, r.ActiveLeases));
    }

    private sealed record CountsRow(Guid JobId, int Items, int Answers, int AnswersNeeded, int ItemsDone, int ItemsStarted, int ActiveLeases);
}
