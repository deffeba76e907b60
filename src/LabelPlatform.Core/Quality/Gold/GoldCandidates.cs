using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.FinalLabels;
using LabelPlatform.Queue;
using LabelPlatform.Review.Verdicts;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

/// <summary>An item the researcher may make gold with its final answer, and why it qualifies.</summary>
public sealed record GoldCandidate(Guid ItemId, string SourceName, Answer Answer, string Final, double Confidence, int AgreeingWorkers);

/// <summary>
/// Items a researcher can promote to gold: settled by the crowd at a posterior of at least <see cref="MinPosterior"/>
/// from at least <see cref="MinAgreeing"/> accepted answers that agree with the final answer, each by a different
/// trusted worker. Accepted: submitted and not rejected, not waiting for a reviewer or a dispute. Trusted: not blocked
/// from the job, and not below its minimum accuracy (or 70% when it has none) once their gold record counts. An item
/// settled by one answer, by the model alone, by a reviewer, or carried by answers later rejected never qualifies:
/// a wrong gold answer would punish every worker who gets it right.
/// </summary>
public sealed class GoldCandidates(IDbContextFactory<AppDbContext> dbFactory)
{
    public const double MinPosterior = 0.99;
    public const int MinAgreeing = 3;

    /// <summary>How many of the surest settled items are looked at for the first <c>take</c> that qualify.</summary>
    private const int Window = 500;

    public async Task<IReadOnlyList<GoldCandidate>> ForJobAsync(Guid jobId, Guid organisationId, int take = 10, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return [];
        }

        var items = await db.Items.AsNoTracking()
            .Where(i => i.JobId == jobId && i.GoldAnswer == null && i.FinalState == FinalState.Settled && i.FinalSource == FinalSource.Crowd
                && i.FinalAnswer != null && i.FinalConfidence >= (float)MinPosterior)
            .OrderByDescending(i => i.FinalConfidence).ThenBy(i => i.Ordinal).Take(Window)
            .Select(i => new { i.Id, i.SourceName, i.FinalAnswer, i.FinalConfidence })
            .ToListAsync(ct);
        var ids = items.Select(i => i.Id).ToList();
        var answers = (await db.Assignments.AsNoTracking()
                .Where(a => ids.Contains(a.ItemId) && a.Status == AssignmentStatus.Submitted
                    && (a.ReviewState == null || a.ReviewState == ReviewState.Accepted || a.ReviewState == ReviewState.Approved))
                .Select(a => new { a.ItemId, a.WorkerId, a.Label, a.AnswerJson })
                .ToListAsync(ct))
            .ToLookup(a => a.ItemId);
        var records = await db.WorkerJobQuality.AsNoTracking().Where(q => q.JobId == jobId)
            .ToDictionaryAsync(q => q.WorkerId, q => (q.GoldAnswers, q.GoldCorrect, Blocked: q.BlockedAt != null), ct);
        var policy = job.QualityPolicy;
        var floor = policy.MinAccuracy > 0 ? policy.MinAccuracy : 0.7;
        bool Trusted(string worker) => !records.TryGetValue(worker, out var r)
            || (!r.Blocked && (r.GoldAnswers < policy.MinGoldAnswers || QualityPolicy.Accuracy(r.GoldAnswers, r.GoldCorrect) >= floor));

        var result = new List<GoldCandidate>(take);
        foreach (var item in items)
        {
            if (Answer.FromJson(item.FinalAnswer) is not { } final)
            {
                continue;
            }

            var agreeing = answers[item.Id]
                .Where(a => Trusted(a.WorkerId) && GoldScoring.Matches(job.Kind, final, Answer.FromJson(a.AnswerJson) ?? Answer.OneLabel(a.Label ?? "")))
                .Select(a => a.WorkerId).Distinct().Count();
            if (agreeing >= MinAgreeing)
            {
                result.Add(new GoldCandidate(item.Id, item.SourceName, final, GoldScoring.Describe(final), item.FinalConfidence ?? 0, agreeing));
                if (result.Count == take)
                {
                    break;
                }
            }
        }

        return result;
    }
}
