using LabelPlatform.Common;
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

    private static readonly string CountsSql = Sql.Named("Quality/Gold/WorkerFeedback.sql", "Counts");
    private static readonly string MissedSql = Sql.Named("Quality/Gold/WorkerFeedback.sql", "Missed");

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

        var counts = await Sql.Query<Counts>(db.Database, CountsSql, workerId, counted).SingleAsync(ct);
        var missed = await Sql.Query<Missed>(db.Database, MissedSql, workerId, counted, MissedShown).ToListAsync(ct);

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
