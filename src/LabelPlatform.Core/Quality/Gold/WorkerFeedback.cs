using LabelPlatform.Data;
using LabelPlatform.Labelling;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

/// <summary>A check the worker missed, as they see it: never which item, never soon after.</summary>
public sealed record MissedCheck(string JobName, string YourAnswer, string KnownAnswer, string? Explanation);

/// <summary>
/// A worker's own record on checks, as shown to them: over their answers up to the last full
/// block of <see cref="WorkerFeedback.Every"/> answers before the latest block.
/// </summary>
/// <param name="Answers">Every answer the worker has given.</param>
/// <param name="Counted">The oldest answers the figure covers; the newest (at least <see cref="WorkerFeedback.Every"/>) are left out.</param>
/// <param name="NextUpdateIn">Answers until the figure moves again.</param>
public sealed record WorkerFeedbackView(int Answers, int Counted, int GoldAnswers, int GoldCorrect, int NextUpdateIn, IReadOnlyList<MissedCheck> Missed)
{
    public double Accuracy => QualityPolicy.Accuracy(GoldAnswers, GoldCorrect);
}

/// <summary>
/// What a worker learns about their accuracy on checks: delayed and aggregated. The figure moves
/// only once every <see cref="Every"/> answers, whatever they were, and covers only answers given
/// at least <see cref="Every"/> answers ago; so it never moves just after a check, and a change
/// says only that some of a block of old answers were checks. Missed checks (for jobs that give
/// feedback) come out the same way, without the item. Researchers and blocks use the exact,
/// immediate record (<see cref="WorkerAccuracy"/>).
/// </summary>
public sealed class WorkerFeedback(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int Every = 20;

    public const int MissedShown = 5;

    // Raw SQL results: the model's snake_case names apply to their columns too.
    private sealed record Counts(int Gold, int Correct);

    private sealed record Missed(string JobName, string? Answer, string? Gold, string? Explanation);

    public async Task<WorkerFeedbackView> ForWorkerAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var answers = await db.Assignments.CountAsync(a => a.WorkerId == workerId && a.SubmittedAt != null, ct);
        var counted = Math.Max(0, ((answers / Every) - 1) * Every);
        var nextUpdateIn = Every - (answers % Every);
        if (counted == 0)
        {
            return new WorkerFeedbackView(answers, 0, 0, 0, nextUpdateIn + (answers < Every ? Every : 0), []);
        }

        var counts = await db.Database.SqlQuery<Counts>($"""
            SELECT (count(*) FILTER (WHERE gold_correct IS NOT NULL))::int AS gold, (count(*) FILTER (WHERE gold_correct))::int AS correct
            FROM (SELECT gold_correct FROM assignments WHERE worker_id = {workerId} AND submitted_at IS NOT NULL ORDER BY submitted_at, id LIMIT {counted}) AS counted
            """).SingleAsync(ct);
        var missed = await db.Database.SqlQuery<Missed>($"""
            SELECT j.name AS job_name, c.answer::text AS answer, i.gold_answer::text AS gold, i.gold_explanation AS explanation
            FROM (SELECT id, job_id, item_id, answer, gold_correct, submitted_at FROM assignments
                  WHERE worker_id = {workerId} AND submitted_at IS NOT NULL ORDER BY submitted_at, id LIMIT {counted}) AS c
            JOIN jobs j ON j.id = c.job_id JOIN items i ON i.id = c.item_id
            WHERE c.gold_correct = false AND (j.quality_policy->>'Feedback')::boolean
            ORDER BY c.submitted_at DESC, c.id DESC
            LIMIT {MissedShown}
            """).ToListAsync(ct);

        return new WorkerFeedbackView(
            answers,
            counted,
            counts.Gold,
            counts.Correct,
            nextUpdateIn,
            [.. missed.Select(m => new MissedCheck(m.JobName, Describe(m.Answer), Describe(m.Gold), m.Explanation))]);
    }

    private static string Describe(string? json) => Answer.FromJson(json) is { } answer ? GoldScoring.Describe(answer) : "no answer";
}
